using Microsoft.Coyote.Actors;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine.Coyote;

/// <summary>
/// Makes the Coyote actors follow a file's kernel-level schedule (<c>replay --engine coyote</c>).
/// Before each kernel step an actor asks <see cref="IsTurnOf"/>; when the follower's next step is
/// another thread's, the actor waits inside its handler for a <see cref="Turn"/> (a Coyote
/// receive, so Coyote sees the wait). The actor that stepped hands the turn on
/// (<see cref="Handoff"/>) to the thread the follower names next, if it waits. Whatever Coyote's
/// strategy picks among the enabled actors, only the one whose turn it is can reach the stepping
/// core, so the kernel-level order is the file's and each choice is the file's. The stepping core
/// knows nothing of it: the gate lives in the driver. One per replay, touched only by the actor
/// Coyote is running.
/// </summary>
internal sealed class ScheduleGate(IScheduleFollower follower, int threads)
{
    /// <summary>True while the thread's actor waits inside its handler for a <see cref="Turn"/>.</summary>
    private readonly bool[] _waiting = new bool[threads];

    /// <summary>The follower that names each step and judges it.</summary>
    public IScheduleFollower Follower { get; } = follower;

    /// <summary>True once the follower names no next step: the replay is over.</summary>
    public bool Over => Follower.Next is null;

    /// <summary>True when <paramref name="thread"/> takes the next step of the schedule.</summary>
    public bool IsTurnOf(KernelThread thread) => ReferenceEquals(Follower.Next, thread);

    /// <summary>Marks <paramref name="thread"/> as waiting for its turn (just before its actor receives).</summary>
    public void Wait(KernelThread thread) => _waiting[thread.Index] = true;

    /// <summary>
    /// The actor to hand the turn to after a step: the next step's thread, if it waits for a
    /// <see cref="Turn"/> (and it no longer does). A thread that does not wait finds its turn
    /// itself at its next <see cref="IsTurnOf"/>.
    /// </summary>
    public ActorId? Handoff(ActorTable table)
    {
        if (Follower.Next is not { } next || !_waiting[next.Index]) return null;
        _waiting[next.Index] = false;
        return table.Actors[next.Index];
    }

    /// <summary>Clears and returns whether <paramref name="index"/> waited for its turn (the replay is over: tell it to leave).</summary>
    public bool TakeWaiting(int index)
    {
        bool w = _waiting[index];
        _waiting[index] = false;
        return w;
    }
}

/// <summary>The schedule of a replay names this actor's thread next: take the step.</summary>
internal sealed class Turn : Event
{
    /// <summary>The shared instance.</summary>
    public static readonly Turn Instance = new();
}
