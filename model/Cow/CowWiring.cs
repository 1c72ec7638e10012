using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Cow;

/// <summary>
/// Wiring a copy-on-write process's private anonymous entry: mlock() and munlock() through
/// uvm_map_pageable(), the writers' wait on a busy map in vm_map_lock(), uvm_map_entry_unwire() and
/// uvm_fault_unwire_locked(), and fork()'s amap_cow_now() for a wired entry. No 2002-05 text of
/// uvm_map.c, uvm_fault.c or uvm_amap.c is stored: the paths follow uvm_map.c 1.69 (1999) and
/// 1.222 (2006), which agree on each of them, with uvm_map.h's lock macros (the same in 1999 and
/// 2006) and uvm_page_i.h 1.25 (2005); where the texts differ the default takes the later one and
/// a switch of kind Historical runs the earlier (<see cref="Switches.WireFaultUsesEntryProtection"/>,
/// <see cref="Switches.CowNowPanicsOnCopiedAnon"/>). NetBSD's machmem.c 1.1 (2004-05) already
/// passes VM_FAULT_WIREMAX, the later text's wiring fault. Reading notes: docs/fidelity.md, "Wiring".
/// </summary>
public static class CowWiring
{
    /// <summary>
    /// vm_map_lock(): while the map is VM_MAP_BUSY, set VM_MAP_WANTLOCK and sleep on &amp;map->flags
    /// ("vmmapbsy"), then try again; lockmgr(LK_EXCLUSIVE|LK_SLEEPFAIL) fails after any sleep in it,
    /// so the busy flag is tested again after every wait. The model's map lock is exclusive and pass
    /// 2 of uvm_map_pageable() runs without it (its faults take it as readers do), so a writer that
    /// finds the flag after taking the lock drops it in the same step: the same states as testing
    /// first. vm_map_lock_read() ignores the flag (uvm_map.h: "other threads attempting to
    /// write-lock wait for this flag to clear").
    /// </summary>
    internal static IEnumerable<Step> LockWrite(Kernel k, KernelThread self, CowSpace space, string function)
    {
        while (true)
        {
            foreach (var s in Locks.Take(space.Lock, self, function)) yield return s;
            if (!space.Busy) yield break;
            space.Lock.Release(k, self);
            space.BusyWanted = true;
            yield return Step.Sleep($"{function}: vmmapbsy", space.BusyChannel);
        }
    }

    /// <summary>
    /// sys_mlock() of the whole entry → uvm_map_pageable(map, start, end, FALSE, 0). Pass 1 under
    /// the write lock: an entry not yet wired gets its amap now (amap_copy() of a needs-copy entry,
    /// or a new one: "perform actions of vm_map_lookup that need the write lock"), and wired_count++.
    /// Then vm_map_busy() and vm_map_downgrade(); pass 2 wires the pages with uvm_fault_wire() (one
    /// VM_FAULT_WIREMAX fault per page) if this call made the count 1; then vm_map_unbusy() (waking
    /// a writer that waits) and vm_map_unlock_read(). No entry: ENOMEM. A wiring fault fails on a
    /// slot a failed pageout marked bad (EIO) or with swap full of swap-only pages (ENOMEM):
    /// uvm_fault_wire() then unwires the pages it wired ("if (va != start) uvm_fault_unwire(map,
    /// start, va)") and uvm_map_pageable() takes the write lock back (vm_map_upgrade()),
    /// vm_map_unbusy()s, drops the entry's wired_count and returns the error (uvm_map.c 1.69,
    /// "wiring failed. break out of the loop. we'll clean up the map below").
    /// </summary>
    internal static IEnumerable<Step> Wire(Kernel k, KernelThread self, CowSpace space)
    {
        foreach (var s in LockWrite(k, self, space, "uvm_map_pageable: vm_map_lock")) yield return s;
        if (!space.EntryMapped)
        {
            space.UnlockChanged(k, self);
            yield return Step.Ran("uvm_map_pageable: ENOMEM");
            yield break;
        }
        if (space.WiredCount == 0 && (space.NeedsCopy || space.Amap is null))
            foreach (var s in AmapOps.Copy(k, self, space, waitOk: true)) yield return s; // amap_copy(map, entry, M_WAITOK, TRUE, start, end)
        int count = ++space.WiredCount;
        space.Busy = true;
        space.BusyOwner = self;
        // vm_map_downgrade(): the lock becomes shared, which the model's exclusive lock cannot be;
        // it is dropped and VM_MAP_BUSY keeps writers out, as the shared lock does. The timestamp
        // moved at vm_map_lock() (uvm_map.h: timestamp++ once the exclusive lock is held).
        space.UnlockChanged(k, self);
        yield return Step.Ran("uvm_map_pageable: wired_count++, vm_map_busy, vm_map_downgrade");
        var failed = new Out<bool>();
        int page = space.EntryStart; // the page being wired: on a failure, the one whose fault failed
        if (count == 1 && !k.Config.Has(Switches.MapPageableSkipsWirePass)) // map-pageable-skips-wire-pass
            for (; page < space.EntryEnd; page++)
            {
                foreach (var s in CowFault.Touch(k, self, space, page, write: false, wire: true, failed)) yield return s;
                if (failed.Value) break;
            }
        if (failed.Value)
        {
            // uvm_fault_wire(): uvm_fault_unwire(map, start, va) of the pages wired before the one
            // that failed, the entry still wired: its loop pmap_unwire()s only "if the entry is no
            // longer wired", so the mappings stay wired (the default unwires them below).
            bool text = k.Config.Has(Switches.WireFailureLeavesPmapWired);
            UnwirePages(k, self, space, space.EntryStart, page, pmapUnwire: false);
            // uvm_map_pageable(): vm_map_upgrade(), vm_map_unbusy(), wired_count--, vm_map_unlock().
            foreach (var s in Locks.Take(space.Lock, self, "uvm_map_pageable: vm_map_upgrade")) yield return s;
            Unbusy(k, space);
            space.WiredCount--;
            // vm_map_upgrade() and vm_map_unlock() leave the timestamp alone (uvm_map.h), so a fault
            // that slept relocks (wire-failure-leaves-pmap-wired). The default moves it, so that such
            // a fault looks the entry up again, and unwires every wired mapping of the entry, no
            // longer wired: the pages pass 2 wired, and any page another LWP's fault during pass 2
            // entered PMAP_WIRED (without uvm_pagewire()).
            if (text) space.Lock.Release(k, self);
            else
            {
                for (int p = 0; p < space.Pages; p++)
                    if (space.MappedWired(p)) space.Unwire(p);
                space.UnlockChanged(k, self);
            }
            yield return Step.Ran("uvm_map_pageable: wiring failed, wired_count--");
            yield break;
        }
        Unbusy(k, space);
        yield return Step.Ran("uvm_map_pageable: vm_map_unbusy, vm_map_unlock_read");
    }

