using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Cow;

/// <summary>
/// The map operations that race a fault (uvm_map.c, 2003): uvmspace_fork()'s MAP_INHERIT_COPY
/// case, uvm_unmap(), uvm_map_protect(), uvm_map_clean() (madvise) and uvmspace_free(). Each but
/// uvm_map_clean() (a reader) write-locks the map, and its vm_map_unlock() bumps the timestamp. uvm_unmap() drops the amap reference after the map is
/// unlocked (uvm_unmap_detach()); a munmap() of a head or a tail of the entry clips it first
/// (<see cref="UnmapRange"/>: amap_splitref(), and amap_unref() of the clipped part's range).
/// </summary>
public static class CowMapOps
{
    /// <summary>
    /// uvmspace_fork(): the child's entry shares the amap (amap_ref), both need a copy, the parent is
    /// write-protected. A wired parent entry (uvm_map.c 1.69 of 1999 and 1.222 of 2006 alike) is
    /// neither write-protected nor marked needs-copy: the child's entry gets its own amap now
    /// (amap_copy()) and amap_cow_now() copies every anon it shares (model/Cow/CowWiring.cs); the
    /// child's entry is not wired ("new pmap has nothing wired in it").
    /// </summary>
    internal static IEnumerable<Step> Fork(Kernel k, KernelThread self, CowSpace parent, CowSpace child)
    {
        foreach (var s in CowWiring.LockWrite(k, self, parent, "uvmspace_fork: vm_map_lock(old_map)")) yield return s;
        bool wired = false;
        if (parent.EntryMapped)
        {
            // uvm_map_reference_amap(new_entry, 0): amap_ref(amap, ar_pageoff, len, 0)
            if (parent.Amap is { } amap)
                foreach (var s in AmapOps.Ref(k, self, amap, parent.AmapOffset, parent.EntryPages)) yield return s;
            child.EntryStart = parent.EntryStart; // uvm_mapent_copy(old_entry, new_entry)
            child.EntryEnd = parent.EntryEnd;
            child.AmapOffset = parent.AmapOffset;
            child.Amap = parent.Amap;
            child.InheritView(parent);
            child.Uobj = parent.Uobj; // uvm_map_reference of the entry's object (pgo_reference)
            child.EntryWritable = parent.EntryWritable;
            child.NeedsCopy = !k.Config.Has(Switches.ForkSkipsChildNeedsCopy); // fork-skips-child-needs-copy
            if (parent.WiredCount > 0)
            {
                wired = true;
                if (child.Amap is not null)
                {
                    child.Forming = true;
                    foreach (var s in AmapOps.Copy(k, self, child, waitOk: true)) yield return s; // amap_copy(new_map, new_entry, M_WAITOK, FALSE, 0, 0)
                    foreach (var s in CowWiring.CowNow(k, self, child, parent)) yield return s;
                    child.Forming = false;
                }
            }
            else if (parent.Amap is not null && !parent.NeedsCopy)
            {
                // "we must write-protect the parent if it has an amap and it is not already
                // needs_copy... if it is already needs_copy then the parent has already been
                // write-protected by a previous fork operation" (uvm_map.c 1.34 uvmspace_fork; the
                // same in 1.222): a second fork, or a fork before the first fault, protects nothing.
                parent.NeedsCopy = true;
                // fork-protects-after-unlock: done by fork1()'s next step instead (CowProcess.ForkChild).
                if (!k.Config.Has(Switches.ForkSkipsWriteProtect) && !k.Config.Has(Switches.ForkProtectsAfterUnlock))
                    parent.WriteProtectAll(); // pmap_protect(old_map->pmap, ..., prot & ~VM_PROT_WRITE)
            }
        }
        else child.EntryMapped = false;
        parent.UnlockChanged(k, self);
        yield return Step.Ran(wired ? "uvmspace_fork: MAP_INHERIT_COPY of a wired entry, amap_cow_now" : "uvmspace_fork: MAP_INHERIT_COPY, needs-copy");
    }

    /// <summary>uvm_unmap() of the entry (or uvmspace_free() at exit): pmap_remove, unlink, unlock, amap_unref.</summary>
    internal static IEnumerable<Step> Unmap(Kernel k, KernelThread self, CowSpace space, string function)
    {
        foreach (var s in CowWiring.LockWrite(k, self, space, $"{function}: vm_map_lock")) yield return s;
        foreach (var s in RemoveEntry(k, self, space, function)) yield return s;
    }

