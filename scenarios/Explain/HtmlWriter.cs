using System.Net;
using System.Reflection;
using System.Text.Json;

namespace Uvm.Scenarios.Explain;

/// <summary>
/// The counterexample as one self-contained HTML page: the sequence diagram (inline SVG drawn by a
/// small script in the page, no libraries, no network), the step list, the state after each step
/// (click a step), the violation, and the Mermaid text to copy. The page carries the boot state and
/// each step's changes as JSON; the script rebuilds the state after any step from them.
/// </summary>
public static class HtmlWriter
{
    /// <summary>The page for <paramref name="e"/>.</summary>
    public static string Write(Explanation e)
    {
        var model = new SequenceModel(e);
        var lines = StoryFolding.Lines(e, fold: true);
        var story = new StringWriter();
        StoryWriter.Write(e, story, fold: true);
        var cx = e.Source;
        var title = $"{cx.Scenario} with {(cx.Bugs.Count == 0 ? "the fixed kernel" : string.Join(", ", cx.Bugs))}: {cx.Violation.Id}";
        return Resource("ExplainPage.html")
            .Replace("{{CSS}}", Resource("ExplainPage.css"))
            .Replace("{{JS}}", Resource("ExplainPage.js"))
            .Replace("{{TITLE}}", Encode(title))
            .Replace("{{WORKLOAD}}", Encode($"workload: {cx.Workload}"))
            .Replace("{{VERDICT}}", Verdict(e))
            .Replace("{{NAMED}}", Encode(e.Named.Count == 0 ? "the violated state" : string.Join(", ", e.Named)))
            .Replace("{{MERMAID}}", Encode(MermaidWriter.Write(e)))
            .Replace("{{STORY}}", Encode(story.ToString()))
            .Replace("{{DATA}}", JsonSerializer.Serialize(Data(e, model, lines), Json.Options));
    }

    /// <summary>The violation banner: which property failed, after which step, and what it says.</summary>
    private static string Verdict(Explanation e)
    {
        if (e.Violation is not { } v)
            return Encode($"No violation: the replay ran {e.Steps.Count} steps and every property held (the file expected {e.Source.Violation.Id}).");
        var last = e.Steps.Count > 0 ? $" after step {e.Steps[^1].Index} ({e.Steps[^1].Thread}: {e.Steps[^1].Function})" : "";
        var state = string.Concat(e.ViolatedState.Select(s => $"<br><code>{Encode(s.ToString())}</code>"));
        return $"<b>✗ {Encode(v.Id)}</b> violated{Encode(last)}: {Encode(Explanation.Detail(v.Message))}{state}";
    }

    /// <summary>What the page's script draws from, as plain JSON.</summary>
    private static object Data(Explanation e, SequenceModel model, IReadOnlyList<StoryLine> lines)
    {
        var folds = lines.Where(l => l.IsFold).ToList();
        var foldOf = new Dictionary<int, int>();
        for (int f = 0; f < folds.Count; f++)
            foreach (var s in folds[f].Folded) foldOf[s.Index] = f;
        return new
        {
            lifelines = model.Lifelines.Select(l => new { id = l.Id, label = l.Label, thread = l.IsThread }),
            boot = e.Boot.Entities.Select(x => new { key = x.Key, group = x.Group, label = x.Label, facts = x.Facts.Select(f => new[] { f.Name, f.Value }) }),
            steps = model.Steps.Select(a => new
            {
                i = a.Step.Index,
                thread = a.Step.Thread,
                actor = a.Step.Actor,
                fn = a.Step.FunctionAndKind,
                violated = a.Step.Violated,
                @switch = a.Step.SwitchesContext,
                relevant = StoryFolding.IsRelevant(e, a.Step),
                fold = foldOf.TryGetValue(a.Step.Index, out int f) ? f : -1,
                diff = a.Step.Diff.Compact(verbose: true),
                changes = a.Step.Diff.Changes.Select(c => new[] { c.Key, c.Group, c.Label, c.Fact, c.Before, c.After }),
                arrows = a.Messages.Select(m => new { from = m.From, to = m.To, text = m.Changes }),
            }),
            folds = folds.Select((l, i) => new { id = i, text = l.FoldText, threads = l.FoldedThreads.Select(t => model[t].Id) }),
            named = e.Named,
            violation = e.Violation is { } v ? new
            {
                id = v.Id,
                name = v.Name,
                detail = Explanation.Detail(v.Message),
                lifelines = e.Named.Where(n => model.Lifelines.Any(l => l.Label == n)).Select(n => model[n].Id).Distinct(),
            } : null,
        };
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);

    /// <summary>A file of the page, embedded in this assembly.</summary>
    private static string Resource(string name)
    {
        using var stream = typeof(HtmlWriter).Assembly.GetManifestResourceStream($"Uvm.Scenarios.Explain.{name}")
            ?? throw new InvalidOperationException($"resource {name} is missing from {typeof(HtmlWriter).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
