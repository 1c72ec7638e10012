using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Cow;

/// <summary>
/// amap_copy(), amap_ref(), amap_unref() and amap_wipeout() (uvm_amap.c). The control flow follows
/// the stored rev 1.112 (2020), whose amap_copy() keeps the 2003 order: the unlocked am_ref == 1
/// take-over, then am_l, the re-check, and the slot copy. The locks are the 2003 ones: amap and
/// anon each have their own simple lock, and amap_copy() takes each anon's an_lock around its
/// an_ref++ (later revisions share the amap's lock with its anons). Spin locks never sleep, so
/// each function is one step once its locks are taken.
/// </summary>
public static class AmapOps
{
    /// <summary>amap_alloc(): a new, empty amap with am_ref 1.</summary>
    internal static Amap Alloc(Kernel k, int slots) => new(k.Vm.NextAmapId++, slots, k.Versions, k);

    /// <summary>
    /// amap_copy(map, entry, waitf, ...) with the map write-locked: clear needs-copy, copying the
    /// amap if another entry still references it. An entry with no amap gets a new blank one.
    /// With <paramref name="waitOk"/> (M_WAITOK: uvmspace_fork() and uvm_map_pageable(); the fault's
    /// uvmfault_amapcopy() passes M_NOWAIT) the allocation, amap_alloc() or amap_alloc1()'s
    /// pool_get(&amp;uvm_amap_pool, PR_WAITOK) and malloc(), may sleep: the step ends there, after the unlocked am_ref test and before am_l,
    /// so other paths run between the test and its re-check under the lock.
    /// </summary>
    internal static IEnumerable<Step> Copy(Kernel k, KernelThread self, CowSpace space, bool waitOk)
    {
        if (space.Amap is not { } src)
        {
            if (waitOk)
            {
                self.MaySleep();
                yield return Step.Ran("amap_copy: amap_alloc (M_WAITOK)");
            }
            space.Amap = Alloc(k, space.EntryPages); // amap_alloc(entry->end - entry->start, ...)
            space.AmapOffset = 0;
            space.NeedsCopy = false;
            yield break;
        }
        if (src.RefUnlocked == 1)
        {
            space.NeedsCopy = false; // unlocked read: only our locked map can hold the last reference
            yield break;
        }
        if (waitOk)
        {
            self.MaySleep();
            yield return Step.Ran("amap_copy: amap_alloc1 (M_WAITOK)");
        }
        int slots = space.EntryPages, off = space.AmapOffset; // AMAP_B2SLOT(slots, entry->end - entry->start)
        var amap = Alloc(k, slots);
        foreach (var s in Locks.Take(src.Lock, self, "amap_copy: amap_lock(srcamap)")) yield return s;
        if (src.Ref == 1)
        {
            space.NeedsCopy = false; // re-check under am_l: take it over, amap_free(amap)
            src.Lock.Release(k, self);
            yield break;
        }
        space.Amap = amap; // the map is write-locked: no fault sees the half-built amap
        space.AmapOffset = 0; // entry->aref.ar_pageoff = 0
        space.CopySource = src;
        space.CopySourceOffset = off;
        for (int lcv = 0; lcv < slots; lcv++)
        {
            // amap->am_anon[lcv] = srcamap->am_anon[entry->aref.ar_pageoff + lcv]
            if (src.Lookup(off + lcv) is not { } anon) continue;
            foreach (var s in Locks.Take(anon.Lock, self, "amap_copy: simple_lock(an_lock)")) yield return s;
            amap.AddWhileUnpublished(lcv, anon, countUsed: !k.Config.Has(Switches.AmapCopySkipsNused)); // the mutation skips am_nused++
            if (!k.Config.Has(Switches.AmapCopySkipsAnonRef)) anon.RefCount++;
            anon.Lock.Release(k, self);
        }
        if (!k.Config.Has(Switches.AmapCopySkipsSrcUnref)) src.Ref--; // amap-copy-skips-src-unref
        space.CopySource = null;
        // "if (srcamap->am_ppref && srcamap->am_ppref != PPREF_NONE) amap_pp_adjref(srcamap,
        // entry->aref.ar_pageoff, entry->end - entry->start, -1)" (1.20; the same in 1.82.16.2): a
        // run that drops to 0 is wiped here, under the map's write lock and am_l.
        if (src.HasPpref)
            foreach (var s in PpAdjRef(k, self, src, off, slots, -1)) yield return s;
        src.Lock.Release(k, self);
        space.NeedsCopy = false;
    }

