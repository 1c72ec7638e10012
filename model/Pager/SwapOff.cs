using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// swapctl(SWAP_OFF) and swapctl(SWAP_ON) of uvm_swap.c (2002) with one swap device: swap_off()
/// clears SWF_ENABLE, pages every aobj page (uao_swap_off → uao_pagein → uao_pagein_page, from
/// uvm_aobj.c rev 1.39.2.6) and every anon (anon_swap_off) back in from the device, fails with
/// EBUSY if a slot is still in use, and otherwise removes the device. Locks: uao_list_lock and the object lock,
/// try-locked in list order (the reverse of the usual order), uvm.swap_data_lock inside a step.
/// Left out: swap_syscall_lock (one swapctl caller), the vnode and its close, the ENOMEM path
/// (uao_pagein_page sleeps for memory instead of failing).
/// </summary>
public static class SwapOff
{
    /// <summary>swapctl(SWAP_OFF) of the only device.</summary>
    public static IEnumerable<Step> Off(Kernel k, KernelThread self)
    {
        var swap = k.Vm.Swap;
        if (!swap.Configured)
        {
            yield return Step.Ran("sys_swapctl(SWAP_OFF): no such device");
            yield break;
        }
        swap.Lock.Acquire(self);
        swap.Enabled = false;
        swap.Lock.Release(self);
        swap.OffRunning = true;
        yield return Step.Ran("swap_off: clear SWF_ENABLE");
        // The device's range of the drum: swd_drumoffset to swd_drumoffset + swd_drumsize.
        int start = 1, end = swap.Slots + (k.Config.Has(Switches.SwapOffWalkMissesLastSlot) ? 0 : 1); // swap-off-walk-misses-last-slot
        foreach (var s in UaoSwapOff(k, self, start, end)) yield return s;
        foreach (var s in AnonPager.SwapOff(k, self, start, end)) yield return s;
        CheckWalked(k, swap);
        // "else if (sdp->swd_npginuse > sdp->swd_npgbad) error = EBUSY" (uvm_swap.c swap_off): the
        // slots a failed pageout marked bad stay in use for good and do not keep the device.
        if (swap.InUse > swap.Bad && !k.Config.Has(Switches.SwapOffIgnoresBusy)) // swap-off-ignores-busy
        {
            // A slot can outlive the walk: an aobj whose last uao_detach() is waiting for a page
            // in pageout is already off uao_list. Later kernels re-enable the device and fail
            // with EBUSY here (approx.: what the 2002 code did is not confirmed).
            // "if (error) { simple_lock(&uvm.swap_data_lock); sdp->swd_flags |= SWF_ENABLE;
            // simple_unlock(&uvm.swap_data_lock); return (error); }"
            swap.Lock.Acquire(self);
            if (!k.Config.Has(Switches.SwapOffEbusyStaysDisabled)) swap.Enabled = true; // swap-off-ebusy-stays-disabled
            swap.Lock.Release(self);
            swap.OffRunning = false;
            yield return Step.Ran("swap_off: EBUSY, slots still in use");
            yield break;
        }
        // swaplist_find(sdp->swd_vp, 1) and swaplist_trim() under simple_lock(&uvm.swap_data_lock).
        swap.Lock.Acquire(self);
        swap.DropBadSlots();
        swap.Configured = false;
        swap.Lock.Release(self);
        swap.OffRunning = false;
        yield return Step.Ran("swap_off: device removed");
    }

    /// <summary>
    /// uao_swap_off() and amap_swap_off() ("find all the pages that are paged out to this device,
    /// and page them all in") are done: no anon an amap holds (an_ref &gt; 0) and no aobj on
    /// uao_list records a slot of the device any more. What may remain is what the walks cannot
    /// reach, which the EBUSY test covers: a dying anon's slot, a detaching aobj's, a pageout's.
    /// </summary>
    private static void CheckWalked(Kernel k, SwapSpace swap)
    {
        // The check is the model's, not the kernel's: it reads the owners' fields without their
        // locks, so the lock-discipline detector is off while it runs.
        var discipline = k.Discipline;
        bool on = discipline.On;
        discipline.On = false;
        try
        {
            if (Unwalked(k, swap) is { } left)
                k.Events.Break("SwapOffPagesInEverySwappedPage", $"{left} still records a slot of the device when swap_off()'s page-in walks are done");
        }
        finally
        {
            discipline.On = on;
        }
    }

