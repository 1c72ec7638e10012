using Microsoft.Coyote.Actors;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine.Coyote;

/// <summary>Binds an actor to its kernel thread; the initial event of <see cref="KernelThreadActor"/>.</summary>
internal sealed class Attach(StepCore core, KernelThread thread, ActorTable table, Action? onActorThread) : Event
{
    /// <summary>The stepping core all actors of the iteration share (Coyote runs one at a time).</summary>
    public StepCore Core { get; } = core;

    /// <summary>The kernel thread this actor drives.</summary>
    public KernelThread Thread { get; } = thread;

    /// <summary>The actors of every thread, shared by all of them.</summary>
    public ActorTable Table { get; } = table;

    /// <summary>Runs on the actor's OS thread before its first step (see <see cref="KernelBoot.Start"/>).</summary>
    public Action? OnActorThread { get; } = onActorThread;
}

/// <summary>
/// What the actors of one iteration share: their ids, by <see cref="KernelThread.Index"/> (filled
/// before the first step), which of them wait for a wakeup, and the preemption point. One per iteration, touched only
/// by the actor Coyote is running.
/// </summary>
internal sealed class ActorTable(int threads, ActorId preemptionPoint)
{
    /// <summary>The halted <see cref="PreemptionPointActor"/>: sending it an event is one scheduling decision.</summary>
    public ActorId PreemptionPoint { get; } = preemptionPoint;

    /// <summary>Actor id of each thread.</summary>
    public ActorId[] Actors { get; } = new ActorId[threads];

    /// <summary>True while the thread's actor waits inside its handler for a <see cref="WakeUp"/>.</summary>
    public bool[] Waiting { get; } = new bool[threads];

    /// <summary>When the actors replay a file's schedule, what holds each one to its turn; null while exploring.</summary>
    public ScheduleGate? Gate { get; init; }

    /// <summary>
    /// The kernel steps an explored iteration may take (<c>--max-steps</c>): there it is watched
    /// for fair cycles for as many steps again (<see cref="StepCore.WatchCycles"/>), or cut.
    /// </summary>
    public int MaxSteps { get; init; } = int.MaxValue;

    /// <summary>The kernel steps after which the iteration is watched or cut next: <see cref="MaxSteps"/>, then twice it.</summary>
    public int Bound { get; set; } = int.MaxValue;

    /// <summary>Told when the actors cut the iteration at <see cref="Bound"/> (the explorer counts it as --max-steps hit).</summary>
    public Action? OnCut { get; init; }

    /// <summary>True once the iteration runs past <see cref="MaxSteps"/>, watched for fair cycles.</summary>
    public bool Watching { get; set; }

    /// <summary>The clockless key the watch uses, shared by every iteration of the engine (its walks are compiled once).</summary>
    public StateKey? CycleKey { get; init; }

    /// <summary>
    /// Set when Coyote reports a failure in this iteration. Coyote then releases every paused
    /// operation, and an actor released at a scheduling point would otherwise run one more step,
    /// uncontrolled, after the violation (and into the counterexample's step log).
    /// </summary>
    public bool Stopped
    {
        get => Volatile.Read(ref _stopped);
        set => Volatile.Write(ref _stopped, value);
    }

    private bool _stopped;
}

/// <summary>Start the thread: every actor of the iteration exists. Carries no data, so one instance serves all.</summary>
internal sealed class Run : Event
{
    /// <summary>The shared instance.</summary>
    public static readonly Run Instance = new();
}

/// <summary>wakeup(): a sleeping thread becomes runnable and runs its next step.</summary>
internal sealed class WakeUp : Event
{
    /// <summary>The shared instance.</summary>
    public static readonly WakeUp Instance = new();
}

/// <summary>Every kernel thread sleeps or has exited: leave, the iteration is over.</summary>
internal sealed class Quiesce : Event
{
    /// <summary>The shared instance.</summary>
    public static readonly Quiesce Instance = new();
}

/// <summary>Sent to the <see cref="PreemptionPointActor"/> between two steps of a runnable thread: a point where the kernel may switch.</summary>
internal sealed class Preempt : Event
{
    /// <summary>The shared instance.</summary>
    public static readonly Preempt Instance = new();
}
