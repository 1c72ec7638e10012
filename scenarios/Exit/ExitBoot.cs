using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Model.Threads;

namespace Uvm.Scenarios;

/// <summary>
/// Boots the process-exit part of a kernel from a workload's exit section: the exit design, init
/// (pid 1, the parent of the workload's processes), the u-area cache limit and free target, the
/// pagedaemon's drain (<see cref="PagedaemonJobs.DrainsUareas"/>) and, for the reaper design, the
/// reaper thread.
/// </summary>
internal static class ExitBoot
{
    /// <summary>The configuration with the exit section's design, if it names one.</summary>
    public static KernelConfig Configure(Workload w, KernelConfig config) =>
        w.Section<ExitWorkload>()?.Design is { } d ? config with { ExitDesign = d } : config;

    /// <summary>
    /// initproc, before the workload's processes so that it is pid 1; and the u-areas fork may
    /// allocate, which kernel_object is sized for at boot (PhysMem.Boot runs next).
    /// </summary>
    public static void CreateInit(Kernel k, Workload w)
    {
        int forks = 0;
        for (int i = 0; i < w.Processes.Count; i++)
        {
            var lwps = w.Processes[i].Lwps;
            for (int j = 0; j < lwps.Count; j++) forks += Forks(lwps[j]);
        }
        k.Uareas.Reserve = forks;
        if (w.Section<ExitWorkload>() is null) return;
        var init = k.AddProcess([]);
        k.ProcLists.Init = init;
    }

    /// <summary>Makes init the parent of the workload's processes and starts the exit threads.</summary>
    public static void Start(Kernel k, Workload w)
    {
        if (w.Section<ExitWorkload>() is { } exit && k.ProcLists.Init is { } init)
        {
            k.Uareas.NuareaMax = exit.NuareaMax;
            k.Uvmexp.FreeTarg = exit.FreeTarget;
            foreach (var p in k.Procs)
            {
                if (p == init) continue;
                p.Parent = init;
                init.ChildList.Add(p);
            }
            _ = new InitThread(k);
            if (exit.Pagedaemon) PageDaemon.Boot(k, new() { DrainsUareas = true });
        }
        if (k.Config.ExitDesign == ExitDesign.Reaper) _ = new ReaperThread(k);
    }

    /// <summary>Forks in a program, nested ones included (a loop: this runs at every boot, and LINQ would allocate).</summary>
    private static int Forks(IReadOnlyList<LwpOp> program)
    {
        int n = 0;
        for (int i = 0; i < program.Count; i++)
            if (program[i] is Fork f) n += 1 + Forks(f.Child);
        return n;
    }
}
