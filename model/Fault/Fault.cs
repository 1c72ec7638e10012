using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// uvm_fault() (uvm_fault.c, 2002) for the two kinds of memory the workloads touch: a private
/// anon page (case 1: the amap has an anon, or zero-fill a new one) and a page of a shared aobj
/// mapping such as SysV shm (case 2: pgo_get with PGO_LOCKED, else the unlocked uao_get()).
/// An anon fault that finds its page keeps an_lock from the lookup to pmap_enter() over two
/// steps, standing for another CPU running meanwhile: the pagedaemon's try-lock of that anon can
/// fail and skip the page. An aobj fault with its page at hand is one step: one vmobjlock covers
/// the whole segment, and a window there would let two faulting processes keep the pagedaemon
/// off every page of it for far longer than the kernel's short critical section does. Every
/// access is modelled as a fault: it sets the reference bit and, for a write, clears PG_CLEAN
/// (the pmap modified bit). Left out: map and amap locks, copy-on-write, wiring, pmap_enter
/// failing for lack of memory.
/// </summary>
public static class Fault
{
    /// <summary>
    /// A touch of anon page <paramref name="index"/> of a process's private memory.
    /// <paramref name="mapped"/>, for a process whose other LWP may munmap the heap, is
    /// uvmfault_relock() after a sleep: false once the map changed, and the refault then finds no
    /// entry (the fault fails, and trap() sends SIGSEGV).
    /// </summary>
    internal static IEnumerable<Step> TouchAnon(Kernel k, KernelThread self, Anon?[] amap, int index, bool write, Func<bool>? mapped = null, UserPmap? pmap = null)
    {
        // Whether the fault's lookup still holds: false from a sleep until uvmfault_relock()
        // succeeds (uvm_fault_i.h: the map's timestamp, checked after every sleep), and false
        // after a relock that failed. Only a process whose other LWP may munmap() the heap
        // relocks in the model; for the others the lookup cannot go stale.
        bool lookupValid = true;
        Func<bool>? relock = mapped is null ? null : () => lookupValid = mapped();
        Anon? anon;
        while ((anon = amap[index]) is null)
        {
            // Case 2B zero-fill (no uobj): uvm_analloc() and uvm_pagealloc(), or uvm_wait("flt_noram5")
            // and ReFault: the lookup again, which may find the entry gone or another LWP's anon there.
            if (PageQueues.Alloc(k) is not { } fresh)
            {
                if (Pageout.OutOfSwap(k))
                {
                    yield return Pageout.OutOfSwapStep; // trap() kills the process: "out of swap"
                    yield break;
                }
                if (relock is not null) lookupValid = false;
                yield return Pageout.Wait(k, "flt_noram5");
                if (!k.Config.Has(Switches.ZeroFillSkipsRelock) && relock?.Invoke() == false) yield break; // zero-fill-skips-relock
                continue;
            }
            var previous = fresh.Data;
            anon = amap[index] = AnonPager.New(k, self, fresh, null, null);
            if (k.Config.Has(Switches.ZeroFillSkipsPagezero)) fresh.Data = previous; // zero-fill-skips-pagezero: the page keeps what it held
            fresh.BusyOwner = "uvm_fault";
            yield return Step.Ran("uvm_fault: zero-fill anon");
            EnterAnon(pmap, index, anon, fresh, mapped);
            yield return Finish(k, self, fresh, anon.Lock, write, lookupValid: lookupValid);
            yield break;
        }
        foreach (var s in Locks.Take(anon.Lock, self, "uvm_fault: simple_lock(an_lock)")) yield return s;
        if (anon.Page is { Busy: false } resident)
        {
            PageQueues.Busy(resident, "uvm_fault");
            yield return Step.Ran("uvm_fault: anon page resident");
            EnterAnon(pmap, index, anon, resident, mapped);
            yield return Finish(k, self, resident, anon.Lock, write, lookupValid: lookupValid);
            yield break;
        }
        if (anon.Page is { Busy: true } busy && k.Config.Has(Switches.FaultUsesBusyAnonPage))
        {
            // fault-uses-busy-anon-page: pmap_enter() of a page another path has busy, no wait.
            busy.Referenced = true;
            if (write)
            {
                busy.Flags &= ~PageFlags.Clean;
                Contents.Write(k, self, busy);
            }
            anon.Lock.Release(k, self);
            yield return Step.Ran("uvm_fault: busy anon page mapped");
            yield break;
        }
        var got = new Out<Page>();
        foreach (var s in AnonPager.Get(k, self, anon, got, relock))
        {
            if (relock is not null && self.Sleeps(s)) lookupValid = false; // stale until uvmfault_anonget()'s relock
            yield return s;
        }
        if (got.Value is null) yield break; // the page-in failed (SWSLOT_BAD: EIO) or the map changed (ERESTART): trap() signals the process
        PageQueues.Busy(got.Value, "uvm_fault");
        EnterAnon(pmap, index, anon, got.Value, mapped);
        yield return Finish(k, self, got.Value!, anon.Lock, write, lookupValid: lookupValid);
    }

