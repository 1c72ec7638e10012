using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Cow;

/// <summary>
/// uvm_fault() on a private anonymous map entry (uvm_fault.c; the stored rev is 1.113 of 2006, and
/// the 2003 revisions 1.8x have the same case structure; uvm_fault_i.h for uvmfault_relock()).
/// ReFault: look the entry up under the map's read lock (gone: EFAULT; no write permission:
/// EACCES); needs-copy: unlock and uvmfault_amapcopy(), then ReFault; lock the amap. Case 1 (an
/// anon in the slot): uvmfault_anonget(), which unlocks everything around a sleep and, after it,
/// uvmfault_relock() fails if the map's timestamp moved (ERESTART, ReFault); a write on a shared
/// anon (an_ref &gt; 1) is case 1B: copy into a new anon, amap_add(replace), an_ref-- on the old one;
/// otherwise case 1A maps the page, read-only while shared. Case 2 with no object: zero-fill a
/// new anon (the promote of 2B from the zero page); with a uobj under the entry, case 2A and the
/// 2B promote from the object page are model/Cow/CowObjectFault.cs, and a read fault on a
/// needs-copy entry with a uobj maps read-only without amap_copy. Left out: wiring,
/// pmap_enter failure, neighbour faults (uvmfault_anonflush / the lookahead).
/// </summary>
public static class CowFault
{
    /// <summary>A read or write fault on page <paramref name="page"/> of <paramref name="space"/>. Ends with nothing locked.</summary>
    internal static IEnumerable<Step> Touch(Kernel k, KernelThread self, CowSpace space, int page, bool write)
    {
        while (true) // ReFault
        {
            foreach (var s in Locks.Take(space.Lock, self, "uvmfault_lookup: vm_map_lock_read")) yield return s;
            if (!space.EntryMapped || (write && !space.EntryWritable))
            {
                space.Lock.Release(k, self);
                yield return Step.Ran(space.EntryMapped ? "uvm_fault: EACCES" : "uvm_fault: EFAULT");
                yield break;
            }
            if (space.NeedsCopy && (write || space.Uobj is null))
            {
                // uvmfault_unlockmaps(); uvmfault_amapcopy(): relookup write-locked, amap_copy, unlock.
                space.Lock.Release(k, self);
                yield return Step.Ran("uvm_fault: needs-copy, uvmfault_unlockmaps");
                foreach (var s in Locks.Take(space.Lock, self, "uvmfault_amapcopy: vm_map_lock")) yield return s;
                if (space.EntryMapped && space.NeedsCopy)
                    foreach (var s in AmapOps.Copy(k, self, space)) yield return s;
                space.UnlockChanged(k, self);
                yield return Step.Ran("uvmfault_amapcopy: amap_copy");
                continue;
            }
            int stamp = space.Timestamp; // ufi.mapv
            bool entryWritable = space.EntryWritable && !space.NeedsCopy; // enter_prot, fixed at lookup
            var amap = space.Amap;
            if (amap is not null) foreach (var s in Locks.Take(amap.Lock, self, "uvm_fault: amap_lock")) yield return s;
            var done = new Out<bool>();
            if (amap?.Lookup(page) is { } anon)
                foreach (var s in AnonCase(k, self, space, amap, anon, page, write, new(stamp, entryWritable), done)) yield return s;
            else if (space.Uobj is not null)
                foreach (var s in CowObjectFault.Fault(k, self, space, amap, page, write, new(stamp, entryWritable), done)) yield return s;
            else
                foreach (var s in ZeroFill(k, self, space, amap!, page, write, entryWritable, done)) yield return s;
            if (done.Value) yield break;
        }
    }

    /// <summary>What uvmfault_lookup() saw: the map's timestamp (ufi.mapv) and the entry's write permission.</summary>
    internal readonly record struct Lookup(int Stamp, bool EntryWritable);

