using Uvm.Model.Core;
using Uvm.Model.Exit;

namespace Uvm.Model;

/// <summary>
/// uvm_fault_wire() and uvm_fault_unwire() of a u-area on kernel_map (uvm_fault.c; read against
/// rev 1.113, 2006, whose wire/unwire loops are those of 2003-04). Wiring faults the USPACE range
/// in page by page: each uvm_fault() read-locks kernel_map, finds or allocates the kernel_object
/// page (uvm_wait("flt_noram5") and a refault when none is free) and wires it, so each page is a
/// step and the caller may sleep between pages. Unwiring read-locks kernel_map and, with the page
/// queues locked, drops each page's wire count without sleeping: one step. Simplified: kernel_map's
/// lock is taken exclusively (its readers here, u-area faults, never need to overlap to show a
/// race the model studies), and an unwired page is freed at once, standing for the pagedaemon
/// reclaiming the now pageable kernel_object page.
/// </summary>
public static class UareaWiring
{
    /// <summary>uvm_fault_wire(kernel_map, u-area, u-area + USPACE): one step per page.</summary>
    public static IEnumerable<Step> Wire(Kernel k, Func<KernelThread> self, Uarea u)
    {
        for (int i = 0; i < Uvmexp.UspacePages; i++)
        {
            while (true)
            {
                while (!k.KernelMapLock.TryAcquire(self()))
                    yield return Step.Sleep("uvm_fault_wire: vm_map_lock_read(kernel_map)", k.KernelMapLock.Channel);
                self().Ordered(k.KernelMapLock);
                bool wired = PhysMem.WireUareaPage(k, u, i);
                k.KernelMapLock.Release(k, self());
                if (wired)
                {
                    yield return Step.Ran("uvm_fault_wire");
                    break;
                }
                // uvmfault_unlockall(); uvm_wait("flt_noram5"): wake the pagedaemon, sleep on &uvmexp.free; ReFault.
                PagedaemonWakeup.Wake(k);
                yield return Step.Sleep("uvm_wait: flt_noram5", Pageout.FreeMemory);
            }
        }
        u.WireCount++;
    }

    /// <summary>
    /// uvm_fault_unwire(kernel_map, addr, addr + USPACE) and pmap_collect(): under kernel_map's
    /// read lock and the page-queue lock, uvm_pageunwire() each page of the range.
    /// <paramref name="u"/> is l_addr as uvm_swapout() read it before the call; NULL (uvm_lwp_exit()
    /// ran) is no range: start 0 is below vm_map_min(), KASSERT / "uvm_fault_unwire_locked: address
    /// not in map".
    /// </summary>
    public static IEnumerable<Step> Unwire(Kernel k, KernelThread self, Sched.Lwp l, Uarea? u)
    {
        foreach (var s in Locks.Take(k.KernelMapLock, self, "uvm_fault_unwire: vm_map_lock_read(kernel_map)")) yield return s;
        if (u is null)
        {
            k.KernelMapLock.Release(k, self);
            throw new KernelPanicException("uvm_fault_unwire_locked", $"address not in map: {l} has no u-area (l_addr == NULL)");
        }
        PhysMem.UnwireUareaPages(k, u);
        if (u.WireCount > 0) u.WireCount--;
        k.KernelMapLock.Release(k, self);
        k.SleepQueues.Wakeup(Pageout.FreeMemory);
        yield return Step.Ran("uvm_fault_unwire");
    }
}
