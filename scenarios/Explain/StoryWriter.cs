using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Scenarios.Explain;

/// <summary>
/// The counterexample as a kernel engineer's whiteboard, one line per atomic step: step number,
/// a ⇄ where a CPU switches LWPs, who ran it, the kernel function, and what changed. Folded runs
/// take one line. At the end: the violated property and the state of what it names.
/// </summary>
public static class StoryWriter
{
    /// <summary>The widest kernel-function column before it is cut.</summary>
    private const int MaxFunctionWidth = 24;

    /// <summary>The line width when the output is not a terminal.</summary>
    public const int DefaultWidth = 160;

    /// <summary>
    /// Writes the story of <paramref name="e"/>, wrapping what changed at entity boundaries so no
    /// line is wider than <paramref name="width"/>.
    /// </summary>
    public static void Write(Explanation e, TextWriter o, bool fold = true, int width = DefaultWidth)
    {
        WriteHeader(e, o, width);
        var lines = StoryFolding.Lines(e, fold);
        int actorWidth = Math.Max(6, e.Steps.Select(s => s.Actor.Length).DefaultIfEmpty(0).Max());
        int fnWidth = Math.Min(MaxFunctionWidth, Math.Max(8, e.Steps.Select(s => s.FunctionAndKind.Length).DefaultIfEmpty(0).Max()));
        o.WriteLine($"{"step",4}   {"thread".PadRight(actorWidth)}  {"kernel function".PadRight(fnWidth)}  what changed");
        foreach (var line in lines)
        {
            if (line.Step is not { } s)
            {
                o.WriteLine($"{"",4}   {line.FoldText}");
                continue;
            }
            var mark = s.Violated ? "✗" : s.Causes.Count > 0 ? "◆" : s.SwitchesContext ? "⇄" : " ";
            var label = line.Repeated.Count == 0 ? s.FunctionAndKind : $"{s.FunctionAndKind} ×{line.Repeated.Count + 1}";
            var fn = label.Length > fnWidth ? label[..(fnWidth - 1)] + "…" : label;
            var index = line.Repeated.Count == 0 ? $"{s.Index,4}" : $"{line.Repeated[0].Index}-{s.Index}".PadLeft(4);
            var head = $"{index} {mark} {s.Actor.PadRight(actorWidth)}  {fn.PadRight(fnWidth)}  ";
            // A repeated run shows what each of its steps changed, in order.
            var parts = line.Repeated.Append(s).SelectMany(r => r.Diff.IsEmpty ? ["—"] : r.Diff.Parts()).ToList();
            foreach (var row in Wrap(parts, Math.Max(24, width - head.Length)))
            {
                o.WriteLine(head + row);
                head = new string(' ', head.Length);
            }
        }
        WriteVerdict(e, o, width);
    }

    /// <summary>
    /// Joins <paramref name="parts"/> with <paramref name="separator"/> into rows of at most
    /// <paramref name="width"/>, counting the separator that ends a continued row; a part longer
    /// than a row is cut with an ellipsis.
    /// </summary>
    private static IEnumerable<string> Wrap(IReadOnlyList<string> parts, int width, string separator = "; ")
    {
        var row = "";
        int room = width - separator.TrimEnd().Length;
        foreach (var part in parts)
        {
            var p = part.Length > room ? part[..(room - 1)] + "…" : part;
            if (row.Length > 0 && row.Length + separator.Length + p.Length > room)
            {
                yield return row + separator.TrimEnd();
                row = "";
            }
            row = row.Length == 0 ? p : row + separator + p;
        }
        yield return row;
    }

    /// <summary>
    /// What was replayed: scenario, bugs, workload (wrapped at its "; " parts to <paramref name="width"/>),
    /// and where the replay left the file's schedule.
    /// </summary>
    public static void WriteHeader(Explanation e, TextWriter o, int width = DefaultWidth)
    {
        var cx = e.Source;
        var bugs = cx.Bugs.Count == 0 ? "the fixed kernel" : "bugs " + string.Join(", ", cx.Bugs);
        o.WriteLine($"{cx.Scenario} with {bugs}: {cx.Violation.Id}, {e.Steps.Count} steps (schedule {cx.Iteration} of seed {cx.Settings.Seed})");
        foreach (var row in Wrap($"workload: {cx.Workload}".Split("; "), width)) o.WriteLine(row);
        foreach (var line in ModelDiff.Note(cx)) o.WriteLine(line);
        if (e.Replay.FirstDivergentStep is { } d) o.WriteLine($"note: the model's run parts from the file's schedule at step {d}; this is the model's run");
        if (e.Replay.Method == ReplayMethod.AlignedSchedule)
        {
            o.WriteLine($"note: the file's step labels part from the model's ({e.Replay.PartReason}); this is the model's run, aligned with the file:");
            foreach (var line in e.Replay.Alignment) o.WriteLine($"  {line}");
        }
        o.WriteLine("legend: ⇄ a CPU switches LWPs, ◆ a cause (undo its write: no violation), ✗ the failing step; x=v: x is now v, +x/−x: x became true/false or entered/left a list");
        o.WriteLine();
    }

    /// <summary>The violated property, where it broke, and the state of the entities it names.</summary>
    public static void WriteVerdict(Explanation e, TextWriter o, int width = DefaultWidth)
    {
        o.WriteLine();
        if (e.Violation is not { } v)
        {
            o.WriteLine($"no violation: the replay ran {e.Steps.Count} steps and every property held (the file expected {e.Source.Violation.Id})");
            return;
        }
        if (e.Disagreement is { } d) o.WriteLine($"note: {d}");
        if (e.CauseSearch.Problem is { } p) o.WriteLine($"note: no ◆: {p}");
        var last = e.Steps.Count > 0 ? $" after step {e.Steps[^1].Index} ({e.Steps[^1].Thread}: {e.Steps[^1].Function})" : "";
        var causes = e.Steps.Where(s => s.Causes.Count > 0).Select(s => s.Index).ToList();
        o.WriteLine($"✗ {v.Id} violated{last}" + (causes.Count > 0 ? $"; ◆ causes: step{(causes.Count > 1 ? "s" : "")} {string.Join(", ", causes)}:" : ":"));
        o.WriteLine($"  {Explanation.Detail(v.Message)}");
        var state = e.ViolatedState.ToList();
        if (state.Count == 0) return;
        o.WriteLine("the state it talks about:");
        var ambiguous = state.GroupBy(x => x.Label).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        foreach (var entity in state)
        {
            var name = ambiguous.Contains(entity.Label) ? $"{entity.Label} ({entity.Group})" : entity.Label;
            var head = $"  {name}: ";
            foreach (var row in Wrap([.. entity.Facts.Select(f => $"{f.Name}={f.Value}")], Math.Max(24, width - head.Length), " "))
            {
                o.WriteLine(head + row);
                head = new string(' ', head.Length);
            }
        }
    }
}
