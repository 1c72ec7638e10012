using Microsoft.Coyote.Actors;
using Uvm.Model.Core;

namespace Uvm.Model.Actors;

/// <summary>Starts every kernel thread of a kernel as an actor under a Coyote runtime.</summary>
public static class KernelBoot
{
    /// <summary>
    /// Creates one actor per thread, then lets each run its first step (a thread that starts
    /// asleep waits for its wakeup). Every actor id exists before any step runs, so a wakeup
    /// always has somewhere to go.
    /// </summary>
    public static void Start(IActorRuntime runtime, Kernel kernel, IStepObserver observer)
    {
        var ids = new ActorId[kernel.Threads.Count];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = runtime.CreateActor(typeof(KernelThreadActor), new Attach(kernel, kernel.Threads[i], observer, ids));
        for (int i = 0; i < ids.Length; i++)
            if (kernel.Threads[i].SleepingOn is null) runtime.SendEvent(ids[i], Run.Instance);
    }
}
