using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Model.Threads;

namespace Uvm.Scenarios;

/// <summary>Boots a fresh <see cref="Kernel"/> from a workload and a configuration.</summary>
public static class KernelBuilder
{
    /// <summary>
    /// Builds the kernel state and its threads: CPUs, the clock, proc0 and, for a workload that states a memory shortage
    /// (swapoutScans), the pagedaemon; then each
    /// section's (<see cref="WorkloadSections.All"/>, in order: the order of threads is part of a
    /// pinned schedule).
    /// </summary>
    public static Kernel Build(Workload workload, KernelConfig config)
    {
        try
        {
            return Boot(workload, config);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or StackOverflowException or InputException))
        {
            throw new BootFailureException($"the kernel failed at boot, before any step: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>The boot itself (<see cref="Build"/>).</summary>
    private static Kernel Boot(Workload workload, KernelConfig config)
    {
        // Loops by index over the read-only lists: a foreach over an IReadOnlyList boxes its
        // enumerator, and a schedule boots once (docs/benchmarks.md, bytes per schedule).
        var sections = WorkloadSections.All;
        for (int i = 0; i < sections.Count; i++) config = sections[i].Configure(workload, config);
        var k = new Kernel(config);
        k.Uvmexp.Free = workload.FreePages;
        k.Uvmexp.MaxSlp = workload.MaxSlp;
        k.Uvmexp.ReserveKernel = workload.ReserveKernel;
        k.Uvmexp.ReservePagedaemon = workload.ReservePagedaemon;
        for (int i = 0; i < workload.Cpus; i++)
        {
            var cpu = new Cpu(i, k);
            k.Cpus.Add(cpu);
        }
        for (int i = 0; i < sections.Count; i++) sections[i].CreateProcesses(k, workload);
        var processes = workload.Processes;
        for (int i = 0; i < processes.Count; i++)
        {
            var p = k.AddProcess(processes[i].Lwps);
            p.NoCldWait = processes[i].NoCldWait;
            p.StopFork = processes[i].StopFork;
        }
        PhysMem.Boot(k, workload.FreePages + workload.ReserveKernel);
        foreach (var cpu in k.Cpus) _ = new CpuThread(k, cpu);
        _ = new ClockThread(k, workload.Seconds);
        _ = new SchedulerThread(k);
        if (workload.SwapoutScans > 0) PageDaemon.Boot(k, new() { ShortagePasses = workload.SwapoutScans });
        for (int i = 0; i < sections.Count; i++) sections[i].Start(k, workload);
        // The sections set freemin and freetarg above no reserve; the kernel keeps them above it.
        k.Uvmexp.FreeMin += workload.ReserveKernel;
        k.Uvmexp.FreeTarg += workload.ReserveKernel;
        k.Uvmexp.InactTarg += workload.ReserveKernel;
        return k;
    }
}