    /// <summary>
    /// amap_splitref(origref, splitref, offset) from uvm_map_clip_start()/uvm_map_clip_end(), the
    /// map write-locked: the entry's reference is split at <paramref name="leftSlots"/> pages from
    /// its start; the right part's ar_pageoff is returned. Under am_l: "map size check failed"
    /// panic, amap_pp_establish() on the first split ("establish ppref before we add a duplicate
    /// reference to the amap"), am_ref++ ("not a share reference"). uvm_amap.c 1.20 (1999) and
    /// 1.82.16.2 (2007) differ only in amap_pp_establish()'s offset (<see cref="PpEstablish"/>).
    /// </summary>
    internal static IEnumerable<Step> SplitRef(Kernel k, KernelThread self, Amap amap, int origOffset, int leftSlots, Out<int> splitOffset)
    {
        if (leftSlots == 0) throw new KernelPanicException("amap_splitref", "split at zero offset");
        foreach (var s in Locks.Take(amap.Lock, self, "amap_splitref: amap_lock")) yield return s;
        if (amap.Slots - origOffset - leftSlots <= 0) throw new KernelPanicException("amap_splitref", $"map size check failed ({amap})");
        if (!amap.HasPpref && !k.Config.Has(Switches.SplitrefSkipsPpEstablish)) PpEstablish(amap, origOffset); // splitref-skips-pp-establish
        amap.Ref++;
        splitOffset.Value = origOffset + leftSlots;
        amap.Lock.Release(k, self);
    }

    /// <summary>
    /// amap_pp_establish(amap, offset), am_l held: a ppref array, the slots before
    /// <paramref name="offset"/> at 0 and the rest at am_ref (uvm_amap.c 1.82.16.2, 2007). 1.20
    /// (1999) and the OpenBSD copy of 1.27 (2000) take no offset and set every slot to am_ref; the
    /// model establishes ppref only where the entry starts at slot 0 or the amap is first split
    /// (every partial entry comes from a split), so the two agree on every state it reaches.
    /// </summary>
    internal static void PpEstablish(Amap amap, int offset)
    {
        amap.EstablishPpref();
        amap.SetRefLen(0, 0, offset);
        amap.SetRefLen(offset, amap.Ref, amap.Slots - offset);
    }

    /// <summary>
    /// amap_pp_adjref(amap, curslot, slotlen, adjval), map and amap locked: fragment the runs at
    /// both ends of the range, add <paramref name="adjval"/> to each run in it (merging it with the
    /// run before when their counts agree), and amap_wiperange() each run that drops to 0. The
    /// text of the OpenBSD copy of 1.27 (2000) and of 1.82.16.2 (2007); 1.20 (1999) does not merge.
    /// </summary>
    internal static IEnumerable<Step> PpAdjRef(Kernel k, KernelThread self, Amap amap, int curslot, int slotlen, int adjval)
    {
        int stopslot = curslot + slotlen, lcv, len = 0, prevlcv = 0, prevref, prevlen;
        for (lcv = 0; lcv < curslot; lcv += len)
        {
            (int r, len) = amap.GetRefLen(lcv);
            if (lcv + len > curslot) // goes past start?
            {
                amap.SetRefLen(lcv, r, curslot - lcv);
                amap.SetRefLen(curslot, r, len - (curslot - lcv));
                len = curslot - lcv;
            }
            prevlcv = lcv;
        }
        if (lcv != 0) (prevref, prevlen) = amap.GetRefLen(prevlcv);
        else (prevref, prevlen) = (-1, 0); // no previous chunk
        if (lcv != curslot) throw new KernelPanicException("amap_pp_adjref", "overshot target");
        for (; lcv < stopslot; lcv += len)
        {
            (int r, len) = amap.GetRefLen(lcv);
            if (lcv + len > stopslot) // goes past end?
            {
                amap.SetRefLen(lcv, r, stopslot - lcv);
                amap.SetRefLen(stopslot, r, len - (stopslot - lcv));
                len = stopslot - lcv;
            }
            r += adjval;
            if (r < 0) throw new KernelPanicException("amap_pp_adjref", $"negative reference count ({amap}, slot {lcv})");
            if (lcv == prevlcv + prevlen && r == prevref) amap.SetRefLen(prevlcv, r, prevlen + len);
            else amap.SetRefLen(lcv, r, len);
            if (r == 0)
                foreach (var s in WipeRange(k, self, amap, lcv, len)) yield return s;
        }
    }

