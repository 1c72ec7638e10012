using Uvm.Model.Core;
using Uvm.Model.Pool;
using Uvm.Model.Sched;
using Uvm.Model.Vm;
using Uvm.Model.Threads;

namespace Uvm.Model.Exit;

/// <summary>
/// uvm_km_alloc() and uvm_km_free() on kernel_map (uvm_km.c, uvm_map.c), as the u-area and vmspace
/// paths use them. kernel_map's lock is a sleep lock (vm_map_lock → lockmgr): a thread that finds
/// it held sleeps on it; the holder keeps it across one step boundary (uvm_map / uvm_unmap_remove),
/// which is where another CPU can find it held. The caller passes <c>self</c> as a function because
/// an LWP's path may run on another CPU after it slept. Left out: the map entries themselves, and
/// kernel_map's lock inside uvm_fault_wire/unwire (swapout and swapin do not take it here).
/// </summary>
public static class KernelMem
{
    /// <summary>vm_map_lock(kernel_map): sleep while another thread holds it; take it in the caller's next step.</summary>
    public static LockWait LockKernelMap(Kernel k, Func<KernelThread> self, string function) =>
        Locks.Take(k.KernelMapLock, self, function, "kernel_map locked");

    /// <summary>vm_map_unlock(kernel_map), waking whoever sleeps on it.</summary>
    public static void UnlockKernelMap(Kernel k, KernelThread self) => k.KernelMapLock.Release(k, self);

    /// <summary>
    /// uvm_km_alloc(kernel_map, USPACE, USPACE_ALIGN, UVM_KMF_PAGEABLE): a new, pageable (unwired)
    /// u-area range, handed to <paramref name="allocated"/> once uvm_map() has entered it.
    /// </summary>
    public static IEnumerable<Step> AllocUarea(Kernel k, Func<KernelThread> self, Action<Uarea> allocated)
    {
        // The map entry, with the pools on. uvm_map() of 1999-2004 allocates it with the map locked
        // (uvm_map.c 1.34 of 1999; only pager_map's comes first, "to avoid sleeping for memory while
        // we have the map locked"): for kernel_map pool_get(&uvm_map_entry_kmem_pool, PR_WAITOK),
        // whose page allocator may sleep in uvm_wait() holding kernel_map (switch
        // kernel-map-entry-under-lock, "Found by the checker"). The later uvm_map() allocates the
        // entry first (uvm_map.c 1.222, 2006; the stored 2008 text: in-kernel maps' entries "before
        // locking the map"): the default.
        int? entry = null;
        bool underLock = k.Config.Has(Switches.KernelMapEntryUnderLock);
        if (k.Pools.Enabled && !underLock)
            foreach (var s in PoolOps.Get(k, self, k.Pools.KernelMapEntry, waitOk: true, v => entry = v)) yield return s;
        foreach (var s in LockKernelMap(k, self, "uvm_km_alloc")) yield return s;
        if (k.Pools.Enabled && underLock)
            foreach (var s in PoolOps.Get(k, self, k.Pools.KernelMapEntry, waitOk: true, v => entry = v)) yield return s;
        var u = k.Uareas.Create();
        u.MapEntryItem = entry;
        allocated(u);
        yield return Step.Ran("uvm_km_alloc");
        UnlockKernelMap(k, self());
        yield return Step.Ran("uvm_km_alloc: vm_map_unlock");
    }

    /// <summary>
    /// uvm_km_free(kernel_map, va, size) → uvm_unmap(): under kernel_map's lock uvm_unmap_remove()
    /// takes the range out (<paramref name="unmap"/>: its wired pages return to the free list); then
    /// vm_map_unlock(). <paramref name="label"/> names the step that unmaps ("uvm_km_free: ...").
    /// </summary>
    public static IEnumerable<Step> Free(Kernel k, Func<KernelThread> self, string label, Action<KernelThread> unmap)
    {
        foreach (var s in LockKernelMap(k, self, "uvm_km_free")) yield return s;
        unmap(self());
        yield return Step.Ran(label);
        UnlockKernelMap(k, self());
        yield return Step.Ran("uvm_km_free: vm_map_unlock");
    }

