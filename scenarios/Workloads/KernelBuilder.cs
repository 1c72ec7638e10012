using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Model.Threads;

namespace Uvm.Scenarios;

/// <summary>Boots a fresh <see cref="Kernel"/> from a workload and a configuration.</summary>
public static class KernelBuilder
{
    /// <summary>Builds the kernel state and its threads: CPUs, the clock, proc0 and the swapper.</summary>
    public static Kernel Build(Workload workload, KernelConfig config)
    {
        config = ExitBoot.Configure(workload, config);
        var k = new Kernel(config);
        k.Uvmexp.Free = workload.FreePages;
        k.Uvmexp.MaxSlp = workload.MaxSlp;
        for (int i = 0; i < workload.Cpus; i++)
        {
            var cpu = new Cpu(i);
            k.Cpus.Add(cpu);
        }
        ExitBoot.CreateInit(k, workload);
        foreach (var p in workload.Processes) k.AddProcess(p.Lwps);
        PhysMem.Boot(k, workload.FreePages);
        foreach (var cpu in k.Cpus) _ = new CpuThread(k, cpu);
        _ = new ClockThread(k, workload.Seconds);
        _ = new SchedulerThread(k);
        if (workload.SwapoutScans > 0) _ = new SwapperThread(k, workload.SwapoutScans);
        if (workload.Maps is { } maps) MapsBuilder.Build(k, maps);
        if (workload.Paging is { } paging) PagingBuilder.Build(k, paging);
        ExitBoot.Start(k, workload);
        if (workload.Loans is { } loans) LoanBuilder.Build(k, loans);
        return k;
    }
}
