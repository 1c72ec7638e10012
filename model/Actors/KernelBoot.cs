using Microsoft.Coyote.Actors;
using Uvm.Model.Core;

namespace Uvm.Model.Actors;

/// <summary>Starts every kernel thread of a kernel as an actor under a Coyote runtime.</summary>
public static class KernelBoot
{
    /// <summary>
    /// Creates one actor per thread, then lets each runnable one start stepping (a thread that
    /// starts asleep starts at its first wakeup). Every actor id exists before any step runs, so
    /// a wakeup always has somewhere to go.
    /// </summary>
    public static void Start(IActorRuntime runtime, Kernel kernel, IStepObserver observer)
    {
        var table = new ActorTable(kernel.Threads.Count, runtime.CreateActor(typeof(PreemptionPointActor)));
        var ids = table.Actors;
        for (int i = 0; i < ids.Length; i++)
            ids[i] = runtime.CreateActor(typeof(KernelThreadActor), new Attach(kernel, kernel.Threads[i], observer, table));
        for (int i = 0; i < ids.Length; i++)
            if (kernel.Threads[i].SleepingOn is null) runtime.SendEvent(ids[i], Run.Instance);
    }
}
