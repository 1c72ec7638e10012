using Uvm.Model.Core;
using Uvm.Model.Exit;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// uvm_fault_wire() and uvm_fault_unwire() of a u-area on kernel_map (uvm_fault.c; read against
/// rev 1.113, 2006, whose wire/unwire loops are those of 2003-04). The u-area's pages are pages
/// of kernel_object, an aobj: unwired, they are pageable, and the pagedaemon pages them out to
/// swap like any aobj page. Wiring faults the USPACE range in page by page: each uvm_fault()
/// read-locks kernel_map, locks kernel_object and asks uao_get(PGO_LOCKED) for the page; one
/// resident and not busy, or never created (zero-filled), is wired there in one step, its swap
/// slot dropped (a wired aobj page cannot be paged out, so uvm_fault() gives its swap back and
/// clears PG_CLEAN). Otherwise the fault unlocks the map and calls the unlocked uao_get(), which
/// sleeps on a busy page (the pagedaemon's pageout of it) or reads it from swap, then relocks the
/// map and the object and wires it. Unwiring read-locks kernel_map and, with the page queues
/// locked, uvm_pageunwire()s each page, which puts a page whose wire count drops to 0 on the
/// active queue: one step. Simplified: kernel_map's lock is taken exclusively (its readers here,
/// u-area faults, never need to overlap to show a race the model studies); uvmfault_relock()
/// always succeeds (the kernel refaults when kernel_map's timestamp moved meanwhile); the
/// kernel_object allocation does not dip into the kernel's page reserve as uvm_pagealloc() lets it.
/// </summary>
public static class UareaWiring
{
    /// <summary>uvm_fault_wire(kernel_map, u-area, u-area + USPACE): one fault per page.</summary>
    public static IEnumerable<Step> Wire(Kernel k, Func<KernelThread> self, Uarea u)
    {
        var obj = k.Vm.KernelObject;
        for (int i = 0; i < Uvmexp.UspacePages; i++)
        {
            int index = PhysMem.UareaIndex(u.Id, i);
            while (true)
            {
                foreach (var s in Locks.Take(k.KernelMapLock, self, "uvm_fault_wire", "vm_map_lock_read(kernel_map)")) yield return s;
                foreach (var s in Locks.Take(obj.Lock, self, "uvm_fault", "simple_lock(kernel_object)")) yield return s;
                var p = obj.PageAt(index);
                if (p is { Busy: false })
                {
                    PageQueues.Busy(p, "uao_get1"); // uao_get(PGO_LOCKED): resident
                    yield return WirePage(k, self(), obj, p, "uvm_fault_wire");
                    break;
                }
                if (p is null && obj.FindSwslot(index) == 0)
                {
                    // uao_get(PGO_LOCKED): never existed, zero-fill; no page free, and the unlocked
                    // uao_get() waits for memory (uvm_wait("uao_getpage")) and faults again.
                    if (PageQueues.Alloc(k, useReserve: true) is { } zero) // kernel_object: UVM_OBJ_IS_KERN_OBJECT
                    {
                        obj.Insert(zero, index);
                        zero.BusyOwner = "uao_get1";
                        Contents.Zero(zero); // uvm_pagezero()
                        yield return WirePage(k, self(), obj, zero, "uvm_fault_wire: zero-fill");
                        break;
                    }
                    obj.Lock.Release(k, self());
                    k.KernelMapLock.Release(k, self());
                    yield return Pageout.Wait(k, "uao_getpage");
                    continue;
                }
                // Busy (in pageout) or only on swap: uvmfault_unlockall() drops kernel_map, the
                // unlocked uao_get() sleeps or reads, uvmfault_relock() and simple_lock(vmobjlock).
                k.KernelMapLock.Release(k, self());
                var got = new Out<Page>();
                foreach (var s in AObjPager.Get(k, self, obj, index, got)) yield return s;
                if (got.Value is null) // uvm_swapin(): "rewiring stack failed"; uvm_fork(): uvm_fault_wire() failed
                    throw new KernelPanicException("uvm_fault_wire", $"a u-area page of kernel_object at {index} reads a slot marked SWSLOT_BAD: uvm_fault_wire() fails with EIO and its caller panics");
                obj.Lock.Release(k, self());
                foreach (var s in Locks.Take(k.KernelMapLock, self, "uvm_fault_wire", "uvmfault_relock(kernel_map)")) yield return s;
                foreach (var s in Locks.Take(obj.Lock, self, "uvm_fault", "relock kernel_object")) yield return s;
                yield return WirePage(k, self(), obj, got.Value!, "uvm_fault_wire: after uao_get");
                break;
            }
        }
        if (!k.Config.Has(Switches.FaultWireSkipsUareaWireCount)) u.WireCount++; // fault-wire-skips-uarea-wire-count
    }

    /// <summary>
    /// The end of a wiring fault on kernel_object page <paramref name="p"/>, busy and with
    /// kernel_object and kernel_map locked (uvm_fault.c): under uvm.pageqlock uvm_pagewire(), and
    /// for an aobj page PG_CLEAN off and uao_dropswap(); then un-busy it and unlock all.
    /// </summary>
    private static Step WirePage(Kernel k, KernelThread self, AObj obj, Page p, string function)
    {
        k.Vm.PageQueueLock.Acquire(self);
        PageQueues.Wire(k, p);
        p.Flags &= ~PageFlags.Clean;
        if (!k.Config.Has(Switches.WireKeepsSwapSlot)) AObjPager.DropSwap(k, self, obj, p.Index); // wire-keeps-swap-slot
        if (!k.Config.Has(Switches.FaultWireLeavesPageBusy)) PageQueues.Unbusy(k, p); // fault-wire-leaves-page-busy
        k.Vm.PageQueueLock.Release(self);
        obj.Lock.Release(k, self);
        k.KernelMapLock.Release(k, self);
        return Step.Ran(function);
    }

    /// <summary>
    /// uvm_fault_unwire(kernel_map, addr, addr + USPACE) and pmap_collect(): under kernel_map's
    /// read lock and the page-queue lock, uvm_pageunwire() each page of the range (found through
    /// the kernel pmap): a page no longer wired goes on the active queue, pageable.
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
        bool late = k.Config.Has(Switches.FaultUnwireBeforePageqLock); // fault-unwire-before-pageq-lock
        if (late) PhysMem.UnwireUareaPages(k, u); // uvm_fault_unwire_locked() calls uvm_pageunwire() between uvm_lock_pageq() and uvm_unlock_pageq()
        k.Vm.PageQueueLock.Acquire(self);
        if (!late) PhysMem.UnwireUareaPages(k, u);
        k.Vm.PageQueueLock.Release(self);
        if (u.WireCount > 0) u.WireCount--;
        k.KernelMapLock.Release(k, self);
        yield return Step.Ran("uvm_fault_unwire");
    }
}