    /// <summary>vm_map_unbusy(): clear VM_MAP_BUSY and VM_MAP_WANTLOCK; wake &amp;map->flags if a writer wanted the lock.</summary>
    private static void Unbusy(Kernel k, CowSpace space)
    {
        bool wanted = space.BusyWanted;
        space.Busy = false;
        space.BusyOwner = null;
        space.BusyWanted = false;
        if (wanted && !k.Config.Has(Switches.MapUnbusySkipsWakeup)) k.SleepQueues.Wakeup(space.BusyChannel); // map-unbusy-skips-wakeup
    }

    /// <summary>
    /// sys_munlock() of the whole entry → uvm_map_pageable(map, start, end, TRUE, 0): under the
    /// write lock, a range not wired is EINVAL; else uvm_map_entry_unwire() ("a single munlock call
    /// unlocks a region, regardless of the number of mlock calls"), then vm_map_unlock().
    /// </summary>
    internal static IEnumerable<Step> Unwire(Kernel k, KernelThread self, CowSpace space)
    {
        foreach (var s in LockWrite(k, self, space, "uvm_map_pageable: vm_map_lock")) yield return s;
        if (!space.EntryMapped || space.WiredCount == 0)
        {
            space.UnlockChanged(k, self);
            yield return Step.Ran(space.EntryMapped ? "uvm_map_pageable: EINVAL (not wired)" : "uvm_map_pageable: ENOMEM");
            yield break;
        }
        UnwireEntry(k, self, space);
        space.UnlockChanged(k, self);
        yield return Step.Ran("uvm_map_pageable: uvm_map_entry_unwire");
    }

    /// <summary>
    /// uvm_map_entry_unwire(): wired_count = 0 and uvm_fault_unwire_locked() of the entry, map
    /// write-locked: under uvm.pageqlock, per page, pmap_extract() (no mapping: "unwiring non-wired
    /// memory", uvm_fault.c 1.69, as for the u-areas), pmap_unwire() and uvm_pageunwire(). Also
    /// uvm_unmap_remove()'s first act on a wired entry, before pmap_remove() ("unwire before removing
    /// addresses from the pmap").
    /// </summary>
    internal static void UnwireEntry(Kernel k, KernelThread self, CowSpace space)
    {
        space.WiredCount = 0;
        UnwirePages(k, self, space, space.EntryStart, space.EntryEnd);
    }

