using Microsoft.Coyote;
using Microsoft.Coyote.Actors;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine.Coyote;

/// <summary>
/// Drives one <see cref="KernelThread"/> as a Coyote actor whose one handler runs the thread from
/// boot to exit, with exactly one scheduling decision between two kernel critical sections:
/// <list type="bullet">
/// <item>A step after which the thread stays runnable ends with a send to the iteration's
/// <see cref="PreemptionPoint"/>, an actor that has halted: Coyote puts its scheduling point
/// before every send and drops the event, so the send is one decision and nothing else. (A
/// self-sent event costs two, the send and the dequeue; a state machine's default event costs
/// two as well: both measured.)</item>
/// <item>A step that sleeps waits, still inside the handler, with <c>ReceiveEventAsync</c> for
/// its <see cref="WakeUp"/>: one decision (the pause). Ending the handler instead would make
/// Coyote start a fresh OS thread at every wakeup (measured: about 16 per schedule before).</item>
/// <item>Each thread a step woke gets its <see cref="WakeUp"/> right after the step; each send is
/// one more decision, where the woken thread may run first.</item>
/// <item>When every kernel thread sleeps or has exited the kernel is quiescent: the last thread
/// to go to sleep or exit sends <see cref="Quiesce"/> to those waiting, and all leave, so the
/// iteration ends as a program with nothing left to do, not as a Coyote deadlock.</item>
/// <item>In a replay (<see cref="ActorTable.Gate"/> set), an actor also waits, with
/// <c>ReceiveEventAsync</c>, for its <see cref="Turn"/> before a step that is not the file's next,
/// and the file answers the step's choices (<see cref="ScheduleGate"/>).</item>
/// </list>
/// </summary>
[OnEventDoAction(typeof(Run), nameof(RunAsync))]
[OnEventDoAction(typeof(WakeUp), nameof(RunAsync))]
[OnEventDoAction(typeof(Quiesce), nameof(Leave))]
internal sealed class KernelThreadActor : Actor, IChoice
{
    /// <summary>The kernel, its thread and the actors of every thread; set by <see cref="Attach"/>.</summary>
    private Attach _attach = null!;

    /// <summary>Scratch list for the threads a step woke, reused to avoid an allocation per step.</summary>
    private readonly List<KernelThread> _woken = [];

    /// <inheritdoc/>
    protected override Task OnInitializeAsync(Event initialEvent)
    {
        _attach = (Attach)initialEvent;
        _attach.OnActorThread?.Invoke();
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        var core = _attach.Core;
        var thread = _attach.Thread;
        var table = _attach.Table;
        // Started by Run (runnable at boot) or by the first WakeUp of a thread that started
        // asleep: either way it may step now. A thread that goes to sleep takes exactly one WakeUp
        // before its next step, even when it was woken already (by a thread that ran at one of
        // this actor's own wakeup sends): the event may still be on its way, and a stale one
        // would end a later sleep early.
        bool owesWakeUp = false;
        var gate = table.Gate;
        while (true)
        {
            // A replay ends when its file does, with threads still waiting: none may start a wait after that.
            if (table.Stopped) return;
            if (owesWakeUp)
            {
                if (thread.SleepingOn is not null && core.Quiescent)
                {
                    EndOfExecution();
                    return;
                }
                table.Waiting[thread.Index] = true;
                var e = await ReceiveEventAsync(typeof(WakeUp), typeof(Quiesce));
                table.Waiting[thread.Index] = false;
                if (e is Quiesce) return;
            }
            if (gate is not null && !gate.IsTurnOf(thread))
            {
                if (table.Stopped) return;
                gate.Wait(thread);
                if (await ReceiveEventAsync(typeof(Turn), typeof(Quiesce)) is Quiesce) return;
            }

            // Every scheduling point of this loop lies before here: an actor that Coyote released
            // after a failure must not run another step.
            if (table.Stopped) return;
            if (gate is null && core.Log.Count >= table.Bound && !WatchOrCut()) return;
            if (core.Run(thread, gate?.Follower.Choice ?? this) is not { } step)
            {
                gate?.Follower.Stepped(failed: true);
                Fail();
                return;
            }
            // Copy first: a woken thread (or, in a replay, the one handed the turn) may run at a
            // send, and its step replaces the core's list.
            _woken.AddRange(core.Woken);
            if (gate is not null && !HandOnTheTurn(gate))
            {
                _woken.Clear();
                return;
            }
            foreach (var t in _woken) SendEvent(table.Actors[t.Index], WakeUp.Instance);
            _woken.Clear();
            owesWakeUp = step.Kind == StepKind.Sleep;
            switch (step.Kind)
            {
                case StepKind.Continue:
                    SendEvent(table.PreemptionPoint, Preempt.Instance);
                    break;
                case StepKind.Exit:
                    if (core.Quiescent) EndOfExecution();
                    return;
            }
        }
    }