    /// <summary>uvm_unmap_remove() of the whole entry, the map write-locked; vm_map_unlock(); uvm_unmap_detach().</summary>
    private static IEnumerable<Step> RemoveEntry(Kernel k, KernelThread self, CowSpace space, string function)
    {
        var amap = space.EntryMapped ? space.Amap : null;
        // "unwire before removing addresses from the pmap" (uvm_unmap_remove(), 1999 and 2006 alike)
        if (space.EntryMapped && space.WiredCount > 0 && !k.Config.Has(Switches.UnmapSkipsUnwire)) CowWiring.UnwireEntry(k, self, space);
        space.EntryMapped = false;
        space.Amap = null;
        if (amap is not null) Detach(space, amap, space.AmapOffset, space.EntryPages);
        if (!k.Config.Has(Switches.UnmapSkipsPmapRemove)) space.RemoveAll(); // pmap_remove()
        Unlock(k, self, space);
        yield return Step.Ran($"{function}: uvm_unmap_remove");
        if (amap is not null)
            foreach (var s in UnmapDetach(k, self, space, amap, function)) yield return s;
    }

    /// <summary>uvm_unmap_remove() puts the entry on its dead-entry list: its amap reference and range go with it.</summary>
    private static void Detach(CowSpace space, Amap amap, int offset, int pages)
    {
        space.DetachedAmap = amap;
        space.DetachedOffset = offset;
        space.DetachedPages = pages;
    }

    /// <summary>uvm_unmap_detach(dead_entries, 0) after vm_map_unlock(): uvm_map_unreference_amap() → amap_unref(amap, ar_pageoff, len, 0).</summary>
    private static IEnumerable<Step> UnmapDetach(Kernel k, KernelThread self, CowSpace space, Amap amap, string function)
    {
        foreach (var s in AmapOps.Unref(k, self, amap, space.DetachedOffset, space.DetachedPages, space)) yield return s;
        space.DetachedAmap = null;
        yield return Step.Ran($"{function}: uvm_unmap_detach, amap_unref");
    }

    /// <summary>
    /// munmap() of pages [<paramref name="offset"/>, offset + <paramref name="pages"/>) of the
    /// space → uvm_unmap() (uvm_map.c 1.34 of 1999; uvm_unmap_remove() and uvm_unmap_detach() the
    /// same in the OpenBSD text of 2001 and uvm_map.c 1.222 of 2006). Under the write lock,
    /// uvm_unmap_remove() clips the entry at the range's edge: a range that ends inside the entry
    /// clips its start (uvm_map_clip_start(): the removed head is the new entry, which keeps
    /// ar_pageoff; the entry left gets ar_pageoff + the head's pages), one that starts inside it clips
    /// its end (uvm_map_clip_end(): the new entry is the removed tail). Each clip of an entry with an
    /// amap calls amap_splitref() (am_ref++ under am_l; ppref on the first split). The removed part
    /// is unwired if wired, pmap_remove()d and put on the dead-entry list; vm_map_unlock(); then
    /// uvm_unmap_detach()'s amap_unref() of its range, which wipes the slots no entry references any
    /// more (amap_pp_adjref, amap_wiperange) while the rest of the entry stays mapped and faultable.
    /// A range covering the whole entry is <see cref="Unmap"/>; one missing it unmaps nothing. The
    /// workload never asks for a range inside the entry (two entries left: not modelled).
    /// </summary>
    internal static IEnumerable<Step> UnmapRange(Kernel k, KernelThread self, CowSpace space, int offset, int pages)
    {
        foreach (var s in CowWiring.LockWrite(k, self, space, "uvm_unmap: vm_map_lock")) yield return s;
        int start = Math.Max(offset, space.EntryStart), end = Math.Min(offset + pages, space.EntryEnd);
        if (!space.EntryMapped || start >= end)
        {
            Unlock(k, self, space);
            yield return Step.Ran("uvm_unmap: nothing in the range");
            yield break;
        }
        if (start <= space.EntryStart && end >= space.EntryEnd)
        {
            foreach (var s in RemoveEntry(k, self, space, "uvm_unmap")) yield return s; // no clip: the whole entry goes
            yield break;
        }
        if (start > space.EntryStart && end < space.EntryEnd)
            throw new InvalidOperationException($"munmap() of pages {start}..{end - 1} inside the entry of {space}: two entries are not modelled");
        var amap = space.Amap;
        bool tail = start > space.EntryStart;
        int leftSlots = (tail ? start : end) - space.EntryStart;
        var split = new Out<int>();
        if (amap is not null)
            foreach (var s in AmapOps.SplitRef(k, self, amap, space.AmapOffset, leftSlots, split)) yield return s;
        // uvm_unmap_remove() of the clipped-off part: unwire, pmap_remove, unlink onto the dead list.
        if (space.WiredCount > 0 && !k.Config.Has(Switches.UnmapSkipsUnwire)) CowWiring.UnwireRange(k, self, space, start, end);
        if (amap is not null) Detach(space, amap, tail ? split.Value : space.AmapOffset, end - start);
        if (tail) space.EntryEnd = start; // uvm_map_clip_end(): entry->end = start
        else
        {
            space.EntryStart = end; // uvm_map_clip_start(): entry->start = end, its aref the split one
            if (amap is not null) space.AmapOffset = split.Value;
        }
        if (!k.Config.Has(Switches.UnmapSkipsPmapRemove))
            for (int p = start; p < end; p++) space.RemoveMapping(p); // pmap_remove(map->pmap, entry->start, entry->end)
        Unlock(k, self, space);
        yield return Step.Ran(tail ? "uvm_unmap: uvm_map_clip_end, uvm_unmap_remove" : "uvm_unmap: uvm_map_clip_start, uvm_unmap_remove");
        if (amap is not null)
            foreach (var s in UnmapDetach(k, self, space, amap, "uvm_unmap")) yield return s;
    }

