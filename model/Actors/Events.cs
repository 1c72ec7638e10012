using Microsoft.Coyote.Actors;
using Uvm.Model.Core;

namespace Uvm.Model.Actors;

/// <summary>Binds an actor to its kernel thread; the initial event of <see cref="KernelThreadActor"/>.</summary>
internal sealed class Attach(Kernel kernel, KernelThread thread, IStepObserver observer, ActorId[] actors) : Event
{
    /// <summary>The kernel of this iteration.</summary>
    public Kernel Kernel { get; } = kernel;

    /// <summary>The thread this actor drives.</summary>
    public KernelThread Thread { get; } = thread;

    /// <summary>Checks invariants and records the step log.</summary>
    public IStepObserver Observer { get; } = observer;

    /// <summary>Actor ids of every thread, by <see cref="KernelThread.Index"/>; filled before the first step.</summary>
    public ActorId[] Actors { get; } = actors;
}

/// <summary>Run the next step: the thread is runnable. Carries no data, so one instance serves all.</summary>
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
