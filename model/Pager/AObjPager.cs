using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// The aobj pager of sys/uvm/uvm_aobj.c rev 1.39.2.6 (2002): uao_create(),
/// uao_detach() with uao_free(), uao_dropswap() and the unlocked half of uao_get(). Locks: the
/// object's vmobjlock (taken with <see cref="Locks.Take"/>, since a fault may hold it across
/// steps), uao_list_lock and uvm.pageqlock inside a step. Left out: the swhash form of the slot
/// table, multi-page uao_get() requests (only the centre page is fetched), I/O errors.
/// </summary>
public static class AObjPager
{
    /// <summary>
    /// uao_create(size, 0): a new aobj with one reference, at the head of uao_list
    /// (<c>LIST_INSERT_HEAD(&amp;uao_list, aobj, u_list)</c>, every stored text from 1999 to 2022), so
    /// uao_swap_off() walks the newest first and kernel_object, made at boot, last; until session 34
    /// the model appended, and walked kernel_object first.
    /// </summary>
    internal static AObj Create(Kernel k, int pages)
    {
        var obj = new AObj(k.Vm.NextAObjId++, pages, noSwap: false, versions: k.Versions, kernel: k);
        k.Vm.AObjList.Insert(0, obj);
        if (k.Config.Has(Switches.UaoCreateSkipsListInsert)) obj.OnList = false; // uao-create-skips-list-insert
        return obj;
    }

    /// <summary>uao_dropswap(): clear the page's slot and free it if there was one (caller holds vmobjlock).</summary>
    internal static void DropSwap(Kernel k, KernelThread self, AObj obj, int index)
    {
        int slot = obj.SetSwslot(index, 0);
        if (slot != 0) k.Vm.Swap.Free(self, slot, 1);
    }

    /// <summary>
    /// uao_dropswap() of an offset with no resident page: its data lived only in swap, so
    /// uvmexp.swpgonly drops with the slot (uao_free()'s slot loop; uvm_km_pgremove()), under
    /// uao_free()'s KASSERT(uvmexp.swpgonly &gt;= swpgonlydelta). A slot marked SWSLOT_BAD is not
    /// counted: the model's uvm_swap_markbad() (the later text: <c>uvmexp.swpgonly -= nslots</c>)
    /// took it out of swpgonly already and uvm_swap_free() ignores it, and the texts of that markbad
    /// test <c>slot &gt; 0</c> here (uao_dropswap_range() of uvm_aobj.c 1.156). The 2002 uao_free()
    /// (1.39.2.6) counts every non-zero slot, which pairs with a markbad that leaves swpgonly alone
    /// (OpenBSD's copy of uvm_swap.c 1.40): docs/fidelity.md, session 36.
    /// </summary>
    internal static void DropSwapOfAbsentPage(Kernel k, KernelThread self, AObj obj, int index)
    {
        int slot = obj.SetSwslot(index, 0);
        if (slot <= 0) return;
        k.Vm.Swap.Free(self, slot, 1);
        if (k.Config.Has(Switches.UaoFreeSkipsSwpgonly)) return; // uao-free-skips-swpgonly
        if (k.Uvmexp.SwpgOnly < 1)
            throw new KernelPanicException("uao_free", $"KASSERT(uvmexp.swpgonly >= swpgonlydelta) failed: swpgonly {k.Uvmexp.SwpgOnly}, {obj} slot {slot} at page {index}");
        k.Uvmexp.SwpgOnly--;
    }

    /// <summary>
    /// uao_get(uobj, idx, flags 0), the unlocked case, entered with vmobjlock held. Loops until it
    /// owns the page: sleeps on a busy page (PG_WANTED), in uvm_wait("uao_getpage") when no page
    /// can be allocated, or over the synchronous uvm_swap_get(). Ends with vmobjlock held and
    /// <paramref name="result"/> busy: the kernel unlocks on return and the caller relocks at once,
    /// and nothing can touch a busy page in between, so the two are one step here. A read of a slot
    /// marked SWSLOT_BAD fails: <paramref name="result"/> is null and vmobjlock is released, after a step.
    /// </summary>
    internal static IEnumerable<Step> Get(Kernel k, KernelThread self, AObj obj, int index, Out<Page> result) =>
        Get(k, self.AsSelf, obj, index, result);

