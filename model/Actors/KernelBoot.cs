using Microsoft.Coyote.Actors;
using Uvm.Model.Core;

namespace Uvm.Model.Actors;

/// <summary>Starts every kernel thread of a kernel as an actor under a Coyote runtime.</summary>
public static class KernelBoot
{
    /// <summary>
    /// Creates one actor per thread, then lets each runnable one start stepping (a thread that
    /// starts asleep starts at its first wakeup). Every actor id exists before any step runs, so
    /// a wakeup always has somewhere to go. <paramref name="onActorThread"/>, if given, runs first on the calling
    /// thread (Coyote's root operation) and on each kernel thread's actor before its first step:
    /// the place to set per-thread options such as CPU affinity, as Coyote gives every operation
    /// its own OS thread.
    /// </summary>
    public static void Start(IActorRuntime runtime, Kernel kernel, IStepObserver observer, Action? onActorThread = null)
    {
        onActorThread?.Invoke();
        var table = new ActorTable(kernel.Threads.Count, runtime.CreateActor(typeof(PreemptionPointActor)));
        runtime.OnFailure += _ => table.Stopped = true;
        var ids = table.Actors;
        for (int i = 0; i < ids.Length; i++)
            ids[i] = runtime.CreateActor(typeof(KernelThreadActor), new Attach(kernel, kernel.Threads[i], observer, table, onActorThread));
        for (int i = 0; i < ids.Length; i++)
            if (kernel.Threads[i].SleepingOn is null) runtime.SendEvent(ids[i], Run.Instance);
    }
}
