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
/// Re-runs a kernel-level schedule (thread + labelled step, with the choices each step made) on the
/// step sequences: the same kernel, the same invariant checks after every step, the same panics.
/// It survives model edits that keep the labels, says at which step and thread a changed model
/// parts from the file, and lets the schedule shrinker try schedules Coyote never recorded. The
/// in-process engine follows it in a loop; the Coyote engine follows it with its actors.
/// </summary>
public static class ScheduleReplayer
{
    /// <summary>
    /// Follows <paramref name="schedule"/> on a fresh kernel of <paramref name="workload"/> and
    /// <paramref name="config"/>, driven by <paramref name="engine"/>.
    /// </summary>
    public static ScheduleRun Follow(Workload workload, KernelConfig config, Catalogue properties,
        IReadOnlyList<StepRecord> schedule, FollowMode mode, IStepListener? listener = null, EngineKind engine = EngineKind.Direct,
        bool watchCycles = false) =>
        Follow(workload, config, properties, schedule, mode, ScheduleDrivers.For(engine), listener, watchCycles ? new StateKey(clockless: true) : null);

    /// <summary>
    /// Follows <paramref name="schedule"/> with <paramref name="driver"/> (tests drive Coyote with
    /// other strategies and seeds); with <paramref name="cycleKey"/>, fair cycles are judged
    /// from the first state on with that key (<see cref="StepCore.WatchCycles"/>), as a file whose
    /// violation is <see cref="CycleDetector.EveryFairScheduleEnds"/> was cut to the first one.
    /// </summary>
    internal static ScheduleRun Follow(Workload workload, KernelConfig config, Catalogue properties,
        IReadOnlyList<StepRecord> schedule, FollowMode mode, ScheduleDriver driver, IStepListener? listener = null, StateKey? cycleKey = null) =>
        driver(workload, config, properties, core =>
        {
            if (cycleKey is not null) core.WatchCycles(cycleKey);
            return new Follower(core, schedule, mode);
        }, listener);

    /// <summary>Each file step runs the thread it names and must reach its label (or, by threads, any label).</summary>
    private sealed class Follower(StepCore core, IReadOnlyList<StepRecord> schedule, FollowMode mode) : FileFollower(core, schedule)
    {
        public override void Stepped(bool failed)
        {
            var want = Schedule[At];
            var log = Core.Log;
            var ran = log.FunctionOf(log.Count - 1);
            if (failed && log.KindOf(log.Count - 1) == StepLog.PanicKind)
            {
                bool matches = mode == FollowMode.Threads || (want.Kind == StepLog.PanicKind && want.Function == ran);
                Over(matches ? Ended(Core.Violation)
                    : new ScheduleRun(log.Records(), Core.Violation, At, $"the file has {want.Thread}: {want.Function}, the model panicked in {ran}"));
            }
            else if (mode == FollowMode.Labels && ran != want.Function)
                Over(Parted($"the file has {want.Thread}: {want.Function}, the model ran {want.Thread}: {ran}"));
            else if (failed)
                Over(Ended(Core.Violation));
            else
                MoveTo(At + 1);
        }
    }
}
