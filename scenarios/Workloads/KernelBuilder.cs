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
        foreach (var section in WorkloadSections.All) config = section.Configure(workload, config);
        var k = new Kernel(config);
        k.Uvmexp.Free = workload.FreePages;
        k.Uvmexp.MaxSlp = workload.MaxSlp;
        for (int i = 0; i < workload.Cpus; i++)
        {
            var cpu = new Cpu(i, k);
            k.Cpus.Add(cpu);
        }
        foreach (var section in WorkloadSections.All) section.CreateProcesses(k, workload);
        foreach (var p in workload.Processes) k.AddProcess(p.Lwps);
        PhysMem.Boot(k, workload.FreePages);
        foreach (var cpu in k.Cpus) _ = new CpuThread(k, cpu);
        _ = new ClockThread(k, workload.Seconds);
        _ = new SchedulerThread(k);
        if (workload.SwapoutScans > 0) PageDaemon.Boot(k, new() { ShortagePasses = workload.SwapoutScans });
        foreach (var section in WorkloadSections.All) section.Start(k, workload);
        return k;
    }
}