    /// <summary>The first anon an amap holds or aobj page on uao_list that records a slot of the device, with the slot; null if none.</summary>
    private static string? Unwalked(Kernel k, SwapSpace swap)
    {
        foreach (var anon in k.Vm.Anons)
            if (anon.RefCount > 0 && anon.SwSlot >= 1 && anon.SwSlot <= swap.Slots)
                return $"{anon} (slot {anon.SwSlot})";
        foreach (var obj in k.Vm.AObjs)
        {
            if (!obj.OnList) continue;
            for (int i = 0; i < obj.Size; i++)
                if (obj.FindSwslot(i) is var slot && slot >= 1 && slot <= swap.Slots)
                    return $"{obj}[{i}] (slot {slot})";
        }
        return null;
    }

    /// <summary>
    /// swapctl(SWAP_ON): configure and enable the device again. sys_swapctl() puts a placeholder on
    /// swap_list first (<c>sdp-&gt;swd_flags = SWF_FAKE; ... swaplist_insert()</c>, which counts it in
    /// uvmexp.nswapdev), then swap_on() opens the device, which may sleep, and only then makes it
    /// live under uvm.swap_data_lock (<c>swd_flags &amp;= ~SWF_FAKE; |= SWF_INUSE|SWF_ENABLE;
    /// uvmexp.swpages += size</c>): uvm_swap.c 1.97.2.1, and OpenBSD's copy of NetBSD 1.40 has the
    /// same order. Until session 34 the model did it all in one step, without the window in which
    /// nswapdev counts a device with no slots.
    /// </summary>
    public static IEnumerable<Step> On(Kernel k, KernelThread self)
    {
        var swap = k.Vm.Swap;
        if (swap.Configured || swap.Slots == 0)
        {
            yield return Step.Ran("sys_swapctl(SWAP_ON): EBUSY");
            yield break;
        }
        swap.Lock.Acquire(self);
        swap.Configured = swap.Fake = true;
        swap.Lock.Release(self);
        self.MaySleep(); // malloc(M_WAITOK) of the path; swap_on(): VOP_OPEN, VOP_GETATTR, extent_alloc(EX_WAITOK)
        yield return Step.Ran("sys_swapctl(SWAP_ON): swaplist_insert, SWF_FAKE");
        swap.Lock.Acquire(self);
        swap.Fake = false;
        swap.Enabled = true;
        swap.Lock.Release(self);
        yield return Step.Ran("swap_on");
    }

    /// <summary>
    /// uao_swap_off(start, end): page in every aobj on uao_list. The default is the later NetBSD
    /// walk ("Prefetch the next object and immediately hold a reference on it, so neither the
    /// current nor the next entry could disappear while we are iterating"): under uao_list_lock
    /// reference the next aobj, unlock the list, lock the aobj, page in, drop the reference with
    /// uao_detach() (which may free the aobj), relock the list. The reference is an increment
    /// without vmobjlock, as that later kernel's atomic uao_reference() is.
    /// With <see cref="Switches.UaoSwapOffDetachesListLocked"/>, the 2002-04 walk (uvm_aobj.c
    /// 1.39.2.6): try-lock each aobj under uao_list_lock (restart the walk on failure), reference
    /// it, unlock the list, page in, then relock the list, read LIST_NEXT and uao_detach_locked()
    /// with the list still locked.
    /// </summary>
    private static IEnumerable<Step> UaoSwapOff(Kernel k, KernelThread self, int start, int end) =>
        k.Config.Has(Switches.UaoSwapOffDetachesListLocked) ? UaoSwapOffListLocked(k, self, start, end) : UaoSwapOffReferencingNext(k, self, start, end);