    /// <summary>
    /// uvm_map_protect(PROT_READ), or with <paramref name="writable"/> PROT_READ|PROT_WRITE: entry
    /// protection and pmap_protect(), under the map's write lock. A copy-on-write entry's pmap
    /// protection never gains VM_PROT_WRITE (<c>current-&gt;protection &amp; MASK(entry)</c>): a write
    /// faults first. pmap_protect() is called only when the protection changes
    /// (<c>if (current-&gt;protection != old_prot)</c>, uvm_map.c 1.34 of 1999 and 1.335 of 2015
    /// alike), and it only takes permissions away: giving writing back leaves the pmap as it is.
    /// </summary>
    internal static IEnumerable<Step> Protect(Kernel k, KernelThread self, CowSpace space, bool writable = false)
    {
        var locking = k.Config.Has(Switches.ProtectIgnoresMapBusy) // protect-ignores-map-busy
            ? Locks.Take(space.Lock, self, "uvm_map_protect: vm_map_lock")
            : CowWiring.LockWrite(k, self, space, "uvm_map_protect: vm_map_lock");
        foreach (var s in locking) yield return s;
        bool takesWrite = space.EntryWritable && !writable;
        space.EntryWritable = writable;
        if (takesWrite && !k.Config.Has(Switches.ProtectSkipsPmapProtect)) space.WriteProtectAll(); // protect-skips-pmap-protect
        Unlock(k, self, space);
        yield return Step.Ran(writable ? "uvm_map_protect: PROT_WRITE given back" : "uvm_map_protect");
    }

