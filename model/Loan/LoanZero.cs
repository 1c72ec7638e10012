using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// uvm_loanzero() of sys/uvm/uvm_loan.c after rev 1.40 (2003), which made every zero-fill loan
/// share one zero-filled page owned by uvm_loanzero_object (docs/kernel-sources.md, page loans): lock the zero
/// object; look the page up; if there is none, allocate it at offset 0 with UVM_PGA_ZERO, or
/// unlock everything and sleep in uvm_wait("loanzero"); initialise a new page (PG_RDONLY, on a
/// paging queue, then UVM_PAGE_OWN(pg, NULL)); then loan it to the kernel (loan_count++, off the
/// queues) or to an anon (share pg-&gt;uanon, else a new anon with loan_count++). Two of the 2003
/// fixes went in here (<see cref="Switches.LoanRecheckAfterSleep"/>, <see cref="Switches.LoanZeroPageUnqueued"/>; the third in <see cref="PageLoan.LoanPageToKernel"/>). Their exact
/// revisions were not recoverable: the history holds no uvm_loan.c text between rev 1.29.2.4
/// (2002) and 2011; a mirror's history pages show rev 1.39 (2002-07-14) and rev 1.41
/// (2003-03-05, the zero object's pager, <see cref="Put"/>) but only their headers were
/// reachable, so the pre-fix code is reconstructed from the fixed form of later revisions
/// (docs/kernel-sources.md, page loans). Locks: the zero object's vmobjlock (held across steps, so others wait
/// on it), an_lock, uvm.pageqlock inside a step. Left out: the lender's map and amap relock
/// (uvmfault_relock() cannot fail for a single-LWP lender).
/// </summary>
public static class LoanZero
{
    /// <summary>uvm_loanzero(): loan the shared zero page to the kernel or to an anon, allocating it if needed.</summary>
    internal static IEnumerable<Step> Loan(Kernel k, KernelThread self, bool toKernel, List<Page> pages, List<Anon> anons)
    {
        var zero = k.Vm.LoanZeroObject;
        while (true) // again:
        {
            foreach (var s in Locks.Take(zero.Lock, self, "uvm_loanzero: simple_lock(uvm_loanzero_object)")) yield return s;
            var pg = zero.PageAt(0); // uvm_pagelookup(&uvm_loanzero_object, 0)
            bool fresh = false, stale = false;
            while (pg is null)
            {
                if ((pg = AllocZeroPage(k, zero)) is not null)
                {
                    fresh = true;
                    break;
                }
                zero.Lock.Release(k, self); // uvmfault_unlockall()
                yield return Pageout.Wait(k, "loanzero");
                // loan-recheck-after-sleep (uvm_loan.c fix, 2003, "after sleeping for memory,
                // re-check whether we have a page"): the fixed code goes back to `again' and looks
                // the page up; the pre-fix loop relocks and retries uvm_pagealloc() at offset 0
                // with the lookup made before the sleep, though another thread may have allocated
                // the zero page meanwhile. Exact revision not recoverable; site reconstructed.
                if (!k.Config.Has(Switches.LoanRecheckAfterSleep))
                {
                    stale = true;
                    break;
                }
                foreach (var s in Locks.Take(zero.Lock, self, "uvm_loanzero: relock after uvm_wait")) yield return s;
            }
            if (stale) continue; // goto again
            if (fresh) InitialiseZeroPage(k, self, pg!);
            foreach (var s in LoanIt(k, self, pg!, toKernel, pages, anons)) yield return s;
            yield break;
        }
    }

    /// <summary>
    /// ulz_put(), the zero object's pgo_put (uvm_loan.c rev 1.41, thorpej, 2003-03-05: "a minimal
    /// pager ... which simply has a put method which reactivates or dequeues the page"), object
    /// locked: the zero page is never freed; under the page-queue lock it is reactivated if an anon
    /// borrows it, else dequeued (only the kernel holds it); then the object is unlocked.
    /// </summary>
    internal static IEnumerable<Step> Put(Kernel k, KernelThread self, Page pg)
    {
        var zero = k.Vm.LoanZeroObject;
        k.Vm.PageQueueLock.Acquire(self);
        if (pg.Anon is not null) PageQueues.Activate(k, pg);
        else PageQueues.Dequeue(k, pg);
        k.Vm.PageQueueLock.Release(self);
        zero.Lock.Release(k, self);
        yield return Step.Ran("ulz_put");
    }

    /// <summary>uvm_pagealloc(&amp;uvm_loanzero_object, 0, NULL, UVM_PGA_ZERO): a busy, zeroed (so not clean) page at offset 0.</summary>
    private static Page? AllocZeroPage(Kernel k, AObj zero)
    {
        if (PageQueues.Alloc(k) is not { } pg) return null;
        zero.Insert(pg, 0); // uvm_pageinsert(): panics if the offset is taken
        pg.Flags &= ~PageFlags.Clean;
        pg.Data = null; // uvm_pagealloc(UVM_PGA_ZERO)
        return pg;
    }

    /// <summary>
    /// A new zero page, zero object locked: clear PG_BUSY|PG_FAKE|PG_WANTED, set PG_RDONLY, put it
    /// on the active queue, then UVM_PAGE_OWN(pg, NULL).
    /// </summary>
    private static void InitialiseZeroPage(Kernel k, KernelThread self, Page pg)
    {
        pg.Flags |= PageFlags.RdOnly;
        // loan-zero-page-unqueued (uvm_loan.c fix, 2003, "put the allocated page on a page queue
        // to satisfy owner tracking (UVM_PAGE_TRKOWN)"): the pre-fix code drops ownership of the
        // new page while it is on no paging queue. Exact revision not recoverable; reconstructed.
        if (!k.Config.Has(Switches.LoanZeroPageUnqueued))
        {
            k.Vm.PageQueueLock.Acquire(self);
            PageQueues.Activate(k, pg);
            k.Vm.PageQueueLock.Release(self);
        }
        PageQueues.UnbusyOwned(k, pg, "uvm_loanzero");
    }

    /// <summary>The loan itself, zero object locked; ends with it unlocked and one step.</summary>
    private static IEnumerable<Step> LoanIt(Kernel k, KernelThread self, Page pg, bool toKernel, List<Page> pages, List<Anon> anons)
    {
        var zero = k.Vm.LoanZeroObject;
        if (toKernel)
        {
            PageLoan.LoanPageToKernel(k, self, pg, "uvm_loanzero");
            pages.Add(pg);
            zero.Lock.Release(k, self);
            yield return Step.Ran("uvm_loanzero: loan to kernel");
            yield break;
        }
        // The zero object stays locked while the thread waits for the anon that shares the page.
        foreach (var s in Locks.Take(() => pg.Anon?.Lock, self, "uvm_loanzero: simple_lock(an_lock)")) yield return s;
        anons.Add(PageLoan.LoanObjectPageToAnon(k, self, pg, "uvm_loanzero"));
        zero.Lock.Release(k, self);
        yield return Step.Ran("uvm_loanzero: loan to anon");
    }
}
