using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// Anons and their swap slots: uvmfault_anonget() (uvm_fault.c), uvm_anfree() and
/// anon_swap_off()/anon_pagein() (uvm_anon.c, 2002). Locks: an_lock, taken with
/// <see cref="Locks.Take"/> since a fault may hold it across steps; uvm.pageqlock inside a step.
/// Left out: amaps and their locks (each user process owns its anons), anon loans, I/O errors.
/// </summary>
public static class AnonPager
{
    /// <summary>
    /// uvm_analloc() (uvm_anon.c 1.21.4.2): an anon off the free list with an_ref 1, no page and
    /// no swap slot, set while nothing else can reach it, and returned locked ("new anon is
    /// returned locked!"). The caller unlocks it where the kernel's caller does.
    /// </summary>
    internal static Anon Alloc(Kernel k, KernelThread self)
    {
        var anon = new Anon(k.Vm.NextAnonId++, k);
        k.Vm.AnonList.Add(anon);
        anon.Lock.Acquire(self);
        return anon;
    }

    /// <summary>
    /// A new anon (<see cref="Alloc"/>, so locked by <paramref name="self"/>) holding page
    /// <paramref name="p"/>, filled with <paramref name="data"/> (dirty), still busy: null is
    /// uvm_pagezero() (a zero-fill), else uvm_pagecopy() of the page the caller copies, whose
    /// owner, as the fault names it (the anon, or the object at the fault's offset), expected
    /// <paramref name="expected"/> of it: the same as <paramref name="data"/> unless that page had
    /// lost its data or was a stale one, a loss the copy then carries to where it shows.
    /// </summary>
    internal static Anon New(Kernel k, KernelThread self, Page p, Content? data, Content? expected)
    {
        var anon = Alloc(k, self);
        p.Data = data;
        anon.Written = expected;
        anon.Page = p;
        p.Anon = anon;
        p.PqAnon = true;
        p.Flags &= ~(PageFlags.Fake | PageFlags.Clean);
        return anon;
    }