    /// <summary>
    /// amap_wiperange(amap, slotoff, slots), map and amap locked: take each anon of the range out of
    /// the amap, an_ref-- under its an_lock, and uvm_anfree() it at 0 after the unlock (a step
    /// ends there, as in amap_wipeout()). It walks am_anon when the range is shorter than am_nused,
    /// else am_slots, which shrinks as anons leave (<c>stop--</c>, and the range's end in
    /// <c>slotend</c>: the OpenBSD copy of 1.27, 2000, and 1.82.16.2, 2007). 1.20 (1999) kept
    /// <c>stop = am_nused</c> and tested <c>curslot &gt;= stop</c> (<see cref="Switches.WiperangeSlotsWalk1999"/>).
    /// The text unadds the anon before it takes its an_lock; the model takes the an_lock first (am_l
    /// is held throughout, so nobody else sees the slot in between), so that a wait for the an_lock
    /// never shows an anon counted by no slot.
    /// </summary>
    internal static IEnumerable<Step> WipeRange(Kernel k, KernelThread self, Amap amap, int slotoff, int slots)
    {
        bool text1999 = k.Config.Has(Switches.WiperangeSlotsWalk1999);
        bool byanon = slots < amap.NUsed;
        int lcv = byanon ? slotoff : 0, stop = byanon ? slotoff + slots : amap.NUsed, slotend = slotoff + slots;
        while (lcv < stop)
        {
            int curslot;
            if (byanon)
            {
                curslot = lcv++;
                if (amap.Lookup(curslot) is null) continue;
            }
            else if (text1999)
            {
                // 1.20: "for (; lcv < stop; lcv++) { curslot = amap->am_slots[lcv]; if (curslot < slotoff || curslot >= stop) continue; ..."
                curslot = amap.SlotInUse(lcv++);
                if (curslot < slotoff || curslot >= stop) continue;
                if (amap.Lookup(curslot) is null)
                    throw new KernelPanicException("amap_wiperange", $"a stale am_slots entry names the empty slot {curslot} of {amap}: simple_lock(&anon->an_lock) of a NULL anon");
            }
            else
            {
                curslot = amap.SlotInUse(lcv);
                if (curslot < slotoff || curslot >= slotend)
                {
                    lcv++;
                    continue;
                }
                stop--; // "drop stop, since anon will be removed"
            }
            var anon = amap.Lookup(curslot)!;
            foreach (var s in Locks.Take(anon.Lock, self, "amap_wiperange: simple_lock(an_lock)")) yield return s;
            amap.Unadd(curslot);
            int refs = --anon.RefCount;
            anon.Lock.Release(k, self);
            if (refs > 0) continue;
            // refs = --anon->an_ref; simple_unlock(&anon->an_lock); if (refs == 0) uvm_anfree(anon);
            yield return Step.Ran("amap_wiperange: an_ref--, simple_unlock(an_lock)");
            foreach (var s in AnonPager.FreeUnlocked(k, self, anon)) yield return s;
        }
    }

    /// <summary>
    /// amap_ref(amap, offset, len, 0) at fork (uvm_map_reference_amap(new_entry, 0)): under am_l,
    /// amap_pp_establish() if the entry covers less than the amap and no ppref exists, am_ref++, and
    /// amap_pp_adjref(+1) of the entry's slots if ppref exists (uvm_amap.c 1.82.16.2, 2007; the 2000
    /// text of uvm_amap_i.h 1.15 raises am_ref before amap_pp_establish(), which would count the
    /// entry twice, but the model never establishes ppref there: an entry shorter than its amap
    /// comes from amap_splitref(), which established it).
    /// </summary>
    internal static IEnumerable<Step> Ref(Kernel k, KernelThread self, Amap amap, int offset, int len)
    {
        if (k.Config.Has(Switches.AmapRefWithoutLock))
        {
            int seen = amap.Ref; // read, let another CPU run, write back: a lost update
            yield return Step.Ran("amap_ref: am_ref read without am_l");
            amap.Ref = seen + 1;
            yield break;
        }
        foreach (var s in Locks.Take(amap.Lock, self, "amap_ref: amap_lock")) yield return s;
        if (!amap.HasPpref && len != amap.Slots) PpEstablish(amap, offset);
        if (!k.Config.Has(Switches.AmapRefSkipsIncrement)) amap.Ref++;
        if (amap.HasPpref)
            foreach (var s in PpAdjRef(k, self, amap, offset, len, 1)) yield return s; // +1: never 0, no wiperange
        amap.Lock.Release(k, self);
    }