    /// <summary>The later walk: the next aobj is referenced before the list is unlocked.</summary>
    private static IEnumerable<Step> UaoSwapOffReferencingNext(Kernel k, KernelThread self, int start, int end)
    {
        var vm = k.Vm;
        vm.UaoListLock.Acquire(self);
        var obj = NextOnList(vm, null);
        if (obj is not null) obj.Refs++;
        while (obj is not null)
        {
            var next = NextOnList(vm, obj);
            if (next is not null) next.Refs++;
            vm.UaoListLock.Release(self);
            foreach (var s in Locks.Take(obj.Lock, self, "uao_swap_off: lock the aobj")) yield return s;
            // uao-swap-off-keeps-ref: whether the aobj has a slot in the range, read only for the mutant.
            bool keepsRef = k.Config.Has(Switches.UaoSwapOffKeepsRef) && !HasSlotIn(obj, start, end);
            foreach (var s in Pagein(k, self, obj, start, end)) yield return s;
            if (keepsRef)
            {
                // uao-swap-off-keeps-ref: nothing to page in, the walk's reference is not dropped.
                obj.Lock.Release(k, self);
                yield return Step.Ran("uao_swap_off: nothing in range, simple_unlock");
            }
            else
                foreach (var s in AObjPager.DetachLocked(k, self, obj, "uao_swap_off: uao_detach")) yield return s;
            obj = next;
            vm.UaoListLock.Acquire(self);
        }
        vm.UaoListLock.Release(self);
    }

    /// <summary>
    /// The 2002-04 walk. uao_detach_locked() of the last reference takes uao_list_lock to unlink
    /// the aobj, and this walk calls it with the list locked: when the aobj's other references
    /// went while it paged in (shmctl(IPC_RMID), exit), the CPU takes a simple lock it holds
    /// (LOCKDEBUG: "simple_lock: locking against myself"; without it, a spin forever on
    /// MULTIPROCESSOR). OpenBSD's walk says why it defers that detach: "We can't just drop it now
    /// with the list locked since that could cause lock recursion in the case where we reduce the
    /// refcount to 0."
    /// </summary>
    private static IEnumerable<Step> UaoSwapOffListLocked(Kernel k, KernelThread self, int start, int end)
    {
        var vm = k.Vm;
    restart:
        vm.UaoListLock.Acquire(self);
        var obj = NextOnList(vm, null);
        while (obj is not null)
        {
            if (!obj.Lock.TryAcquire(self))
            {
                vm.UaoListLock.Release(self);
                yield return Step.Sleep("uao_swap_off: simple_lock_try failed, restart", obj.Lock.Channel);
                goto restart;
            }
            obj.Refs++; // uao_reference_locked()
            vm.UaoListLock.Release(self);
            foreach (var s in Pagein(k, self, obj, start, end)) yield return s;
            vm.UaoListLock.Acquire(self);
            var next = NextOnList(vm, obj); // nextaobj = LIST_NEXT(aobj, u_list)
            if (obj.Refs > 1)
            {
                obj.Refs--; // uao_detach_locked(), not the last reference: no sleep, the list stays locked
                obj.Lock.Release(k, self);
            }
            else
            {
                foreach (var s in AObjPager.DetachLocked(k, self, obj, "uao_swap_off: uao_detach_locked")) yield return s;
            }
            obj = next;
        }
        vm.UaoListLock.Release(self);
    }

    /// <summary>The aobj after <paramref name="previous"/> on uao_list (the first when null).</summary>
    private static AObj? NextOnList(VmState vm, AObj? previous)
    {
        int from = previous is null ? 0 : vm.AObjList.IndexOf(previous) + 1;
        for (int i = from; i < vm.AObjList.Count; i++)
            if (vm.AObjList[i].OnList) return vm.AObjList[i];
        return null;
    }

    /// <summary>uao_pagein(): with vmobjlock held, page in each page whose slot lies in [start, end).</summary>
    private static IEnumerable<Step> Pagein(Kernel k, KernelThread self, AObj obj, int start, int end)
    {
        for (int i = 0; i < obj.Size; i++)
        {
            int slot = obj.FindSwslot(i);
            if (slot < start || slot >= end) continue;
            foreach (var s in PageinPage(k, self, obj, i)) yield return s;
        }
    }

