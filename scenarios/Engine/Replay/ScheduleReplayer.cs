using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;
using Uvm.Scenarios.Engine;

namespace Uvm.Scenarios;

/// <summary>How strictly <see cref="ScheduleReplayer"/> follows a kernel-level schedule.</summary>
public enum FollowMode
{
    /// <summary>Each step must run the same thread and reach the same kernel function as recorded.</summary>
    Labels,

    /// <summary>Only the order of threads is followed; whatever functions they reach are accepted.</summary>
    Threads,
}

/// <summary>The outcome of following a kernel-level schedule.</summary>
public sealed record ScheduleRun(
    IReadOnlyList<StepRecord> Steps,
    Violation? Violation,
    int? PartedAt,
    string? PartReason)
{
    /// <summary>True when every recorded step could be followed.</summary>
    public bool FollowedToTheEnd => PartedAt is null;

    /// <summary>How an aligned run matched the file to the model (<see cref="ScheduleAligner"/>): one line per renamed label or absorbed step.</summary>
    public IReadOnlyList<string> Alignment { get; init; } = [];
}

/// <summary>
/// Re-runs a kernel-level schedule (thread + labelled step, with the choices each step made)
/// directly on the step sequences, without Coyote: the same kernel, the same invariant checks after
/// every step, the same panics. It survives model edits that keep the labels, says at which step
/// and thread a changed model parts from the file, and lets the schedule shrinker try schedules
/// Coyote never recorded.
/// </summary>
public static class ScheduleReplayer
{
    /// <summary>Follows <paramref name="schedule"/> on a fresh kernel of <paramref name="workload"/> and <paramref name="config"/>.</summary>
    public static ScheduleRun Follow(Workload workload, KernelConfig config, Catalogue properties,
        IReadOnlyList<StepRecord> schedule, FollowMode mode, IStepListener? listener = null)
    {
        var core = new StepCore(KernelBuilder.Build(workload, config), properties, listener);
        var k = core.Kernel;
        var byName = k.Threads.ToDictionary(t => t.Name);
        var choice = new ScriptedChoice();
        for (int i = 0; i < schedule.Count; i++)
        {
            var want = schedule[i];
            if (!byName.TryGetValue(want.Thread, out var t))
                return new ScheduleRun(core.Log.Records(), null, i, $"the file runs {want.Thread}, which this workload does not have");
            if (!StepCore.CanRun(t))
                return new ScheduleRun(core.Log.Records(), null, i, $"the file runs {want.Thread}: {want.Function}, but {t.Name} {(t.Exited ? "has exited" : $"sleeps on {t.SleepingOn}")}");
            choice.Load(want.Choices);
            var step = core.Run(t, choice);
            var ran = core.Log.FunctionOf(core.Log.Count - 1);
            bool panicked = step is null && core.Log.KindOf(core.Log.Count - 1) == StepLog.PanicKind;
            if (panicked)
            {
                bool matches = mode == FollowMode.Threads || (want.Kind == StepLog.PanicKind && want.Function == ran);
                return new ScheduleRun(core.Log.Records(), core.Violation, matches ? null : i, matches ? null : $"the file has {want.Thread}: {want.Function}, the model panicked in {ran}");
            }
            if (mode == FollowMode.Labels && ran != want.Function)
                return new ScheduleRun(core.Log.Records(), null, i, $"the file has {want.Thread}: {want.Function}, the model ran {t.Name}: {ran}");
            if (step is null) return new ScheduleRun(core.Log.Records(), core.Violation, null, null);
        }
        return new ScheduleRun(core.Log.Records(), core.JudgeEnd(), null, null);
    }
}
