using System.Text;

namespace Uvm.Scenarios.Explain;

/// <summary>
/// The counterexample as a Mermaid sequence diagram, to paste into an issue or pull request: one
/// participant per kernel thread, one per shared object, one arrow per object a step changed,
/// folded runs as notes, and the violating step in a red box with the violation as a note.
/// </summary>
public static class MermaidWriter
{
    /// <summary>The diagram text of <paramref name="e"/>; every step when <paramref name="fold"/> is false.</summary>
    public static string Write(Explanation e, bool fold = true)
    {
        var model = new SequenceModel(e);
        var arrows = model.Steps.ToDictionary(a => a.Step.Index);
        var sb = new StringBuilder();
        sb.AppendLine("sequenceDiagram");
        sb.AppendLine($"    %% uvmcheck explain: {Text(e.Source.Scenario)}, bugs [{string.Join(", ", e.Source.Bugs)}], {Text(e.Source.Violation.Id)}");
        Box(sb, "Kernel threads", model.Lifelines.Where(l => l.IsThread));
        Box(sb, "Shared state", model.Lifelines.Where(l => !l.IsThread));
        foreach (var line in StoryFolding.Lines(e, fold))
        {
            if (line.Step is not { } s)
            {
                var over = line.FoldedThreads.Select(t => model[t]).OrderBy(l => model.Lifelines.IndexOf(l)).ToList();
                var span = over.Count == 1 ? over[0].Id : $"{over[0].Id},{over[^1].Id}";
                sb.AppendLine($"    Note over {span}: {Text(line.FoldText)}");
                continue;
            }
            // A repeated run is one line of the story, but each of its steps is an arrow here.
            foreach (var r in line.Repeated) Arrows(r);
            Arrows(s);
        }
        return sb.ToString();

        void Arrows(ExplainedStep s)
        {
            if (s.Violated) sb.AppendLine("    rect rgb(255, 215, 215)");
            var messages = arrows[s.Index].Messages;
            for (int i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                var head = i == 0 ? $"{s.Index} {(s.SwitchesContext ? "⇄ " : "")}{s.FunctionAndKind}" : "";
                var text = head.Length > 0 && m.Changes.Length > 0 ? $"{head}: {m.Changes}" : head + m.Changes;
                sb.AppendLine($"    {m.From}->>{m.To}: {Text(text)}");
            }
            if (s.Violated && e.Violation is { } v)
            {
                var named = e.Named.Where(n => model.Lifelines.Any(l => l.Label == n)).Select(n => model[n].Id).Distinct().ToList();
                var where = named.Count == 0 ? model[s.Thread].Id : named.Count == 1 ? named[0] : $"{named[0]},{named[^1]}";
                sb.AppendLine($"    Note over {where}: ✗ {Text(v.Name)}: {Text(Explanation.Detail(v.Message))}");
                sb.AppendLine("    end");
            }
        }
    }

    private static void Box(StringBuilder sb, string title, IEnumerable<Lifeline> lifelines)
    {
        var list = lifelines.ToList();
        if (list.Count == 0) return;
        sb.AppendLine($"    box {title}");
        foreach (var l in list) sb.AppendLine($"        participant {l.Id} as {Text(l.Label)}");
        sb.AppendLine("    end");
    }

    /// <summary>Text Mermaid shows as it is: no statement separators, entity codes or HTML.</summary>
    public static string Text(string s) =>
        s.Replace(';', ',').Replace('#', '♯').Replace('<', '‹').Replace('>', '›').ReplaceLineEndings(" ");
}