    /// <summary>
    /// uvmfault_anonget(), entered with an_lock held: make the anon's page resident. Sleeps on a
    /// busy page, in uvm_wait("flt_noram1") with no free page, or over the synchronous read. Ends
    /// with an_lock held and <paramref name="result"/> resident and un-busied, or null (ERESTART,
    /// an_lock dropped) when the anon was freed while its page was read in.
    /// <paramref name="relock"/> is uvmfault_relock() after a sleep, for a fault whose map another
    /// LWP may change (null: the caller's reference keeps the anon): when it fails the anon is
    /// relocked only if we own the page we read (the busy page holds it: uvm_anfree() marks it
    /// PG_RELEASED instead of freeing), and the result is null (ERESTART) after the page is dealt with.
    /// A failed read (SWSLOT_BAD) also ends with a null result, an_lock dropped, and
    /// <paramref name="ioError"/> set: the caller returns the error (uvm_fault(): "default: return
    /// error"), where ERESTART refaults.
    /// </summary>
    internal static IEnumerable<Step> Get(Kernel k, KernelThread self, Anon anon, Out<Page> result, Func<bool>? relock = null, Out<bool>? ioError = null)
    {
        while (true)
        {
            if (anon.Page is { } p)
            {
                if (!p.Busy)
                {
                    result.Value = p;
                    yield break;
                }
                PageQueues.Want(p);
                anon.Lock.Release(k, self);
                yield return Step.Sleep("uvmfault_anonget: page busy", p.Channel);
            }
            else if (PageQueues.Alloc(k) is not { } fresh)
            {
                anon.Lock.Release(k, self);
                yield return Pageout.Wait(k, "flt_noram1");
            }
            else
            {
                fresh.Anon = anon;
                fresh.PqAnon = true;
                fresh.BusyOwner = "uvmfault_anonget";
                anon.Page = fresh;
                bool bad = anon.SwSlot == SwapSpace.SwslotBad; // uvm_swap_get(): SWSLOT_BAD fails at once
                if (!bad) k.Uvmexp.SwpgOnly--; // uvm_swap_get(): no longer only in swap
                if (!bad) fresh.Data = k.Vm.Swap.Data(anon.SwSlot); // the read: whatever the slot holds
                bool locked = k.Config.Has(Switches.AnongetReadsLocked); // anonget-reads-locked
                if (!locked) anon.Lock.Release(k, self);
                if (!bad) self.MaySleep(); // uvm_swap_io(): biowait() sleeps until the read is done, mi_switch() releases the big lock
                yield return Step.Ran("uvmfault_anonget: uvm_swap_get");
                bool relocked = relock?.Invoke() ?? true; // uvmfault_relock(); we own the page, so the anon is relocked either way
                bool early = !locked && !bad && k.Config.Has(Switches.AnongetUnbusiesBeforeRelock); // anonget-unbusies-before-relock
                if (early)
                {
                    k.Vm.PageQueueLock.Acquire(self);
                    PageQueues.Unbusy(k, fresh);
                    k.Vm.PageQueueLock.Release(self);
                }
                if (!locked)
                    foreach (var s in Locks.Take(anon.Lock, self, "uvmfault_anonget: relock after I/O")) yield return s;
                if (bad && (fresh.Flags & PageFlags.Released) != 0)
                {
                    // The read failed and the anon was freed meanwhile (uvm_anfree() marked the busy
                    // page PG_RELEASED): "goto released", uvm_anon_release(), and the error
                    // (uvm_fault.c 1.113). Only without the big lock: a failed read never sleeps.
                    Release(k, self, anon, fresh);
                    anon.Lock.Release(k, self);
                    result.Value = null;
                    if (ioError is not null) ioError.Value = true;
                    yield return Step.Ran("uvmfault_anonget: I/O error, uvm_pagefree");
                    yield break;
                }
                if (bad)
                {
                    // The read failed: an_page = NULL, uvm_pagefree() (the page was never
                    // un-busied, so never mapped), unlock, return the error to uvm_fault().
                    anon.Page = null;
                    k.Vm.PageQueueLock.Acquire(self);
                    PageQueues.Unbusy(k, fresh);
                    PageQueues.Free(k, fresh);
                    k.Vm.PageQueueLock.Release(self);
                    anon.Lock.Release(k, self);
                    result.Value = null;
                    if (ioError is not null) ioError.Value = true;
                    yield return Step.Ran("uvmfault_anonget: I/O error, uvm_pagefree");
                    yield break;
                }
                // anonget-skips-released-check: the page of an anon freed during the read is taken as read.
                if ((fresh.Flags & PageFlags.Released) != 0 && !k.Config.Has(Switches.AnongetSkipsReleasedCheck))
                {
                    // The anon was freed while we read: uvm_anon_release(), then ERESTART.
                    Release(k, self, anon, fresh);
                    anon.Lock.Release(k, self);
                    result.Value = null;
                    yield break;
                }
                k.Vm.PageQueueLock.Acquire(self);
                if (!early) PageQueues.Unbusy(k, fresh);
                PageQueues.Activate(k, fresh);
                k.Vm.PageQueueLock.Release(self);
                if (!relocked && !k.Config.Has(Switches.AnongetIgnoresRelockFailure)) // anonget-ignores-relock-failure
                {
                    // Not relocked: drop the anon and ERESTART; the refault finds the entry gone.
                    anon.Lock.Release(k, self);
                    result.Value = null;
                    yield return Step.Ran("uvmfault_anonget: relock failed, ERESTART");
                    yield break;
                }
                result.Value = fresh;
                yield break;
            }
            if (relock?.Invoke() == false)
            {
                result.Value = null; // uvmfault_relock() failed and the page is not ours: ERESTART, nothing locked
                yield break;
            }
            foreach (var s in Locks.Take(anon.Lock, self, "uvmfault_anonget: relock")) yield return s;
        }
    }