    /// <summary>
    /// uvm_unmap_remove()'s uvm_map_entry_unwire() of the part [<paramref name="start"/>,
    /// <paramref name="end"/>) a munmap() clipped off a wired entry: the clip copied wired_count
    /// to both parts (uvm_map_clip_end(): <c>*new_entry = *entry</c>), and the removed part's pages
    /// are unwired; the entry left stays wired.
    /// </summary>
    internal static void UnwireRange(Kernel k, KernelThread self, CowSpace space, int start, int end) =>
        UnwirePages(k, self, space, start, end);

    /// <summary>
    /// uvm_fault_unwire_locked() of pages [<paramref name="start"/>, <paramref name="end"/>), under
    /// uvm.pageqlock; without <paramref name="pmapUnwire"/> the mappings stay wired, as for an entry
    /// still counted wired (<c>if (VM_MAPENT_ISWIRED(entry) == 0) pmap_unwire(pmap, va)</c>).
    /// </summary>
    private static void UnwirePages(Kernel k, KernelThread self, CowSpace space, int start, int end, bool pmapUnwire = true)
    {
        k.Vm.PageQueueLock.Acquire(self);
        for (int page = start; page < end; page++)
        {
            var p = space.PmapEntry(page).Page; // pmap_extract()
            if (p is not null && pmapUnwire) space.Unwire(page);
            PageQueues.UnwireMapped(k, p, $"page {page} of {space}");
        }
        k.Vm.PageQueueLock.Release(self);
    }

    /// <summary>
    /// amap_cow_now(new_map, new_entry) at fork of a wired entry (uvmspace_fork(), the parent's map
    /// write-locked; the child's entry has just had its amap_copy()): every anon the child's amap
    /// shares (an_ref &gt; 1) is copied into a new anon for the child now, so that the parent's wired
    /// pages are never copied on write. Per slot, amap lock then an_lock: an anon with one
    /// reference was copied on an earlier pass (uvm_amap.c 1.82.16.2, 2007: "The new page might even
    /// have been paged out, since the new page is not wired"); a loaned page is left shared; a busy
    /// page: PG_WANTED, amap_unlock, UVM_UNLOCK_AND_WAIT(pg, &amp;an_lock, "cownow"), ReStart; no
    /// anon or page: uvm_wait("cownowpage"), ReStart (fork cannot fail: "XXXCDC"). Else copy,
    /// an_ref--, the slot takes the new anon, its page is activated (not wired) and un-busied.
    /// </summary>
    internal static IEnumerable<Step> CowNow(Kernel k, KernelThread self, CowSpace child, CowSpace parent)
    {
        var amap = child.Amap!;
        bool text1999 = k.Config.Has(Switches.CowNowPanicsOnCopiedAnon);
        ReStart:
        foreach (var s in Locks.Take(amap.Lock, self, "amap_cow_now: amap_lock")) yield return s;
        for (int slot = 0; slot < amap.Slots; slot++)
        {
            if (amap.Lookup(slot) is not { } anon) continue;
            foreach (var s in Locks.Take(anon.Lock, self, "amap_cow_now: simple_lock(an_lock)")) yield return s;
            if (!text1999 && anon.RefCount == 1)
            {
                anon.Lock.Release(k, self);
                continue;
            }
            // 1999: "page must be resident since parent is wired", tested before an_ref; 2007: KASSERT(pg != NULL).
            if (anon.Page is not { } pg)
                throw new KernelPanicException("amap_cow_now", $"non-resident wired page in anon {anon}");
            if (anon.RefCount == 1 || pg.LoanCount != 0)
            {
                anon.Lock.Release(k, self);
                continue;
            }
            if (pg.Busy)
            {
                PageQueues.Want(pg);
                amap.Lock.Release(k, self);
                anon.Lock.Release(k, self);
                yield return Step.Sleep("amap_cow_now: cownow (page busy)", pg.Channel);
                goto ReStart;
            }
            if (PageQueues.Alloc(k) is not { } npg)
            {
                anon.Lock.Release(k, self);
                amap.Lock.Release(k, self);
                yield return Pageout.Wait(k, "cownowpage");
                goto ReStart;
            }
            var nanon = AnonPager.New(k, self, npg, pg.Data, anon.Written); // uvm_pagecopy(pg, npg): meant to hold the shared anon's data
            anon.RefCount--; // can't drop to zero
            amap.Add(slot, nanon, replace: true);
            child.InheritViewAt(parent, child.EntryStart + slot - child.AmapOffset); // the child's memory here is the parent's now, stores of its other LWPs since the fork began included
            k.Vm.PageQueueLock.Acquire(self);
            PageQueues.Unbusy(k, npg);
            PageQueues.Activate(k, npg);
            k.Vm.PageQueueLock.Release(self);
            nanon.Lock.Release(k, self);
            anon.Lock.Release(k, self);
        }
        amap.Lock.Release(k, self);
    }
}
