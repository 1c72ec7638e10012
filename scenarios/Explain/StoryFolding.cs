namespace Uvm.Scenarios.Explain;

/// <summary>One line of the story: a step, or a run of folded steps.</summary>
public sealed record StoryLine(ExplainedStep? Step, IReadOnlyList<ExplainedStep> Folded)
{
    /// <summary>True for a run of folded steps.</summary>
    public bool IsFold => Step is null;

    /// <summary>
    /// For a step line, the steps just before it that ran the same kernel function in the same
    /// thread and are shown as one line with it ("×n"); for a fold, the steps it hides.
    /// </summary>
    public IReadOnlyList<ExplainedStep> Repeated => Step is null ? [] : Folded;

    /// <summary>The threads of the folded steps, in order of first appearance.</summary>
    public IReadOnlyList<string> FoldedThreads => [.. Folded.Select(s => s.Thread).Distinct()];

    /// <summary><c>… 7 steps of cpu1, clock folded (4-10)</c>.</summary>
    public string FoldText =>
        $"… {Folded.Count} steps of {string.Join(", ", FoldedThreads)} folded ({Folded[0].Index}-{Folded[^1].Index})";
}

/// <summary>
/// Which steps the story shows. A step is kept when its thread is the one that failed, when it
/// changes (or moves in or out of a list) an entity the violation names, when it is a cause (it
/// last changed a fact of such an entity: <see cref="ExplainedStep.Causes"/>), when it is among the last
/// few before the violation, or when it is the violating step itself. Runs of two or more other
/// steps fold into one line. Without a violation nothing folds.
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
        var repeats = new List<ExplainedStep>();
        for (int i = 0; i < e.Steps.Count; i++)
        {
            var s = e.Steps[i];
            if (!fold || !IsRelevant(e, s)) { if (fold) run.Add(s); else lines.Add(new StoryLine(s, [])); continue; }
            Flush();
            // A repeat is not hidden: its line stands for the whole run, ending at its last step.
            if (IsRepeat(e, i)) { repeats.Add(s); continue; }
            lines.Add(new StoryLine(s, [.. repeats]));
            repeats.Clear();
        }
        Flush();
        return lines;
    }

    /// <summary>True when the story must show <paramref name="step"/> (see the class summary).</summary>
    /// <summary>
    /// True for the middle of a run of one thread repeating one kernel function (a CPU preempting
    /// its LWP quantum after quantum): the first and the last of the run stay in the story, the
    /// ones between fold. The violating step and the last few steps never fold.
    /// </summary>
    public static bool IsRepeat(Explanation e, int i)
    {
        var steps = e.Steps;
        if (i == 0 || i + 1 >= steps.Count || steps[i].Violated || steps[i].Causes.Count > 0 || steps[i].Index >= steps.Count - 1 - KeepLast) return false;
        static bool Same(ExplainedStep a, ExplainedStep b) => a.Thread == b.Thread && a.Record.Function == b.Record.Function;
        return Same(steps[i - 1], steps[i]) && Same(steps[i], steps[i + 1]);
    }

    public static bool IsRelevant(Explanation e, ExplainedStep step)
    {
        if (e.FailingThread is not { } failing) return true;
        return step.Thread == failing
            || step.Violated
            || step.Causes.Count > 0
            || step.Index >= e.Steps.Count - 1 - KeepLast
            || e.Named.Any(step.Diff.Touches);
    }
}