    /// <summary>
    /// uvm_anfree() as its callers call it (uvm_amap.c amap_wipeout(), uvm_loan.c
    /// uvm_unloananon(): <c>refs = --anon-&gt;an_ref; simple_unlock(&amp;anon-&gt;an_lock); if (refs == 0)
    /// uvm_anfree(anon);</c>): the anon unlocked with no reference left. Its entry
    /// KASSERT(anon-&gt;an_ref == 0) reads an_ref unlocked (uvm_anon.c 1.15 and 1.21.4.2), then
    /// uvm_anon_lockloanpg() locks the anon and, for a page it borrows from an object, try-locks
    /// the object (toggling an_lock and retrying while that fails); the rest is one step.
    /// <paramref name="afterFree"/> runs once the anon is freed, before the unlocks (a mutation's
    /// stale access).
    /// </summary>
    internal static IEnumerable<Step> FreeUnlocked(Kernel k, KernelThread self, Anon anon, Action? afterFree = null)
    {
        SimpleLock? ObjLock() => anon.Page is { Object: { } o } p && p.Anon == anon && !p.PqAnon ? o.Lock : null;
        if (anon.RefCountUnlocked is var left and not 0)
            throw new KernelPanicException("uvm_anfree", $"KASSERT(anon->an_ref == 0) failed: {anon} has an_ref {left}");
        if (k.Config.Has(Switches.LockloanpgWaitsForObject))
        {
            // lockloanpg-waits-for-object: simple_lock() of the object where the kernel try-locks it.
            foreach (var s in Locks.Take(anon.Lock, self, "uvm_anfree: uvm_anon_lockloanpg")) yield return s;
            foreach (var s in Locks.Take(ObjLock, self, "uvm_anon_lockloanpg: simple_lock")) yield return s;
        }
        else
        {
            foreach (var s in Locks.TakeAfter(() => Locks.Take(anon.Lock, self, "uvm_anfree: uvm_anon_lockloanpg"), ObjLock,
                         self, "uvm_anon_lockloanpg: simple_lock_try failed", backOff: () => anon.Lock.Release(k, self)))
                yield return s;
        }
        var objLock = ObjLock();
        // PR kern/23171 (switch pr23171): until the fix ("uvm_anfree: we can't wait for the page here
        // because the caller might hold amap lock. instead, just mark the page as PG_RELEASED"),
        // uvm_anfree() waited for a busy page it owns, whatever its caller held (uvm_anon.c
        // 1.21.4.2: pmap_page_protect(pg, VM_PROT_NONE); while ((pg = anon->u.an_page) &&
        // (pg->flags & PG_BUSY) != 0) { pg->flags |= PG_WANTED; UVM_UNLOCK_AND_WAIT(pg,
        // &anon->an_lock, 0, "anfree", 0); simple_lock(&anon->an_lock); }); amap_wipeout() holds am_l.
        while (objLock is null && k.Config.Has(Switches.Pr23171) && anon.Page is { Busy: true } busy)
        {
            Pmap.PageProtectNone(k, busy);
            PageQueues.Want(busy);
            anon.Lock.Release(k, self);
            yield return Step.Sleep("uvm_anfree: page busy (anfree)", busy.Channel);
            foreach (var s in Locks.Take(anon.Lock, self, "uvm_anfree: relock")) yield return s;
        }
        Free(k, self, anon);
        afterFree?.Invoke();
        objLock?.Release(k, self);
        anon.Lock.Release(k, self);
        yield return Step.Ran("uvm_anfree");
    }

    /// <summary>
    /// uvm_anfree() with an_lock held: free the page (or mark a busy one PG_RELEASED, for whoever
    /// un-busies it to release the anon) and the swap slot. An anon that borrows an object's page
    /// (an O->A loan) only drops its loan; the caller then holds the object's lock too
    /// (uvm_anon_lockloanpg()).
    /// </summary>
    internal static void Free(Kernel k, KernelThread self, Anon anon)
    {
        anon.RefCount = 0;
        if (anon.Page is { Object: not null } borrowed && borrowed.Anon == anon && !borrowed.PqAnon)
        {
            // The page is owned by a uobject: kill the loan rather than free the page.
            k.Vm.PageQueueLock.Acquire(self);
            if (borrowed.LoanCount <= 0)
                throw new KernelPanicException("uvm_anfree", $"KASSERT(pg->loan_count > 0) failed: {borrowed}");
            borrowed.LoanCount--;
            borrowed.Anon = null;
            anon.Page = null;
            k.Vm.PageQueueLock.Release(self);
        }
        else if (anon.Page is { } p)
        {
            Pmap.PageProtectNone(k, p); // "page has no uobject, so we must be the owner of it": pmap_page_protect(pg, VM_PROT_NONE)
            if (p.Busy)
            {
                p.Flags |= PageFlags.Released;
                return;
            }
            k.Vm.PageQueueLock.Acquire(self);
            PageQueues.Free(k, p);
            k.Vm.PageQueueLock.Release(self);
        }
        else if (anon.SwSlot > 0)
        {
            if (!k.Config.Has(Switches.AnfreeSkipsSwpgonly)) k.Uvmexp.SwpgOnly--; // the page was only in swap
        }
        DropSwap(k, self, anon);
        k.Vm.AnonList.Remove(anon);
        anon.Free("uvm_anfree");
    }

    /// <summary>uvm_anon_release(): a PG_RELEASED page of a freed anon: free page, slot and anon.</summary>
    internal static void Release(Kernel k, KernelThread self, Anon anon, Page p)
    {
        Pmap.PageProtectNone(k, p); // uvmfault_anonget(), PG_RELEASED: pmap_page_protect(pg, VM_PROT_NONE), then uvm_anfree()
        k.Vm.PageQueueLock.Acquire(self);
        // release-unbusies-freed-page: uvm_pagefree() first, then the un-busy.
        bool late = k.Config.Has(Switches.ReleaseUnbusiesFreedPage);
        if (!late) PageQueues.Unbusy(k, p);
        PageQueues.Free(k, p);
        if (late) PageQueues.Unbusy(k, p);
        k.Vm.PageQueueLock.Release(self);
        if (!k.Config.Has(Switches.AnonReleaseSkipsDropswap)) DropSwap(k, self, anon); // anon-release-skips-dropswap
        k.Vm.AnonList.Remove(anon);
        anon.Free("uvm_anon_release");
    }