    /// <summary>
    /// uao_get() for a path that may resume on another CPU after a sleep (an LWP's: PHOLD()'s
    /// swap-in, model/Exit/ProcfsRegs.cs), so <paramref name="selfOf"/> is asked at every lock.
    /// </summary>
    internal static IEnumerable<Step> Get(Kernel k, Func<KernelThread> selfOf, AObj obj, int index, Out<Page> result)
    {
        while (true)
        {
            var p = obj.PageAt(index);
            if (p is not null && p.Busy)
            {
                if (!k.Config.Has(Switches.UaoGetSleepsWithoutWanted)) PageQueues.Want(p); // uao-get-sleeps-without-wanted
                obj.Lock.Release(k, selfOf());
                yield return Step.Sleep("uao_get: page busy", p.Channel);
            }
            else if (p is not null)
            {
                PageQueues.Busy(p, "uao_get2");
                result.Value = p;
                yield break;
            }
            else if (PageQueues.Alloc(k, useReserve: obj.IsKernelObject) is not { } fresh) // UVM_OBJ_IS_KERN_OBJECT(uobj)
            {
                obj.Lock.Release(k, selfOf());
                yield return Pageout.Wait(k, "uao_getpage");
            }
            else
            {
                obj.Insert(fresh, index);
                fresh.BusyOwner = "uao_get";
                int slot = obj.FindSwslot(index);
                if (slot != 0)
                {
                    // uvm_swap_get(): the page is (about to be) no longer only in swap; the read
                    // sleeps with the object unlocked. A slot marked SWSLOT_BAD (a failed pageout,
                    // uvm_aio_aiodone()) fails at once, before the swpgonly-- and with no I/O.
                    bool bad = slot == SwapSpace.SwslotBad;
                    if (!bad)
                    {
                        k.Uvmexp.SwpgOnly--;
                        fresh.Data = k.Vm.Swap.Data(slot); // the read: whatever the slot holds
                    }
                    bool locked = k.Config.Has(Switches.UaoGetReadsLocked); // uao-get-reads-locked
                    if (!locked) obj.Lock.Release(k, selfOf());
                    if (!bad) selfOf().MaySleep(); // uvm_swap_io(): biowait() sleeps until the read is done, mi_switch() releases the big lock
                    yield return Step.Ran("uao_get: uvm_swap_get");
                    if (!locked)
                        foreach (var s in Locks.Take(obj.Lock, selfOf, "uao_get", "relock after I/O")) yield return s;
                    if (bad)
                    {
                        // "I/O done. check for errors." (uvm_aobj.c 1.39.2.6): wake a waiter, leave the
                        // slot SWSLOT_BAD (uvm_swap_markbad() only of a real slot, `if (swslot > 0)`,
                        // as the model's markbad is the later text's), un-busy and free the page,
                        // unlock and return the error. The caller's fault fails (trap() signals the
                        // process), a loan skips the page, swapctl -d's uao_pagein_page() goes on.
                        k.Vm.PageQueueLock.Acquire(selfOf());
                        PageQueues.Unbusy(k, fresh);
                        PageQueues.Free(k, fresh);
                        k.Vm.PageQueueLock.Release(selfOf());
                        obj.Lock.Release(k, selfOf());
                        yield return Step.Ran("uao_get: I/O error, uvm_pagefree");
                        result.Value = null;
                        yield break;
                    }
                    fresh.Flags &= ~PageFlags.Fake;
                }
                else
                {
                    // uvm_pagezero() clears PG_CLEAN; uao-get-zero-keeps-clean forgets it.
                    fresh.Data = null;
                    fresh.Flags &= k.Config.Has(Switches.UaoGetZeroKeepsClean) ? ~PageFlags.Fake : ~(PageFlags.Fake | PageFlags.Clean);
                }
                result.Value = fresh;
                yield break;
            }
            foreach (var s in Locks.Take(obj.Lock, selfOf, "uao_get", "relock")) yield return s;
        }
    }

