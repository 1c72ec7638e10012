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
        IReadOnlyList<StepRecord> schedule, FollowMode mode, IStepListener? listener = null, EngineKind engine = EngineKind.Direct) =>
        Follow(workload, config, properties, schedule, mode, ScheduleDrivers.For(engine), listener);

    /// <summary>Follows <paramref name="schedule"/> with <paramref name="driver"/> (tests drive Coyote with other strategies and seeds).</summary>
    internal static ScheduleRun Follow(Workload workload, KernelConfig config, Catalogue properties,
        IReadOnlyList<StepRecord> schedule, FollowMode mode, ScheduleDriver driver, IStepListener? listener = null) =>
        driver(workload, config, properties, core => new Follower(core, schedule, mode), listener);

    /// <summary>Each file step runs the thread it names and must reach its label (or, by threads, any label).</summary>
    private sealed class Follower : IScheduleFollower
    {
        private readonly StepCore _core;
        private readonly IReadOnlyList<StepRecord> _schedule;
        private readonly FollowMode _mode;
        private readonly Dictionary<string, KernelThread> _byName;
        private readonly ScriptedChoice _choice = new();

        /// <summary>The file step followed next.</summary>
        private int _i;

        /// <summary>Set when the follow is over before the file's end: a violation, or where model and file part.</summary>
        private ScheduleRun? _over;

        public Follower(StepCore core, IReadOnlyList<StepRecord> schedule, FollowMode mode)
        {
            (_core, _schedule, _mode) = (core, schedule, mode);
            _byName = core.Kernel.Threads.ToDictionary(t => t.Name);
            Next = Seek();
        }

        public KernelThread? Next { get; private set; }

        public IChoice Choice => _choice;

        public void Stepped(bool failed)
        {
            var want = _schedule[_i];
            var log = _core.Log;
            var ran = log.FunctionOf(log.Count - 1);
            Next = null;
            if (failed && log.KindOf(log.Count - 1) == StepLog.PanicKind)
            {
                bool matches = _mode == FollowMode.Threads || (want.Kind == StepLog.PanicKind && want.Function == ran);
                _over = new ScheduleRun(log.Records(), _core.Violation, matches ? null : _i,
                    matches ? null : $"the file has {want.Thread}: {want.Function}, the model panicked in {ran}");
                return;
            }
            if (_mode == FollowMode.Labels && ran != want.Function)
            {
                _over = Part($"the file has {want.Thread}: {want.Function}, the model ran {want.Thread}: {ran}");
                return;
            }
            if (failed)
            {
                _over = new ScheduleRun(log.Records(), _core.Violation, null, null);
                return;
            }
            _i++;
            Next = Seek();
        }

        public ScheduleRun Result() => _over ?? new ScheduleRun(_core.Log.Records(), _core.JudgeEnd(), null, null);

        /// <summary>The thread of file step <see cref="_i"/> with its choices loaded, or null at the end or where it cannot run.</summary>
        private KernelThread? Seek()
        {
            if (_i == _schedule.Count) return null;
            var want = _schedule[_i];
            if (!_byName.TryGetValue(want.Thread, out var t))
            {
                _over = Part($"the file runs {want.Thread}, which this workload does not have");
                return null;
            }
            if (!StepCore.CanRun(t))
            {
                _over = Part($"the file runs {want.Thread}: {want.Function}, but {t.Name} {(t.Exited ? "has exited" : $"sleeps on {t.SleepingOn}")}");
                return null;
            }
            _choice.Load(want.Choices);
            return t;
        }

        private ScheduleRun Part(string why) => new(_core.Log.Records(), null, _i, why);
    }
}