    /// <summary>
    /// sys_madvise(MADV_DONTNEED or MADV_FREE) of the whole entry → uvm_map_clean(map, start, end,
    /// PGO_DEACTIVATE or PGO_FREE) (uvm_mmap.c 1.55 of 2001 and 1.153 of 2015 pass those flags): PGO_FREE
    /// of a wired entry fails with EBUSY in the first pass (1.222 of 2006, 1.263.4.3 of 2009), then its
    /// amap layer (uvm_map.c; no 2002-05 text is stored, the loop is the same in 1.86 of 2000 as
    /// OpenBSD keeps it and in 1.263.4.3 of 2009): vm_map_lock_read, then per slot an_lock and the
    /// anon's page. PGO_DEACTIVATE, and PGO_FREE while the amap is shared (amap_refs(amap) &gt; 1),
    /// deactivate the page unless it is loaned or wired, or only loaned to the anon (not PQ_ANON).
    /// The default skips a busy page, as 1.330.2.1 (2015) does; the texts before did not
    /// (<see cref="Switches.MapCleanDeactivatesBusy"/>). PGO_FREE of an unshared amap skips a wired page,
    /// else amap_unadd(), --an_ref, simple_unlock, and uvm_anfree() at 0 (which removes every mapping
    /// of the page and marks a busy one PG_RELEASED). The default also pmap_remove()s the caller's
    /// mapping of each page it takes out of the amap; the texts never do
    /// (<see cref="Switches.MadvFreeKeepsMapping"/>). Nothing sleeps but the lock waits and
    /// uvm_anfree()'s, so the rest is one step. The amap lock is taken as in 2009 (am_l; 2000 took
    /// none: under the big lock no other path runs in the loop either way). Left out: the object
    /// layer (pgo_flush of a file under the entry: never PGO_FREE for a copy-on-write entry,
    /// PGO_DEACTIVATE of its pages not modelled).
    /// </summary>
    internal static IEnumerable<Step> Clean(Kernel k, KernelThread self, CowSpace space, bool free)
    {
        foreach (var s in Locks.Take(space.Lock, self, "uvm_map_clean: vm_map_lock_read")) yield return s;
        // The first pass: "if ((flags & PGO_FREE) != 0 && VM_MAPENT_ISWIRED(entry)) { vm_map_unlock_read(map);
        // return EBUSY; }" (uvm_map.c 1.222 of 2006 and 1.263.4.3 of 2009; not in the 1.86 text OpenBSD keeps).
        if (free && space.EntryMapped && space.WiredCount > 0)
        {
            space.Lock.Release(k, self);
            yield return Step.Ran("uvm_map_clean: EBUSY (wired entry)");
            yield break;
        }
        if (!space.EntryMapped || space.Amap is not { } amap)
        {
            // No entry: uvm_map_lookup_entry() fails, EFAULT. No amap: nothing in the amap layer.
            space.Lock.Release(k, self);
            yield return Step.Ran(space.EntryMapped ? "uvm_map_clean: no amap" : "uvm_map_clean: EFAULT");
            yield break;
        }
        foreach (var s in Locks.Take(amap.Lock, self, "uvm_map_clean: amap_lock")) yield return s;
        for (int page = space.EntryStart; page < space.EntryEnd; page++)
        {
            int slot = space.SlotOf(page);
            if (amap.Lookup(slot) is not { } anon) continue;
            foreach (var s in Locks.Take(anon.Lock, self, "uvm_map_clean: simple_lock(an_lock)")) yield return s;
            if (anon.Page is not { } pg)
            {
                anon.Lock.Release(k, self);
                continue;
            }
            // map-clean-deactivates-busy: the 2003-04 loop goes on with a busy page (a pageout or a
            // page-in holds it); uvm_map.c 1.330.2.1 (2015) skips it: "if (pg->flags & PG_BUSY) continue;".
            if (pg.Busy && !k.Config.Has(Switches.MapCleanDeactivatesBusy))
            {
                anon.Lock.Release(k, self);
                continue;
            }
            if (free && amap.Ref == 1)
            {
                if (pg.WireCount != 0)
                {
                    anon.Lock.Release(k, self); // "XXX skip the page if it's wired"
                    continue;
                }
                // madv-free-keeps-mapping: the texts take the anon out of the amap and leave the
                // caller's pmap mapping it (no pmap call; uvm_anfree() removes the mappings only
                // when refs reach 0); the default removes it first, the rule uvm_loan.c states where
                // it takes an anon out of an amap ("we should not leave the mapping of the oanon page").
                if (!k.Config.Has(Switches.MadvFreeKeepsMapping)) space.RemoveMapping(page); // pmap_remove()
                amap.Unadd(slot); // amap_unadd(&current->aref, offset)
                space.ForgetView(page); // MADV_FREE: the process gave the data up
                int refs = --anon.RefCount;
                anon.Lock.Release(k, self);
                if (refs == 0)
                {
                    // "refs = --anon->an_ref; simple_unlock(&anon->an_lock); if (refs == 0)
                    // uvm_anfree(anon);": the unlock ends a step, as in amap_wipeout(), and
                    // another path may take the dying anon's an_lock before uvm_anfree() does.
                    yield return Step.Ran("uvm_map_clean: an_ref--, simple_unlock(an_lock)");
                    foreach (var s in AnonPager.FreeUnlocked(k, self, anon)) yield return s;
                }
                continue;
            }
            // deactivate_it: "skip the page if it's loaned or wired"
            if (pg.LoanCount != 0 || pg.WireCount != 0)
            {
                anon.Lock.Release(k, self);
                continue;
            }
            k.Vm.PageQueueLock.Acquire(self);
            // "skip the page if it's not actually owned by the anon (may simply be loaned to the anon)"
            if (pg.PqAnon)
            {
                pg.Referenced = false; // pmap_clear_reference(pg)
                PageQueues.Deactivate(k, pg); // uvm_pagedeactivate(pg)
            }
            k.Vm.PageQueueLock.Release(self);
            anon.Lock.Release(k, self);
        }
        amap.Lock.Release(k, self);
        space.Lock.Release(k, self); // vm_map_unlock_read: no change to the map, no timestamp bump
        yield return Step.Ran(free ? "uvm_map_clean: PGO_FREE" : "uvm_map_clean: PGO_DEACTIVATE");
    }

    private static void Unlock(Kernel k, KernelThread self, CowSpace space)
    {
        if (k.Config.Has(Switches.MapChangeSkipsTimestamp)) space.Lock.Release(k, self);
        else space.UnlockChanged(k, self);
    }
}