    /// <summary>
    /// uao_detach() → uao_detach_locked(): drop a reference. The last one takes the object off
    /// uao_list and walks its pages: each loses its mappings, an idle one is freed with its slot,
    /// a busy one is waited for ("uao_det") and the walk starts again; then uao_free() frees the
    /// remaining slots (pages only in swap). Ends with a step.
    /// </summary>
    internal static IEnumerable<Step> Detach(Kernel k, KernelThread self, AObj obj, string function)
    {
        foreach (var s in Locks.Take(obj.Lock, self, function)) yield return s;
        foreach (var s in DetachLocked(k, self, obj, function)) yield return s;
    }

    /// <summary>uao_detach_locked(): as <see cref="Detach"/>, entered with vmobjlock held.</summary>
    internal static IEnumerable<Step> DetachLocked(Kernel k, KernelThread self, AObj obj, string function)
    {
        obj.Refs--;
        if (obj.Refs > 0)
        {
            obj.Lock.Release(k, self);
            yield return Step.Ran(function);
            yield break;
        }
        k.Vm.UaoListLock.Acquire(self); // LIST_REMOVE(aobj, u_list) under uao_list_lock
        obj.OnList = false;
        k.Vm.UaoListLock.Release(self);
        // uvm_aobj.c 1.39.2.6: "while ((pg = TAILQ_FIRST(&uobj->memq)) != NULL) {
        // pmap_page_protect(pg, VM_PROT_NONE); if (pg->flags & PG_BUSY) { pg->flags |= PG_WANTED;
        // uvm_unlock_pageq(); UVM_UNLOCK_AND_WAIT(pg, &uobj->vmobjlock, FALSE, "uao_det", 0);
        // simple_lock(&uobj->vmobjlock); uvm_lock_pageq(); continue; } uao_dropswap(...);
        // uvm_pagefree(pg); }": the idle pages ahead of a busy one are freed, with their slots,
        // before the sleep (memq is in insertion order; the model walks the pages by offset).
        k.Vm.PageQueueLock.Acquire(self);
        while (FirstPage(obj) is { } pg)
        {
            Pmap.PageProtectNone(k, pg);
            if (pg.Busy)
            {
                if (!k.Config.Has(Switches.UaoDetachSleepsWithoutWanted)) PageQueues.Want(pg); // uao-detach-sleeps-without-wanted
                k.Vm.PageQueueLock.Release(self);
                obj.Lock.Release(k, self);
                yield return Step.Sleep("uao_detach: page busy (uao_det)", pg.Channel);
                foreach (var s in Locks.Take(obj.Lock, self, "uao_detach: relock")) yield return s;
                k.Vm.PageQueueLock.Acquire(self);
                continue;
            }
            DropSwap(k, self, obj, pg.Index);
            PageQueues.Free(k, pg);
        }
        k.Vm.PageQueueLock.Release(self);
        // uao_free(): the slots of pages only in swap.
        for (int i = 0; i < obj.Size; i++) DropSwapOfAbsentPage(k, self, obj, i);
        k.Vm.AObjList.Remove(obj);
        obj.Free("uao_free");
        obj.Lock.Release(k, self);
        yield return Step.Ran($"{function} → uao_free");
    }

    private static Page? FirstPage(AObj obj)
    {
        for (int i = 0; i < obj.Size; i++)
            if (obj.PageAt(i) is { } p) return p;
        return null;
    }
}
