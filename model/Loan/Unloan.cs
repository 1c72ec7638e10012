using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// uvm_unloan() of sys/uvm/uvm_loan.c rev 1.29.2.4 (2002): uvm_unloanpage() drops the kernel's
/// loans and uvm_unloananon() the anon loans. uvm_unloanpage() holds uvm.pageqlock and only
/// try-locks each page's owner (it locks in the wrong order); when the try-lock fails it drops
/// and retakes uvm.pageqlock, modelled as a wait for the owner lock. Per page: loan_count--; an
/// ownerless page that an anon borrowed becomes that anon's (loan_count-- again, PQ_ANON); with no
/// kernel loan left, a page with an owner or a borrowing anon goes back on the active queue (the
/// later revisions' extra case for a page still loaned to an anon) and a page with neither is freed.
/// </summary>
public static class Unloan
{
    /// <summary>uvm_unloanpage(ploans, npages): give back the kernel's loans on <paramref name="pages"/>; one step.</summary>
    internal static IEnumerable<Step> UnloanPages(Kernel k, KernelThread self, IReadOnlyList<Page> pages)
    {
        int i = 0;
        while (i < pages.Count)
        {
            bool skipOwner = k.Config.Has(Switches.UnloanpageSkipsOwnerLock); // unloanpage-skips-owner-lock
            if (!skipOwner)
                foreach (var s in Locks.Take(() => pages[i].OwnerLock, self, "uvm_unloanpage: simple_lock_try failed")) yield return s;
            var pg = pages[i];
            var slock = skipOwner ? null : pg.OwnerLock;
            k.Vm.PageQueueLock.Acquire(self);
            DropKernelLoan(k, pg);
            k.Vm.PageQueueLock.Release(self);
            if (slock is not null) slock.Release(k, self);
            if (!k.Config.Has(Switches.UnloanpageKeepsLoanListEntry)) k.Vm.KernelLoanList.Remove(pg); // unloanpage-keeps-loan-list-entry
            i++;
        }
        yield return Step.Ran("uvm_unloanpage");
    }

    /// <summary>One page of uvm_unloanpage(), uvm.pageqlock and the owner (if any) locked.</summary>
    private static void DropKernelLoan(Kernel k, Page pg)
    {
        if (pg.LoanCount <= 0) throw new KernelPanicException("uvm_unloanpage", $"KASSERT(pg->loan_count > 0) failed: {pg}");
        pg.LoanCount--;
        if (pg.Object is null && pg.Anon is not null && !pg.PqAnon)
        {
            // Loaned to the anon from an object that dropped it: the anon's loan becomes ownership.
            if (pg.LoanCount <= 0) throw new KernelPanicException("uvm_unloanpage", $"KASSERT(pg->loan_count > 0) failed: {pg}");
            pg.LoanCount--;
            pg.PqAnon = true;
        }
        if (pg.KernelLoans > 0) return;
        if (pg.Object is null && pg.Anon is null)
        {
            if (pg.Busy) throw new KernelPanicException("uvm_unloanpage", $"KASSERT((pg->flags & PG_BUSY) == 0) failed: {pg}");
            if (k.Config.Has(Switches.UnloanRequeuesOwnerlessPage)) PageQueues.Activate(k, pg);
            else if (!k.Config.Has(Switches.UnloanLeaksOwnerlessPage)) PageQueues.Free(k, pg);
        }
        else
        {
            PageQueues.Activate(k, pg);
        }
    }

    /// <summary>
    /// uvm_unloananon() (uvm_loan.c; the loop of rev 1.13 kept through 2003): an_ref-- under
    /// an_lock, unlock; at the last reference uvm_anfree() with the anon unlocked (uvm_anon.c:
    /// "anon must be unlocked and have a zero reference count", asserted on entry since rev 1.15,
    /// 2001, and in 1.21.4.2). uvm_anfree() relocks it to find the page's real owner
    /// (uvm_anon_lockloanpg(), which try-locks the object of a page the anon borrows and, while
    /// that is held, toggles an_lock and retries). Cut as the kernel cuts it: the unlock ends a
    /// step, and so does each retry. Without the big lock (<see cref="Switches.LoanSharesDyingAnon"/>
    /// selects such a kernel) uvm_loanzero()/uvm_loanuobj() may share the dying anon through
    /// pg-&gt;uanon in either window; under the 2004 big lock the caller keeps kernel_lock from the
    /// unlock to uvm_anfree() (neither sleeps), so no loan runs in between (docs/fidelity.md).
    /// </summary>
    internal static IEnumerable<Step> UnloanAnon(Kernel k, KernelThread self, Anon anon)
    {
        foreach (var s in Locks.Take(anon.Lock, self, "uvm_unloananon: simple_lock(an_lock)")) yield return s;
        bool early = k.Config.Has(Switches.UnloanDropsRefUnlocked); // unloan-drops-ref-unlocked: the unlock comes first
        if (early) anon.Lock.Release(k, self);
        int refs = --anon.RefCount;
        if (!early) anon.Lock.Release(k, self);
        yield return Step.Ran("uvm_unloananon");
        if (refs > 0) yield break;
        foreach (var s in AnonPager.FreeUnlocked(k, self, anon, () =>
        {
            // unloan-touches-freed-anon: KASSERT(anon->an_swslot == 0) after uvm_anfree() returned the anon.
            if (k.Config.Has(Switches.UnloanTouchesFreedAnon) && anon.SwSlot != 0)
                throw new KernelPanicException("uvm_unloananon", $"{anon} still has swap slot {anon.SwSlot}");
        }))
            yield return s;
    }
}
