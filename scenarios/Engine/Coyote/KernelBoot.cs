using Microsoft.Coyote.Actors;

namespace Uvm.Scenarios.Engine.Coyote;

/// <summary>Starts every kernel thread of a kernel as an actor under a Coyote runtime.</summary>
internal static class KernelBoot
{
    /// <summary>
    /// Creates one actor per thread, then lets each runnable one start stepping (a thread that
    /// starts asleep starts at its first wakeup). Every actor id exists before any step runs, so
    /// a wakeup always has somewhere to go. <paramref name="onActorThread"/>, if given, runs first on the calling
    /// thread (Coyote's root operation) and on each kernel thread's actor before its first step:
    /// the place to set per-thread options such as CPU affinity, as Coyote gives every operation
    /// its own OS thread. With <paramref name="gate"/>, the actors follow a file's schedule (a
    /// replay); one that is over before its first step (empty, or parted at once) runs nothing.
    /// </summary>
    /// <remarks>
    /// An explored iteration takes at most <paramref name="maxSteps"/> kernel steps, then as many
    /// again while it is watched for fair cycles, as the in-process engine's do
    /// (<see cref="DirectExplorer"/>); <paramref name="onCut"/> is told when the actors cut one.
    /// </remarks>
    public static void Start(IActorRuntime runtime, StepCore core, Action? onActorThread = null, ScheduleGate? gate = null,
        int maxSteps = int.MaxValue, Action? onCut = null, StateKey? cycleKey = null)
    {
        onActorThread?.Invoke();
        var kernel = core.Kernel;
        var table = new ActorTable(kernel.Threads.Count, runtime.CreateActor(typeof(PreemptionPointActor)))
        {
            Gate = gate,
            MaxSteps = maxSteps,
            Bound = maxSteps,
            OnCut = onCut,
            CycleKey = cycleKey,
        };
        runtime.OnFailure += _ => table.Stopped = true;
        if (gate is { Over: true }) table.Stopped = true;
        var ids = table.Actors;
        for (int i = 0; i < ids.Length; i++)
            ids[i] = runtime.CreateActor(typeof(KernelThreadActor), new Attach(core, kernel.Threads[i], table, onActorThread));
        // Decide who is runnable at boot before sending anything: each send is a scheduling point
        // where the threads already started may run and wake one that started asleep, which then
        // gets its WakeUp; a Run as well would leave a stale event that later starts the actor
        // again and steps a sleeping thread (found by the stepping core's CanRun check).
        var runnable = new bool[ids.Length];
        for (int i = 0; i < ids.Length; i++) runnable[i] = kernel.Threads[i].SleepingOn is null;
        for (int i = 0; i < ids.Length; i++)
            if (runnable[i]) runtime.SendEvent(ids[i], Run.Instance);
    }
}