    /// <summary>uvmfault_unlockall(): anon (if given), amap, map.</summary>
    internal static void UnlockAll(Kernel k, KernelThread self, CowSpace space, Amap amap, Anon? anon)
    {
        if (anon is not null) anon.Lock.Release(k, self);
        amap.Lock.Release(k, self);
        space.Lock.Release(k, self);
    }

    /// <summary>Case 1: the slot has an anon; map, amap locked. <paramref name="done"/> false means ReFault.</summary>
    private static IEnumerable<Step> AnonCase(Kernel k, KernelThread self, CowSpace space, Amap amap, Anon anon, int page, bool write, Lookup at, Out<bool> done)
    {
        foreach (var s in Locks.Take(anon.Lock, self, "uvm_fault: simple_lock(an_lock)")) yield return s;
        var got = new Out<Page>();
        foreach (var s in CowAnonGet.Get(k, self, space, amap, anon, page, at.Stamp, got)) yield return s;
        if (got.Value is not { } p) yield break; // ERESTART: everything unlocked, ReFault
        if (write && anon.RefCount > 1 && !k.Config.Has(Switches.CowWritesSharedAnon))
        {
            // Case 1B: uvm_analloc() + uvm_pagealloc(); none: unlockall, uvm_wait("flt_noram3"), ReFault.
            if (PageQueues.Alloc(k) is not { } fresh)
            {
                UnlockAll(k, self, space, amap, anon);
                yield return Pageout.Wait(k, "flt_noram3");
                yield break;
            }
            var nanon = AnonPager.New(k, self, fresh); // uvm_pagecopy(): the copy is dirty
            if (k.Config.Has(Switches.CowCopyKeepsSwapSlot)) nanon.SwSlot = anon.SwSlot; // Mutation: the anon copied whole
            amap.Add(page, nanon, replace: true);
            if (!k.Config.Has(Switches.Case1bSkipsOldAnonUnref)) anon.RefCount--; // cannot reach 0: it was > 1 (case1b-skips-old-anon-unref skips it)
            anon.Lock.Release(k, self);
            fresh.BusyOwner = "uvm_fault";
            yield return Finish(k, self, space, amap, nanon, fresh, page, writable: true, dirty: true, "uvm_fault: case 1B, copy-on-write");
            done.Value = true;
            yield break;
        }
        // Case 1A: map it; read-only while the anon is shared (enter_prot &= ~VM_PROT_WRITE).
        PageQueues.Busy(p, "uvm_fault");
        bool writable = at.EntryWritable && (anon.RefCount == 1 || k.Config.Has(Switches.CowWritesSharedAnon));
        yield return Finish(k, self, space, amap, anon, p, page, writable, write, "uvm_fault: case 1A, pmap_enter");
        done.Value = true;
    }

    /// <summary>Case 2 with no object: a new zero-filled anon in the empty slot.</summary>
    private static IEnumerable<Step> ZeroFill(Kernel k, KernelThread self, CowSpace space, Amap amap, int page, bool write, bool entryWritable, Out<bool> done)
    {
        if (PageQueues.Alloc(k) is not { } fresh)
        {
            UnlockAll(k, self, space, amap, null);
            yield return Pageout.Wait(k, "flt_noram5");
            yield break;
        }
        var anon = AnonPager.New(k, self, fresh);
        amap.Add(page, anon, replace: false);
        fresh.BusyOwner = "uvm_fault";
        yield return Finish(k, self, space, amap, anon, fresh, page, entryWritable, write, "uvm_fault: case 2B, zero-fill anon");
        done.Value = true;
    }

    /// <summary>pmap_enter(), un-busy, uvm_pageactivate() under uvm.pageqlock, uvmfault_unlockall().</summary>
    private static Step Finish(Kernel k, KernelThread self, CowSpace space, Amap amap, Anon anon, Page p, int page, bool writable, bool dirty, string function)
    {
        space.Enter(page, anon, p, writable);
        var step = Fault.Finish(k, self, p, anon.Lock, dirty, function);
        amap.Lock.Release(k, self);
        space.Lock.Release(k, self);
        return step;
    }
}
