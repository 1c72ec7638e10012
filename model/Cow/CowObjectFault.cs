using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Cow;

/// <summary>
/// Case 2 of uvm_fault() with a uobj under a private (copy-on-write) entry: a vnode mapped
/// MAP_PRIVATE (uvm_fault.c rev 1.69, "Case2:"; docs/fidelity-fault.md). With the map and the amap
/// (if any) locked and the amap slot empty, the object is locked and pgo_get(PGO_LOCKED) takes a
/// resident idle page. Otherwise uvmfault_unlockall() drops map and amap, the sleeping pgo_get
/// (genfs_getpages, model/Pager/VnodePager.cs) brings the page in and returns it busy with the
/// object unlocked, uvm_pageactivate(), then uvmfault_relock() and amap_lock and vmobjlock: a
/// moved timestamp or a slot filled meanwhile un-busies the page and ReFaults. A read fault is
/// case 2A: the object page is mapped read-only (enter_prot &amp;= ~VM_PROT_WRITE on a
/// copy-on-write entry). A write fault promotes (case 2B): a new anon and page, uvm_pagecopy(),
/// the object page un-busied and the object unlocked, amap_add(), the anon's page mapped. Left
/// out: a write fault on a shared mapping (MAP_SHARED has no amap here: VnodePager.Fault), loaned
/// object pages, PG_RELEASED of file pages (no truncation), pgo_get errors and EAGAIN.
/// </summary>
public static class CowObjectFault
{
    /// <summary>Entered with the map and <paramref name="amap"/> (if any) locked; <paramref name="done"/> false means ReFault. Ends with nothing locked.</summary>
    internal static IEnumerable<Step> Fault(Kernel k, KernelThread self, CowSpace space, Amap? amap, int page, bool write, CowFault.Lookup at, Out<bool> done)
    {
        var uobj = space.Uobj!;
        foreach (var s in Locks.Take(uobj.Lock, self, "uvm_fault: simple_lock(vmobjlock)")) yield return s;
        Page upage;
        if (uobj.PageAt(page) is { Busy: false } resident)
        {
            PageQueues.Busy(resident, "uvn_get (PGO_LOCKED)");
            upage = resident;
        }
        else
        {
            amap?.Lock.Release(k, self); // uvmfault_unlockall(&ufi, amap, NULL, NULL): uobj stays locked
            space.Lock.Release(k, self);
            var got = new Out<Page>();
            foreach (var s in VnodePager.Get(k, self, uobj, page, got)) yield return s;
            upage = got.Value!;
            uobj.Lock.Release(k, self); // pgo_get returns with the object unlocked
            k.Vm.PageQueueLock.Acquire(self);
            PageQueues.Activate(k, upage);
            k.Vm.PageQueueLock.Release(self);
            yield return Step.Ran("uvm_fault: pgo_get, uvm_pageactivate");
            foreach (var s in Locks.Take(space.Lock, self, "uvmfault_relock: vm_map_lock_read")) yield return s;
            bool locked = space.Timestamp == at.Stamp || k.Config.Has(Switches.ObjectFaultIgnoresRelock);
            if (!locked) space.Lock.Release(k, self);
            if (locked && amap is not null) foreach (var s in Locks.Take(amap.Lock, self, "uvm_fault: amap_lock")) yield return s;
            foreach (var s in Locks.Take(uobj.Lock, self, "uvm_fault: simple_lock(vmobjlock)")) yield return s;
            if (locked && amap?.Lookup(space.SlotOf(page)) is not null && !k.Config.Has(Switches.PromoteSkipsSlotRecheck))
            {
                amap.Lock.Release(k, self);
                space.Lock.Release(k, self);
                locked = false;
            }
            if (!locked)
            {
                PageQueues.UnbusyOwned(k, upage, "uvm_fault");
                uobj.Lock.Release(k, self);
                yield return Step.Ran("uvm_fault: case 2, relock failed, ReFault");
                yield break;
            }
        }
        if (!write)
        {
            // Case 2A: map the object page, read-only on a copy-on-write entry (uvm_fault.c, "we are
            // not promoting": if (UVM_ET_ISCOPYONWRITE(ufi.entry)) enter_prot &= ~VM_PROT_WRITE;
            // cow-object-fault-maps-writable skips the cap and keeps the entry's protection).
            space.EnterObject(page, upage, writable: at.EntryWritable && k.Config.Has(Switches.CowObjectFaultMapsWritable));
            // A page the process had its own anon for and now finds in the object lost its data;
            // the object's page is not the process's own (a MAP_SHARED writer may change it), so no
            // expectation is kept for it.
            space.Sees(k, self, page, upage);
            space.ForgetView(page);
            upage.Referenced = true;
            k.Vm.PageQueueLock.Acquire(self);
            PageQueues.Activate(k, upage);
            k.Vm.PageQueueLock.Release(self);
            PageQueues.UnbusyOwned(k, upage, "uvm_fault");
            UnlockAll(k, self, space, amap, uobj);
            done.Value = true;
            yield return Step.Ran("uvm_fault: case 2A, object page");
            yield break;
        }
        // Case 2B, promote: uvm_analloc() + uvm_pagealloc(); none: un-busy, unlockall, uvm_wait("flt_noram5").
        if (PageQueues.Alloc(k) is not { } fresh)
        {
            PageQueues.UnbusyOwned(k, upage, "uvm_fault");
            UnlockAll(k, self, space, amap, uobj);
            if (Pageout.OutOfSwap(k))
            {
                done.Value = true;
                at.Fail();
                yield return Pageout.OutOfSwapStep;
                yield break;
            }
            yield return Pageout.Wait(k, "flt_noram5");
            yield break;
        }
        // uvm_pagecopy(uobjpage, pg): the copy is dirty. It is meant to hold the object's data at the
        // offset the fault names, whatever page the fault ended up copying.
        var anon = AnonPager.New(k, self, fresh, upage.Data, uobj.Written(page));
        PageQueues.UnbusyOwned(k, upage, "uvm_fault"); // the object page stays in the object
        uobj.Lock.Release(k, self);
        amap!.Add(space.SlotOf(page), anon, replace: false);
        fresh.BusyOwner = "uvm_fault";
        space.Enter(page, anon, fresh, at.EntryWritable, at.Wired);
        var seen = space.Seen(self, page, upage); // the promote copies the object's page: see case 2A
        var step = Uvm.Model.Fault.Finish(k, self, fresh, anon.Lock, write: true, "uvm_fault: case 2B, promote object page", store: at.Store);
        CowSpace.Report(k, seen);
        space.Saw(page, fresh.Data);
        amap.Lock.Release(k, self);
        space.Lock.Release(k, self);
        done.Value = true;
        yield return step;
    }

    /// <summary>uvmfault_unlockall(&amp;ufi, amap, uobj, NULL).</summary>
    private static void UnlockAll(Kernel k, KernelThread self, CowSpace space, Amap? amap, AObj uobj)
    {
        uobj.Lock.Release(k, self);
        amap?.Lock.Release(k, self);
        space.Lock.Release(k, self);
    }
}