    /// <summary>
    /// After a step of a replay: tells the follower, then hands the turn to the next step's thread
    /// if it waits for it. Returns false when the replay is over (the file's end, or where model
    /// and file part): every waiting actor leaves, after liveness is judged if the file was followed
    /// to its end. The thread's own wakeups are not sent then: nothing steps any more.
    /// </summary>
    private bool HandOnTheTurn(ScheduleGate gate)
    {
        gate.Follower.Stepped(failed: false);
        if (gate.Over)
        {
            _attach.Table.Stopped = true;
            if (gate.Follower.Result().Violation is not null) Fail();
            else QuiesceTheWaiting();
            return false;
        }
        if (gate.Handoff(_attach.Table) is { } next) SendEvent(next, Turn.Instance);
        return true;
    }

    /// <summary>
    /// The iteration has taken its kernel steps: at <c>--max-steps</c> it runs on for as many again
    /// watched for fair cycles, if the properties judge them; otherwise, or at the end of those, the
    /// actors stop and the iteration is cut, as the in-process engine cuts a schedule. Returns true
    /// when the step may run.
    /// </summary>
    private bool WatchOrCut()
    {
        var table = _attach.Table;
        if (!table.Watching && _attach.Core.WatchCycles(table.CycleKey))
        {
            table.Watching = true;
            table.Bound = CycleWatch.WatchedBound(table.MaxSteps);
            return true;
        }
        table.Stopped = true;
        table.OnCut?.Invoke();
        QuiesceTheWaiting();
        return false;
    }

    /// <summary>
    /// A <see cref="Quiesce"/> that finds the handler gone: a replay ended while the actor's
    /// <see cref="WakeUp"/> was delivered but before it ran and cleared its waiting mark, so it was
    /// told to leave as well, and left on its own. Nothing to do.
    /// </summary>
    private void Leave()
    {
    }

    /// <summary>Fails the iteration with the core's violation; the explorer reads it, typed, from the core.</summary>
    private void Fail() => Assert(false, "{0}", _attach.Core.Violation!.Message);

    /// <summary>
    /// Nothing can run any more: the stepping core judges liveness, and every actor waiting for a
    /// wakeup is told to leave, so the iteration ends as a program with nothing left to do, not as
    /// a Coyote deadlock.
    /// </summary>
    private void EndOfExecution()
    {
        if (_attach.Core.JudgeEnd() is not null)
        {
            Fail();
            return;
        }
        QuiesceTheWaiting();
    }

    /// <summary>Tells every actor waiting for a wakeup (or, in a replay, for its turn) to leave: the iteration is over.</summary>
    private void QuiesceTheWaiting()
    {
        var table = _attach.Table;
        for (int i = 0; i < table.Waiting.Length; i++)
        {
            bool turn = table.Gate?.TakeWaiting(i) ?? false;
            if (!table.Waiting[i] && !turn) continue;
            table.Waiting[i] = false;
            SendEvent(table.Actors[i], Quiesce.Instance);
        }
    }

    bool IChoice.Boolean() => RandomBoolean();

    int IChoice.Integer(int maxExclusive) => RandomInteger(maxExclusive);
}

/// <summary>
/// The target of <see cref="Preempt"/>: halts as soon as it starts, so Coyote drops every event
/// sent to it after taking the scheduling decision that precedes each send. Until it has halted
/// (a few decisions at boot at most) it takes the events and does nothing with them.
/// </summary>
[OnEventDoAction(typeof(Preempt), nameof(Ignore))]
internal sealed class PreemptionPointActor : Actor
{
    /// <inheritdoc/>
    protected override Task OnInitializeAsync(Event initialEvent)
    {
        RaiseHaltEvent();
        return Task.CompletedTask;
    }

    private void Ignore()
    {
    }
}