    /// <summary>uvm_anon_dropswap(): free the anon's slot if it has one.</summary>
    internal static void DropSwap(Kernel k, KernelThread self, Anon anon)
    {
        if (anon.SwSlot > 0)
            k.Vm.Swap.Free(self, anon.SwSlot, 1, skipCount: k.Config.Has(Switches.DropswapSkipsSwpginuse), countAfterUnlock: k.Config.Has(Switches.SwapFreeCountsAfterUnlock));
        anon.SwSlot = 0;
    }

    /// <summary>
    /// anon_swap_off(start, end): page in every anon whose slot lies in [start, end), then
    /// anon_pagein() (uvm_anon.c of 2002, the 1.21 branch text) frees the slot with
    /// uvm_swap_free(anon-&gt;an_swslot, 1), dirties the page and deactivates it. Anons outside the
    /// range cost no step. Two later fixes are the default (each a Discovered switch runs the 2002-04
    /// text): the slot is freed only if it is not 0 (<c>anon-pagein-frees-slot-zero</c>), and the walk
    /// holds the anon it pages in, as amap_swap_off() holds its amap (<c>anon-swap-off-unheld</c>).
    /// </summary>
    internal static IEnumerable<Step> SwapOff(Kernel k, KernelThread self, int start, int end)
    {
        // anon-swap-off-unheld: the 2002-04 walk holds nothing on the anon but an_lock.
        bool unheld = k.Config.Has(Switches.AnonSwapOffUnheld);
        foreach (var anon in k.Vm.AnonList.ToArray())
        {
            if (!k.Vm.AnonList.Contains(anon)) continue;
            foreach (var s in Locks.Take(anon.Lock, self, "anon_swap_off: simple_lock(an_lock)")) yield return s;
            // The later amap_swap_off() reaches only anons an amap still holds, under the amap's lock:
            // not one freed while this walk waited for its an_lock, nor a dying one (an_ref 0, waiting
            // for its uvm_anfree()); and it holds the amap while it pages in.
            if (!unheld && (!k.Vm.AnonList.Contains(anon) || anon.RefCount == 0)
                || anon.SwSlot < start || anon.SwSlot >= end)
            {
                anon.Lock.Release(k, self);
                continue;
            }
            // amap_swap_off() holds the amap (AMAP_SWAPOFF), so its anons stay; the model's anon walk
            // holds the anon by a reference (an_ref stands for the amap's here).
            if (!unheld)
            {
                anon.RefCount++;
                k.Vm.SwapOffHeld = anon;
            }
            var got = new Out<Page>();
            foreach (var s in Get(k, self, anon, got)) yield return s;
            if (got.Value is { } p)
            {
                // anon_pagein(): uvm_swap_free(anon->an_swslot, 1), unchecked in 2002-04
                // (anon-pagein-frees-slot-zero); the later text checks an_swslot > 0.
                if (anon.SwSlot > 0 || k.Config.Has(Switches.AnonPageinFreesSlotZero)) k.Vm.Swap.Free(self, anon.SwSlot, 1);
                anon.SwSlot = 0;
                p.Flags &= ~PageFlags.Clean;
                bool unlocked = k.Config.Has(Switches.AnonPageinDeactivatesUnlocked); // anon-pagein-deactivates-unlocked
                if (!unlocked) k.Vm.PageQueueLock.Acquire(self);
                if (p.WireCount == 0 || k.Config.Has(Switches.PageinDeactivatesWired)) PageQueues.Deactivate(k, p); // pagein-deactivates-wired
                if (!unlocked) k.Vm.PageQueueLock.Release(self);
            }
            else if (unheld) continue; // uvmfault_anonget() failed, an_lock dropped: "nothing more to do"
            else
                foreach (var s in Locks.Take(anon.Lock, self, "amap_swap_off: simple_lock(an_lock)")) yield return s;
            // amap_swap_off() lets the amap go; if the owner dropped its reference meanwhile, the
            // wipeout it left is done here (amap_wipeout(), then uvm_anfree()).
            bool last = !unheld && --anon.RefCount == 0;
            k.Vm.SwapOffHeld = null;
            anon.Lock.Release(k, self);
            yield return Step.Ran("anon_pagein");
            if (last)
                foreach (var s in FreeUnlocked(k, self, anon)) yield return s;
        }
    }
}