    /// <summary>
    /// uvm_km_free(kernel_map, u-area, USPACE): under kernel_map's lock uvm_unmap_remove() takes
    /// the range out and uvm_km_pgremove() empties it in kernel_object (<see cref="PgRemove"/>),
    /// which may sleep on a busy page with kernel_map held; then vm_map_unlock().
    /// </summary>
    public static IEnumerable<Step> FreeUarea(Kernel k, Func<KernelThread> self, Uarea u)
    {
        foreach (var s in LockKernelMap(k, self, "uvm_km_free")) yield return s;
        foreach (var s in PgRemove(k, self, u)) yield return s;
        k.Uareas.Release(u);
        yield return Step.Ran("uvm_km_free: u-area");
        UnlockKernelMap(k, self());
        yield return Step.Ran("uvm_km_free: vm_map_unlock");
        // uvm_unmap(): uvm_unmap_detach() of the dead entry after vm_map_unlock(): uvm_mapent_free().
        if (u.MapEntryItem is { } item)
        {
            u.MapEntryItem = null;
            foreach (var s in PoolOps.Put(k, self, k.Pools.KernelMapEntry, item)) yield return s;
        }
    }

    /// <summary>
    /// uvm_km_pgremove(kernel_object, start, end) for a u-area's range, with kernel_object locked
    /// (uvm_km.c; the text read is rev 1.104 of 2009, the nearest with this loop, as
    /// docs/fidelity.md says): a busy page (the pagedaemon's pageout of an unwired u-area page) is
    /// waited for, PG_WANTED, "km_pgrm", and the offset looked at again; then the offset's swap
    /// slot is dropped (uao_dropswap; a slot with no resident page was the page's only copy, so
    /// swpgonly goes down) and a resident page is freed under uvm.pageqlock, wired or not
    /// (uvm_pagefree() clears a wire count). Ends with kernel_object unlocked, inside a step. The
    /// 2003-04 text of uvm_km_pgremove() was not found; 1998's marked a busy page PG_RELEASED instead.
    /// </summary>
    private static IEnumerable<Step> PgRemove(Kernel k, Func<KernelThread> self, Uarea u)
    {
        var obj = k.Vm.KernelObject;
        foreach (var s in Locks.Take(obj.Lock, self, "uvm_km_pgremove", "simple_lock(kernel_object)")) yield return s;
        bool freed = false;
        int end = k.Config.Has(Switches.KmPgremoveStopsShort) ? Uvmexp.UspacePages - 1 : Uvmexp.UspacePages; // km-pgremove-stops-short
        for (int i = 0; i < end; i++)
        {
            int index = PhysMem.UareaIndex(u.Id, i);
            while (obj.PageAt(index) is { Busy: true } busy)
            {
                PageQueues.Want(busy);
                obj.Lock.Release(k, self());
                yield return Step.Sleep("uvm_km_pgremove: page busy (km_pgrm)", busy.Channel);
                foreach (var s in Locks.Take(obj.Lock, self, "uvm_km_pgremove", "simple_lock(kernel_object)")) yield return s;
            }
            // The range is given back (uvm_km_free()): its data is nobody's now, and the next
            // u-area wired there is zero-filled (uao_get() of a page that never existed).
            obj.SetWritten(index, null);
            if (obj.PageAt(index) is not { } p)
            {
                AObjPager.DropSwapOfAbsentPage(k, self(), obj, index);
                continue;
            }
            AObjPager.DropSwap(k, self(), obj, index);
            k.Vm.PageQueueLock.Acquire(self());
            PageQueues.Free(k, p);
            k.Vm.PageQueueLock.Release(self());
            freed = true;
        }
        // uvm_pagefree() and uvm_km_pgremove() wake nobody: the memory waiters are woken by the
        // pagedaemon's pass, which their uvm_wait() asked for, or by aiodoned. A workload without
        // a pagedaemon (the exit scenarios may leave it out) has nobody to do it, so there the
        // model wakes them here, standing for that pass.
        obj.Lock.Release(k, self());
        if (freed && !PageDaemon.Runs(k)) Tsleep.Wakeup(k, self(), Pageout.FreeMemory);
    }

    /// <summary>
    /// uvmspace_free(vm) (uvm_map.c; the 1999 text is the stored one before 2015, and the later
    /// texts keep its shape): <c>if (--vm->vm_refcnt == 0)</c> the map is torn down, and
    /// pmap_destroy() gives the page directory back to kernel_map with uvm_km_free() (i386,
    /// approx.), which may sleep on kernel_map's lock. The decrement happens now, in the caller's
    /// running step (nothing sleeps between it and its test); the teardown, if this was the last
    /// reference, is the returned steps, and none otherwise: enumerate them at once after the
    /// step.
    /// </summary>
    public static IEnumerable<Step> UvmspaceFree(Kernel k, Func<KernelThread> self, ProcVmspace vm)
    {
        if (--vm.RefCount > (k.Config.Has(Switches.UvmspaceFreeAtOneRef) ? 1 : 0)) return []; // uvmspace-free-at-one-ref
        return Free(k, self, "uvm_km_free: uvmspace_free", _ => vm.MarkFreed());
    }
}