    /// <summary>
    /// pmap_enter() of an anon's page in the anon user's <paramref name="pmap"/> (case 1A): with the
    /// entry's PROT_READ|PROT_WRITE, less VM_PROT_WRITE when the anon is shared ("disallow writes
    /// to ref &gt; 1 anons") or its page is loaned (uvm_fault.c), whatever the access; the store of a
    /// write fault is made by <see cref="Finish"/>. The anon user's map lock is a flag
    /// (<paramref name="mapped"/>, model/Threads/AnonUser.cs): a fault that did not sleep holds the
    /// map read-locked from its lookup to here in the kernel, so a munmap() that the model lets in
    /// between ends as if it had come after the fault, its pmap_remove() taking the mapping away;
    /// the fault leaves the mapping out. After a sleep the fault reaches here only when its
    /// uvmfault_relock() held.
    /// </summary>
    private static void EnterAnon(UserPmap? pmap, int index, Anon anon, Page p, Func<bool>? mapped)
    {
        if (pmap is null || mapped?.Invoke() == false) return;
        pmap.Enter(index, anon, p, writable: anon.RefCount == 1 && p.LoanCount == 0);
    }

    /// <summary>A touch of page <paramref name="index"/> of a shared aobj mapping (a SysV shm segment).</summary>
    /// <remarks>A page on loan goes to <see cref="LoanFault.FinishObject"/>: never written in place.</remarks>
    /// <remarks>
    /// <paramref name="pmap"/> (a shm user's) gets the mapping at <paramref name="slot"/>: writable
    /// unless the page is loaned (uvm_fault() case 2A: "if (uobjpage->loan_count) ... enter_prot &amp;=
    /// ~VM_PROT_WRITE" for a read; a write breaks the loan and maps the copy).
    /// </remarks>
    internal static IEnumerable<Step> TouchObject(Kernel k, KernelThread self, AObj obj, int index, bool write, UserPmap? pmap = null, int slot = 0)
    {
        var done = new Out<bool>();
        while (!done.Value)
        {
            foreach (var s in Locks.Take(obj.Lock, self, "uvm_fault: simple_lock(vmobjlock)")) yield return s;
            var p = obj.PageAt(index);
            if (p is { Busy: false })
            {
                // uao_get(PGO_LOCKED): resident and not busy.
                PageQueues.Busy(p, "uao_get1");
                if (p.LoanCount > 0)
                {
                    foreach (var s in LoanFault.FinishObject(k, self, obj, p, write, done, pmap, slot)) yield return s;
                    continue;
                }
                pmap?.Enter(slot, obj, index, p, writable: true);
                yield return Finish(k, self, p, obj.Lock, write, "uvm_fault: uao_get(PGO_LOCKED) resident, pmap_enter");
                yield break;
            }
            foreach (var s in TouchAbsentObjectPage(k, self, obj, index, write, done, pmap, slot)) yield return s;
        }
    }

