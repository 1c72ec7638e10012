using Microsoft.Coyote;
using Microsoft.Coyote.Actors;
using Uvm.Model.Core;

namespace Uvm.Model.Actors;

/// <summary>
/// Drives one <see cref="KernelThread"/> as a Coyote actor. Each handled event runs exactly one
/// atomic step and ends with exactly one send: to itself when the thread stays runnable, to the
/// threads the step woke, or nothing when it sleeps. So Coyote spends one scheduling decision per
/// kernel critical section. Wakeups arrive as <see cref="WakeUp"/> events.
/// </summary>
[OnEventDoAction(typeof(Run), nameof(RunStep))]
[OnEventDoAction(typeof(WakeUp), nameof(RunStep))]
internal sealed class KernelThreadActor : Actor, IChoice
{
    /// <summary>The kernel, its thread and the actor ids of every thread; set by <see cref="Attach"/>.</summary>
    private Attach _attach = null!;

    /// <summary>Scratch list for the threads a step woke, reused to avoid an allocation per step.</summary>
    private readonly List<KernelThread> _woken = [];

    /// <inheritdoc/>
    protected override Task OnInitializeAsync(Event initialEvent)
    {
        _attach = (Attach)initialEvent;
        return Task.CompletedTask;
    }

    private void RunStep()
    {
        var kernel = _attach.Kernel;
        var thread = _attach.Thread;
        kernel.Choice = this;
        kernel.StepChoices.Clear();
        Step step;
        try
        {
            step = thread.Advance();
        }
        catch (KernelPanicException panic)
        {
            _attach.Observer.Panicked(thread, panic);
            return;
        }
        _attach.Observer.AfterStep(thread, step);
        kernel.SleepQueues.TakeWoken(_woken);
        foreach (var t in _woken) SendEvent(_attach.Actors[t.Index], WakeUp.Instance);
        _woken.Clear();
        if (step.Kind == StepKind.Continue) SendEvent(Id, Run.Instance);
    }

    bool IChoice.Boolean()
    {
        bool b = RandomBoolean();
        _attach.Kernel.StepChoices.Add(b ? 1 : 0);
        return b;
    }

    int IChoice.Integer(int maxExclusive)
    {
        int n = RandomInteger(maxExclusive);
        _attach.Kernel.StepChoices.Add(n);
        return n;
    }
}
