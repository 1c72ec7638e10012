using Uvm.Model;
using Uvm.Model.Threads;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>Adds the paging section of a workload to a booted kernel: swap, targets and the VM threads.</summary>
public static class PagingBuilder
{
    /// <summary>The swap device, uvmexp targets, pagedaemon, aiodone daemon, users and swapctl.</summary>
    public static void Build(Kernel k, PagingWorkload paging)
    {
        k.Vm.Swap = new SwapSpace(paging.SwapSlots, k.Versions, k.Discipline);
        k.Uvmexp.FreeMin = paging.FreeMin;
        k.Uvmexp.FreeTarg = paging.FreeTarg;
        k.Uvmexp.InactTarg = paging.FreeTarg + 1;
        PageDaemon.Boot(k, new());
        AioDaemon.Start(k);
        for (int i = 0; i < paging.AnonProcesses.Count; i++)
            _ = new AnonUser(k, $"anon{i + 1}", paging.AnonProcesses[i].Pages, paging.AnonProcesses[i].Touches, paging.AnonProcesses[i].MunmapLwpAfter);
        for (int i = 0; i < paging.ShmUsers.Count; i++)
            _ = new ShmUser(k, $"shm{i + 1}", paging.ShmUsers[i]);
        if (paging.SwapCtl.Count > 0) _ = new SwapCtl(k, paging.SwapCtl);
    }
}