    /// <summary>
    /// amap_unref() and, at the last reference, amap_wipeout(): each anon's an_ref-- under its
    /// an_lock, which is dropped before uvm_anfree() at zero (uvm_amap.c: <c>refs = --anon-&gt;an_ref;
    /// simple_unlock(&amp;anon-&gt;an_lock); if (refs == 0) uvm_anfree(anon);</c>), so the unlock ends a
    /// step, as in uvm_unloananon(); a busy page is marked PG_RELEASED for its owner to free. am_l
    /// stays held throughout.
    /// </summary>
    /// <remarks>
    /// uvm_unmap_detach()'s amap_unref(amap, ar_pageoff, len, 0) of the dead entry of
    /// <paramref name="space"/>: with other references left, amap_pp_establish() if the entry covers
    /// less than the amap and no ppref exists (never here: see <see cref="Ref"/>), then
    /// amap_pp_adjref(-1) of the entry's slots, which wipes the runs no entry references any more
    /// (uvm_amap.c 1.82.16.2; uvm_amap_i.h 1.15 of 2000 alike). The dead entry stops counting as a
    /// reference once am_ref is decremented.
    /// </remarks>
    internal static IEnumerable<Step> Unref(Kernel k, KernelThread self, Amap amap, int offset, int len, CowSpace? space = null)
    {
        foreach (var s in Locks.Take(amap.Lock, self, "amap_unref: amap_lock")) yield return s;
        if (--amap.Ref > 0)
        {
            if (space is not null) space.DetachedAmap = null;
            if (!amap.HasPpref && len != amap.Slots) PpEstablish(amap, offset);
            if (amap.HasPpref && !k.Config.Has(Switches.UnrefSkipsPpAdjref)) // unref-skips-pp-adjref
                foreach (var s in PpAdjRef(k, self, amap, offset, len, -1)) yield return s;
            amap.Lock.Release(k, self);
            yield break;
        }
        for (int slot = 0; slot < amap.Slots; slot++)
        {
            if (amap.Lookup(slot) is not { } anon) continue;
            foreach (var s in Locks.Take(anon.Lock, self, "amap_wipeout: simple_lock(an_lock)")) yield return s;
            amap.Unadd(slot);
            // wipeout-skips-unref-of-swapped-anon: the last reference of a swapped-out anon is kept.
            bool keep = k.Config.Has(Switches.WipeoutSkipsUnrefOfSwappedAnon) && anon.Page is null && anon.RefCount == 1;
            int refs = keep ? anon.RefCount : --anon.RefCount;
            if (k.Config.Has(Switches.AmapWipeoutFreesSharedAnon) && refs > 0)
            {
                // amap-wipeout-frees-shared-anon: uvm_anfree() without the an_ref test, on an anon another amap holds.
                AnonPager.Free(k, self, anon);
                anon.Lock.Release(k, self);
                continue;
            }
            anon.Lock.Release(k, self);
            if (refs > 0) continue;
            // refs = --anon->an_ref; simple_unlock(&anon->an_lock); if (refs == 0) uvm_anfree(anon);
            yield return Step.Ran("amap_wipeout: an_ref--, simple_unlock(an_lock)");
            foreach (var s in AnonPager.FreeUnlocked(k, self, anon, () =>
            {
                // amap-wipeout-touches-freed-anon: the freed anon's an_page is cleared through the stale pointer.
                if (k.Config.Has(Switches.AmapWipeoutTouchesFreedAnon) && anon.Freed) anon.Page = null;
            }))
                yield return s;
        }
        amap.Lock.Release(k, self);
        amap.Free("amap_wipeout → amap_free");
    }
}
