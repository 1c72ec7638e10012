namespace Uvm.Scenarios.Explain;

/// <summary>One line of the story: a step, or a run of folded steps.</summary>
public sealed record StoryLine(ExplainedStep? Step, IReadOnlyList<ExplainedStep> Folded)
{
    /// <summary>True for a run of folded steps.</summary>
    public bool IsFold => Step is null;

    /// <summary>The threads of the folded steps, in order of first appearance.</summary>
    public IReadOnlyList<string> FoldedThreads => [.. Folded.Select(s => s.Thread).Distinct()];

    /// <summary><c>… 7 steps of cpu1, clock folded (4-10)</c>.</summary>
    public string FoldText =>
        $"… {Folded.Count} steps of {string.Join(", ", FoldedThreads)} folded ({Folded[0].Index}-{Folded[^1].Index})";
}

/// <summary>
/// Which steps the story shows. A step is kept when its thread is the one that failed, when it
/// changes (or moves in or out of a list) an entity the violation names, when it is among the last
/// few before the violation, or when it is the violating step itself. A step that changes a named
/// entity still folds when it sits inside a repetition: the steps before and after it are the same
/// thread in the same function (a CPU preempting back and forth), so the first and last of the
/// repetition show where it started and ended. Runs of two or more other steps fold into one line.
/// Without a violation nothing folds.
/// </summary>
public static class StoryFolding
{
    /// <summary>Steps just before the violation that are always shown.</summary>
    public const int KeepLast = 3;

    /// <summary>The story lines of <paramref name="e"/>; every step when <paramref name="fold"/> is false.</summary>
    public static IReadOnlyList<StoryLine> Lines(Explanation e, bool fold = true)
    {
        var lines = new List<StoryLine>();
        var run = new List<ExplainedStep>();
        void Flush()
        {
            if (run.Count >= 2) lines.Add(new StoryLine(null, [.. run]));
            else lines.AddRange(run.Select(s => new StoryLine(s, [])));
            run.Clear();
        }
        for (int i = 0; i < e.Steps.Count; i++)
        {
            var s = e.Steps[i];
            if (!fold || (IsRelevant(e, s) && !(IsRepeated(e, i) && !MustShow(e, s)))) { Flush(); lines.Add(new StoryLine(s, [])); }
            else run.Add(s);
        }
        Flush();
        return lines;
    }

    /// <summary>True when the story must show <paramref name="step"/> (see the class summary).</summary>
    public static bool IsRelevant(Explanation e, ExplainedStep step) => MustShow(e, step) || e.Named.Any(step.Diff.Touches);

    /// <summary>The failing thread's steps, the violating step and the last few: never folded.</summary>
    private static bool MustShow(Explanation e, ExplainedStep step) =>
        e.FailingThread is not { } failing
        || step.Thread == failing
        || step.Violated
        || step.Index >= e.Steps.Count - 1 - KeepLast;

    /// <summary>True when the steps either side of step <paramref name="i"/> are its thread in its function.</summary>
    private static bool IsRepeated(Explanation e, int i) =>
        i > 0 && i < e.Steps.Count - 1
        && Same(e.Steps[i - 1], e.Steps[i]) && Same(e.Steps[i], e.Steps[i + 1]);

    private static bool Same(ExplainedStep a, ExplainedStep b) => a.Thread == b.Thread && a.Function == b.Function;
}
