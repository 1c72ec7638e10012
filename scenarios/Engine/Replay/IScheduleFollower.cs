using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;
using Uvm.Scenarios.Engine;

namespace Uvm.Scenarios;

/// <summary>
/// A kernel-level schedule as a driver follows it. The driver asks <see cref="Next"/> which thread
/// steps next, runs that thread's step on the stepping core with <see cref="Choice"/> answering its
/// choices, and reports it with <see cref="Stepped"/>. The follower alone decides how a step
/// matches the file and where model and file part, so every driver (the loop of
/// <see cref="ScheduleDrivers.Direct"/>, the Coyote actors of <see cref="CoyoteExplorer.Follow"/>)
/// reaches the same steps, the same violation and the same report.
/// </summary>
internal interface IScheduleFollower
{
    /// <summary>The thread whose step comes next, or null when the follow is over (the file's end, a part, a violation).</summary>
    KernelThread? Next { get; }

    /// <summary>Answers the choices of the next step from the file.</summary>
    IChoice Choice { get; }

    /// <summary>Told after <see cref="Next"/> stepped; <paramref name="failed"/> when the core reported a violation in it.</summary>
    void Stepped(bool failed);

    /// <summary>The run as followed so far; judges liveness when the whole file was followed.</summary>
    ScheduleRun Result();
}

/// <summary>
/// Runs a follower on a fresh kernel: builds the stepping core, lets the follower pick each step,
/// and returns its result. <see cref="Direct"/> steps in a loop in this thread; <see cref="Coyote"/>
/// runs the kernel threads as Coyote actors, each waiting its turn (see
/// <see cref="Engine.Coyote.ScheduleGate"/>), so the kernel-level order is the file's whatever
/// Coyote schedules.
/// </summary>
internal delegate ScheduleRun ScheduleDriver(Workload workload, KernelConfig config, Catalogue properties,
    Func<StepCore, IScheduleFollower> follower, IStepListener? listener);

/// <summary>The two drivers of a follower.</summary>
internal static class ScheduleDrivers
{
    /// <summary>The driver of <paramref name="engine"/>.</summary>
    public static ScheduleDriver For(EngineKind engine) => engine == EngineKind.Coyote ? CoyoteExplorer.Follow : Direct;

    /// <summary>The in-process driver: one loop, no actors.</summary>
    public static ScheduleRun Direct(Workload workload, KernelConfig config, Catalogue properties,
        Func<StepCore, IScheduleFollower> follower, IStepListener? listener)
    {
        var core = new StepCore(KernelBuilder.Build(workload, config), properties, listener);
        var f = follower(core);
        while (f.Next is { } t) f.Stepped(core.Run(t, f.Choice) is null);
        return f.Result();
    }
}
