using Uvm.Model.Core;
using Uvm.Properties;
using Uvm.Scenarios.Engine;

namespace Uvm.Scenarios;

/// <summary>
/// What the followers of a file share: the file step followed next, its thread (by name) with its
/// choices loaded, and the run as it ends. A subclass judges each step in <see cref="Stepped"/>
/// and moves on with <see cref="MoveTo"/>, or ends the follow with <see cref="Over"/>.
/// </summary>
internal abstract class FileFollower : IScheduleFollower
{
    /// <summary>Threads by name, as files name them.</summary>
    private readonly Dictionary<string, KernelThread> _byName;

    /// <summary>Answers a step's choices from the file.</summary>
    private readonly ScriptedChoice _choice = new();

    /// <summary>Set when the follow is over before the file's end: a violation, or where model and file part.</summary>
    private ScheduleRun? _over;

    protected FileFollower(StepCore core, IReadOnlyList<StepRecord> schedule)
    {
        (Core, Schedule) = (core, schedule);
        _byName = core.Kernel.Threads.ToDictionary(t => t.Name);
        MoveTo(0);
    }

    /// <summary>The core the driver steps.</summary>
    protected StepCore Core { get; }

    /// <summary>The file's steps.</summary>
    protected IReadOnlyList<StepRecord> Schedule { get; }

    /// <summary>The file step followed next.</summary>
    protected int At { get; private set; }

    public KernelThread? Next { get; private set; }

    public IChoice Choice => _choice;

    public abstract void Stepped(bool failed);

    public ScheduleRun Result() => _over ?? Ended(Core.JudgeEnd());

    /// <summary>Goes to file step <paramref name="i"/>: its thread with its choices loaded, or none at the end or where it cannot run.</summary>
    protected void MoveTo(int i)
    {
        At = i;
        Next = null;
        if (i == Schedule.Count) return;
        var want = Schedule[i];
        if (!_byName.TryGetValue(want.Thread, out var t))
            Over(Parted($"the file runs {want.Thread}, which this workload does not have"));
        else if (!StepCore.CanRun(t))
            Over(Parted($"the file runs {want.Thread}: {want.Function}, but {t.Name} {(t.Exited ? "has exited" : $"sleeps on {t.SleepingOn}")}"));
        else
        {
            _choice.Load(want.Choices);
            Next = t;
        }
    }

    /// <summary>Ends the follow with <paramref name="run"/>.</summary>
    protected void Over(ScheduleRun run)
    {
        _over = run;
        Next = null;
    }

    /// <summary>Model and file part at the current file step, for <paramref name="why"/>.</summary>
    protected virtual ScheduleRun Parted(string why) => new(Core.Log.Records(), null, At, why);

    /// <summary>The run ends in <paramref name="violation"/> (or none) with every step matched.</summary>
    protected virtual ScheduleRun Ended(Violation? violation) => new(Core.Log.Records(), violation, null, null);
}
