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
/// needs-copy entry with a uobj maps read-only without amap_copy. Wiring (uvm_fault.c 1.113 of
/// 2006; 1.47 of 2000 differs only where <see cref="Switches.WireFaultUsesEntryProtection"/> says):
/// a fault is wired when it comes from uvm_fault_wire() or its entry is wired (<c>wired =
/// VM_MAPENT_ISWIRED(entry) || wire_fault</c>); a wired fault asks for the entry's whole protection
/// (<c>access_type = enter_prot</c>) and breaks copy-on-write now (<c>cow_now</c>) if the protection it
/// checks has VM_PROT_WRITE: max_protection for uvm_fault_wire()'s VM_FAULT_WIREMAX (read-write for
/// a private mapping), the entry's protection otherwise. Its mapping is PMAP_WIRED, and only the
/// wiring fault itself wires the page (uvm_pagewire(), uvm_anon_dropswap()). Left out: pmap_enter
/// failure, neighbour faults (uvmfault_anonflush / the lookahead; a wiring fault is narrow).
/// </summary>
public static class CowFault
{
    /// <summary>
    /// A read or write fault on page <paramref name="page"/> of <paramref name="space"/>, or with
    /// <paramref name="wire"/> uvm_fault_wire()'s fault of it (VM_FAULT_WIREMAX). Ends with nothing locked.
    /// </summary>
    internal static IEnumerable<Step> Touch(Kernel k, KernelThread self, CowSpace space, int page, bool write, bool wire = false, Out<bool>? failed = null)
    {
        while (true) // ReFault
        {
            foreach (var s in Locks.Take(space.Lock, self, "uvmfault_lookup: vm_map_lock_read")) yield return s;
            // check_prot: max_protection (read-write) for a VM_FAULT_WIREMAX fault, else the entry's
            // protection, against the access asked for (uvm_fault_wire() asks for the entry's protection).
            if (!space.Covers(page) || (write && !wire && !space.EntryWritable))
            {
                space.Lock.Release(k, self);
                if (failed is not null) failed.Value = true;
                yield return Step.Ran(space.Covers(page) ? "uvm_fault: EACCES" : "uvm_fault: EFAULT");
                yield break;
            }
            bool wired = wire || space.WiredCount > 0;
            // cow_now: a wired fault breaks copy-on-write if its check_prot allows writing (1.113), or,
            // in the texts before VM_FAULT_WIREMAX, if the entry's protection does (1.47).
            bool cowNow = !wired ? write
                : wire && !k.Config.Has(Switches.WireFaultUsesEntryProtection) || space.EntryWritable;
            if (space.NeedsCopy && (cowNow || space.Uobj is null))
            {
                // uvmfault_unlockmaps(); uvmfault_amapcopy(): relookup write-locked, amap_copy, unlock.
                space.Lock.Release(k, self);
                yield return Step.Ran("uvm_fault: needs-copy, uvmfault_unlockmaps");
                foreach (var s in CowWiring.LockWrite(k, self, space, "uvmfault_amapcopy: vm_map_lock")) yield return s;
                if (space.Covers(page) && space.NeedsCopy)
                    foreach (var s in AmapOps.Copy(k, self, space, waitOk: false)) yield return s;
                space.UnlockChanged(k, self);
                yield return Step.Ran("uvmfault_amapcopy: amap_copy");
                continue;
            }
            int stamp = space.Timestamp; // ufi.mapv
            bool entryWritable = space.EntryWritable && !space.NeedsCopy; // enter_prot, fixed at lookup
            var amap = space.Amap;
            if (amap is null && space.Uobj is null)
            {
                // "make sure we have either an anon or a uobj (or both)": uvmfault_unlockmaps(), EFAULT
                // (uvm_fault.c 1.69). Only an entry that lost its needs-copy mark gets here.
                space.Lock.Release(k, self);
                if (failed is not null) failed.Value = true;
                yield return Step.Ran("uvm_fault: no backing store, no overlay (EFAULT)");
                yield break;
            }
            if (amap is not null) foreach (var s in Locks.Take(amap.Lock, self, "uvm_fault: amap_lock")) yield return s;
            var done = new Out<bool>();
            var at = new Lookup(stamp, entryWritable, wired, wire, Store: write && !wire, Failed: failed);
            if (amap?.Lookup(space.SlotOf(page)) is { } anon)
                foreach (var s in AnonCase(k, self, space, amap, anon, page, cowNow, at, done)) yield return s;
            else if (space.Uobj is not null)
                foreach (var s in CowObjectFault.Fault(k, self, space, amap, page, cowNow, at, done)) yield return s;
            else
                foreach (var s in ZeroFill(k, self, space, amap!, page, cowNow, at, done)) yield return s; // amap is set: checked above
            if (done.Value) yield break;
        }
    }