    /// <summary>The object page is busy or not resident: zero-fill it, or the unlocked uao_get(); vmobjlock held.</summary>
    private static IEnumerable<Step> TouchAbsentObjectPage(Kernel k, KernelThread self, AObj obj, int index, bool write, Out<bool> done, UserPmap? pmap, int slot)
    {
        done.Value = true;
        var p = obj.PageAt(index);
        if (p is null && obj.FindSwslot(index) == 0 && PageQueues.Alloc(k) is { } zero)
        {
            // uao_get(PGO_LOCKED): never existed, zero-fill.
            obj.Insert(zero, index);
            zero.BusyOwner = "uao_get1";
            Contents.Zero(zero); // uvm_pagezero()
            pmap?.Enter(slot, obj, index, zero, writable: true);
            yield return Finish(k, self, zero, obj.Lock, write, "uvm_fault: uao_get(PGO_LOCKED) zero-fill, pmap_enter");
            yield break;
        }
        // EBUSY: the unlocked uao_get() sleeps or reads from swap.
        var got = new Out<Page>();
        foreach (var s in AObjPager.Get(k, self, obj, index, got)) yield return s;
        if (got.Value is null) yield break; // the read failed (SWSLOT_BAD: EIO): uvm_fault() returns EIO (trap()'s signal to the process is not modelled: it goes on)
        if (got.Value.LoanCount > 0)
        {
            foreach (var s in LoanFault.FinishObject(k, self, obj, got.Value, write, done, pmap, slot)) yield return s;
            yield break;
        }
        pmap?.Enter(slot, obj, index, got.Value, writable: true);
        yield return Finish(k, self, got.Value!, obj.Lock, write);
    }

    /// <summary>
    /// The end of uvm_fault(): pmap_enter() (reference, and modify on a write), un-busy the page,
    /// uvm_pageactivate() under uvm.pageqlock, unlock the owner. <paramref name="lookupValid"/> is
    /// false when the fault slept and no uvmfault_relock() since succeeded (it failed, or was
    /// never made): a pmap_enter() then is reported
    /// (FaultEntersNoMappingOfARemovedEntry). A wiring fault (<paramref name="wire"/>,
    /// uvm_fault_wire()) wires the page instead: uvm_pagewire() and PG_CLEAN cleared, as uvm_fault.c
    /// 1.47 (2000) and 1.113 (2006) both do.
    /// </summary>
    /// <remarks><paramref name="store"/>: the access is a store (null: <paramref name="write"/>); a copy-on-write
    /// fault of a wired entry breaks the sharing and dirties the page for a read too (cow_now).</remarks>
    internal static Step Finish(Kernel k, KernelThread self, Page p, SimpleLock ownerLock, bool write, string function = "uvm_fault: pmap_enter", bool lookupValid = true, bool wire = false, bool? store = null)
    {
        // uvm_fault() reaches pmap_enter() only under a valid lookup: after a sleep, uvmfault_relock()
        // compares map->timestamp with the version it looked up and restarts the fault on a change
        // (uvm_fault_i.h, uvm_fault.c 1.69); uvm_unmap_remove() has pmap_remove()d the range, so an
        // entry made now outlives its map entry (NoMappingOutlivesItsEntry for the modelled pmaps).
        if (!lookupValid)
            k.Events.Break("FaultEntersNoMappingOfARemovedEntry", $"{self.Name}'s uvm_fault() enters {p} after a sleep with no uvmfault_relock() that held (the map entry it looked up may be gone)");
        p.Referenced = true;
        if (write && !k.Config.Has(Switches.FaultWriteKeepsClean)) p.Flags &= ~PageFlags.Clean; // fault-write-keeps-clean
        if (store ?? write) Contents.Write(k, self, p);
        k.Vm.PageQueueLock.Acquire(self);
        PageQueues.Unbusy(k, p);
        if (wire)
        {
            PageQueues.Wire(k, p);
            p.Flags &= ~PageFlags.Clean; // "since an anon with no swap cannot be PG_CLEAN, clear its clean flag now"
        }
        else PageQueues.Activate(k, p);
        k.Vm.PageQueueLock.Release(self);
        ownerLock.Release(k, self);
        return Step.Ran(function);
    }
}
