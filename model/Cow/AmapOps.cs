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
            space.Amap = Alloc(k, space.Pages);
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
        var amap = Alloc(k, space.Pages);
        foreach (var s in Locks.Take(src.Lock, self, "amap_copy: amap_lock(srcamap)")) yield return s;
        if (src.Ref == 1)
        {
            space.NeedsCopy = false; // re-check under am_l: take it over, amap_free(amap)
            src.Lock.Release(k, self);
            yield break;
        }
        space.Amap = amap; // the map is write-locked: no fault sees the half-built amap
        space.CopySource = src;
        for (int slot = 0; slot < src.Slots; slot++)
        {
            if (src.Lookup(slot) is not { } anon) continue;
            foreach (var s in Locks.Take(anon.Lock, self, "amap_copy: simple_lock(an_lock)")) yield return s;
            amap.AddWhileUnpublished(slot, anon, countUsed: !k.Config.Has(Switches.AmapCopySkipsNused)); // the mutation skips am_nused++
            if (!k.Config.Has(Switches.AmapCopySkipsAnonRef)) anon.RefCount++;
            anon.Lock.Release(k, self);
        }
        if (!k.Config.Has(Switches.AmapCopySkipsSrcUnref)) src.Ref--; // amap-copy-skips-src-unref
        space.CopySource = null;
        src.Lock.Release(k, self);
        space.NeedsCopy = false;
    }

    /// <summary>amap_ref(amap, ...) at fork: am_ref++ under am_l.</summary>
    internal static IEnumerable<Step> Ref(Kernel k, KernelThread self, Amap amap)
    {
        if (k.Config.Has(Switches.AmapRefWithoutLock))
        {
            int seen = amap.Ref; // read, let another CPU run, write back: a lost update
            yield return Step.Ran("amap_ref: am_ref read without am_l");
            amap.Ref = seen + 1;
            yield break;
        }
        foreach (var s in Locks.Take(amap.Lock, self, "amap_ref: amap_lock")) yield return s;
        if (!k.Config.Has(Switches.AmapRefSkipsIncrement)) amap.Ref++;
        amap.Lock.Release(k, self);
    }

    /// <summary>
    /// amap_unref() and, at the last reference, amap_wipeout(): each anon's an_ref-- under its
    /// an_lock, which is dropped before uvm_anfree() at zero (uvm_amap.c: <c>refs = --anon-&gt;an_ref;
    /// simple_unlock(&amp;anon-&gt;an_lock); if (refs == 0) uvm_anfree(anon);</c>), so the unlock ends a
    /// step, as in uvm_unloananon(); a busy page is marked PG_RELEASED for its owner to free. am_l
    /// stays held throughout.
    /// </summary>
    internal static IEnumerable<Step> Unref(Kernel k, KernelThread self, Amap amap)
    {
        foreach (var s in Locks.Take(amap.Lock, self, "amap_unref: amap_lock")) yield return s;
        if (--amap.Ref > 0)
        {
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