    /// <summary>
    /// uao_pagein_page(): uao_get() the page (which may sleep with the object unlocked), relock,
    /// clear the page's slot with uao_set_swslot(…, 0) and free the old slot, then mark the page
    /// dirty, un-busy it and deactivate it. Entered and left with vmobjlock held; ends with a step.
    /// </summary>
    private static IEnumerable<Step> PageinPage(Kernel k, KernelThread self, AObj obj, int index)
    {
        var got = new Out<Page>();
        foreach (var s in AObjPager.Get(k, self, obj, index, got)) yield return s;
        if (got.Value is not { } p)
        {
            // "nothing more to do on errors" (uao_pagein_page(), 1.39.2.6): the slot stays SWSLOT_BAD,
            // outside every swap range, and the walk goes on under the relocked object.
            foreach (var s in Locks.Take(obj.Lock, self, "uao_pagein_page: simple_lock(vmobjlock)")) yield return s;
            yield break;
        }
        // pagein-page-clears-slot-unlocked: uao_get() returned unlocked and the slot is cleared before the relock.
        bool unlocked = k.Config.Has(Switches.PageinPageClearsSlotUnlocked);
        if (unlocked) obj.Lock.Release(k, self);
        int slot = obj.SetSwslot(index, 0);
        if (unlocked) obj.Lock.Acquire(self);
        FreeOldSlot(k, self, slot);
        if (!k.Config.Has(Switches.PageinPageStaysClean)) p.Flags &= ~PageFlags.Clean;
        k.Vm.PageQueueLock.Acquire(self);
        if (k.Config.Has(Switches.PageinPageSkipsWakeup))
        {
            // uvm_aobj.c 1.39.2.6: pg->flags &= ~(PG_BUSY|PG_CLEAN|PG_FAKE): PG_WANTED stays, nobody is woken.
            p.Flags &= ~(PageFlags.Busy | PageFlags.Fake);
            p.BusyOwner = null;
        }
        else if (!k.Config.Has(Switches.PageinPageStaysBusy)) PageQueues.Unbusy(k, p); // pagein-page-stays-busy
        // A swap-in may have wired the page while uao_get() slept on it (pagein-deactivates-wired: the 2002 text does not look).
        if (p.WireCount == 0 || k.Config.Has(Switches.PageinDeactivatesWired)) PageQueues.Deactivate(k, p);
        k.Vm.PageQueueLock.Release(self);
        yield return Step.Ran("uao_pagein_page");
    }

    /// <summary>
    /// PR kern/22752 (reconstructed site): the 2002 uao_pagein_page() passes the old slot straight
    /// to uvm_swap_free(slot, 1), while every other aobj release path (uao_dropswap, uao_free,
    /// the pagedaemon) and anon_pagein() check it first. But uao_get() may sleep (on a busy page,
    /// in uvm_wait, over the read) with the object unlocked, and meanwhile a fault can bring the
    /// page in and the pagedaemon drop its slot (uao_dropswap before a pageout that finds no swap,
    /// or the swap-shortage scan); the old slot is then 0 and uvm_swap_free(0, 1) panics in
    /// swapdrum_getsdp. Later revisions call uao_dropswap() here, which frees only a nonzero slot.
    /// The exact fix commit was not found; this is the one release path of the period without the
    /// check, reached through shm aobjs, the pagedaemon and swapctl -d.
    /// </summary>
    private static void FreeOldSlot(Kernel k, KernelThread self, int slot)
    {
        if (k.Config.Has(Switches.Pr22752) || slot != 0)
            k.Vm.Swap.Free(self, slot, 1);
    }

    /// <summary>True when some page of <paramref name="obj"/> has its swap slot in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    private static bool HasSlotIn(AObj obj, int start, int end)
    {
        for (int i = 0; i < obj.Size; i++)
            if (obj.FindSwslot(i) is var slot && slot >= start && slot < end) return true;
        return false;
    }
}