    /// <summary>
    /// What uvmfault_lookup() saw: the map's timestamp (ufi.mapv) and the entry's write permission;
    /// whether the mapping is entered PMAP_WIRED, and whether the fault is uvm_fault_wire()'s (it
    /// wires the page).
    /// </summary>
    /// <remarks>
    /// <paramref name="Store"/>: the access is a user store (not a read, nor uvm_fault_wire()).
    /// <paramref name="Failed"/>, if given, is set when the fault returns an error (EIO, ENOMEM),
    /// for uvm_fault_wire()'s caller, which unwinds the wiring.
    /// </remarks>
    internal readonly record struct Lookup(int Stamp, bool EntryWritable, bool Wired = false, bool WireFault = false, bool Store = false, Out<bool>? Failed = null)
    {
        /// <summary>The fault returns an error.</summary>
        public void Fail()
        {
            if (Failed is not null) Failed.Value = true;
        }
    }

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
        var failed = new Out<bool>();
        foreach (var s in CowAnonGet.Get(k, self, space, amap, anon, page, at.Stamp, got, failed)) yield return s;
        if (got.Value is not { } p)
        {
            done.Value = failed.Value; // the read failed: uvm_fault() returns the error (trap() signals the process); else ERESTART: ReFault
            if (failed.Value) at.Fail();
            yield break;
        }
        if (write && anon.RefCount > 1 && !k.Config.Has(Switches.CowWritesSharedAnon))
        {
            // Case 1B: uvm_analloc() + uvm_pagealloc(); none: unlockall, uvm_wait("flt_noram3"), ReFault.
            if (PageQueues.Alloc(k) is not { } fresh)
            {
                UnlockAll(k, self, space, amap, anon);
                if (Pageout.OutOfSwap(k))
                {
                    done.Value = true;
                    at.Fail();
                    yield return Pageout.OutOfSwapStep;
                    yield break;
                }
                yield return Pageout.Wait(k, "flt_noram3");
                yield break;
            }
            // uvm_pagecopy(): the copy is dirty (cow-write-skips-pagecopy: a write fault does not copy)
            var copied = at.Store && k.Config.Has(Switches.CowWriteSkipsPagecopy) ? fresh.Data : p.Data;
            var nanon = AnonPager.New(k, self, fresh, copied, anon.Written); // meant to hold the data of the anon the fault names
            if (k.Config.Has(Switches.CowCopyKeepsSwapSlot)) nanon.SwSlot = anon.SwSlot; // Mutation: the anon copied whole
            amap.Add(space.SlotOf(page), nanon, replace: true);
            if (!k.Config.Has(Switches.Case1bSkipsOldAnonUnref)) anon.RefCount--; // cannot reach 0: it was > 1 (case1b-skips-old-anon-unref skips it)
            anon.Lock.Release(k, self);
            fresh.BusyOwner = "uvm_fault";
            // enter_prot: the entry's protection (a wiring fault on a read-only entry copies, and maps read-only)
            yield return Finish(k, self, space, amap, nanon, fresh, page, writable: at.EntryWritable, dirty: true, at, "uvm_fault: case 1B, copy-on-write");
            done.Value = true;
            yield break;
        }
        // Case 1A: map it; read-only while the anon is shared (enter_prot &= ~VM_PROT_WRITE).
        PageQueues.Busy(p, "uvm_fault");
        bool writable = at.EntryWritable && (anon.RefCount == 1 || k.Config.Has(Switches.CowWritesSharedAnon));
        if (at.WireFault) AnonPager.DropSwap(k, self, anon); // "the now-wired page cannot be paged out": uvm_anon_dropswap()
        yield return Finish(k, self, space, amap, anon, p, page, writable, write, at, "uvm_fault: case 1A, pmap_enter");
        done.Value = true;
    }

    /// <summary>Case 2 with no object: a new zero-filled anon in the empty slot.</summary>
    private static IEnumerable<Step> ZeroFill(Kernel k, KernelThread self, CowSpace space, Amap amap, int page, bool write, Lookup at, Out<bool> done)
    {
        if (PageQueues.Alloc(k) is not { } fresh)
        {
            UnlockAll(k, self, space, amap, null);
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
        var anon = AnonPager.New(k, self, fresh, null, null); // uvm_pagezero()
        amap.Add(space.SlotOf(page), anon, replace: false);
        fresh.BusyOwner = "uvm_fault";
        yield return Finish(k, self, space, amap, anon, fresh, page, at.EntryWritable, write, at, "uvm_fault: case 2B, zero-fill anon");
        done.Value = true;
    }

    /// <summary>pmap_enter() (PMAP_WIRED on a wired fault), un-busy, uvm_pageactivate() or a wiring fault's uvm_pagewire() under uvm.pageqlock, uvmfault_unlockall().</summary>
    private static Step Finish(Kernel k, KernelThread self, CowSpace space, Amap amap, Anon anon, Page p, int page, bool writable, bool dirty, Lookup at, string function)
    {
        space.Enter(page, anon, p, writable, at.Wired);
        var seen = space.Seen(self, page, p);
        var step = Fault.Finish(k, self, p, anon.Lock, dirty, function, wire: at.WireFault, store: at.Store);
        CowSpace.Report(k, seen);
        space.Saw(page, p.Data);
        amap.Lock.Release(k, self);
        space.Lock.Release(k, self);
        return step;
    }
}
