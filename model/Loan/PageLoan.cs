using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// Page loanout, uvm_loan() of sys/uvm/uvm_loan.c as docs/kernel-sources.md (page loans) describes it for 2003
/// (the code of rev 1.29.2.4, 2002, plus the shared zero page of rev 1.40, <see cref="LoanZero"/>):
/// uvm_loanentry() dispatches each page of the range to uvm_loananon() (the amap has an anon),
/// uvm_loanuobj() (the backing object) or uvm_loanzero() (a zero-fill page never touched). A loan to
/// the kernel (UVM_LOAN_TOPAGE, O->K and A->K) bumps loan_count and takes the page off the paging
/// queues; a loan to an anon (UVM_LOAN_TOANON) shares the anon (an_ref++) or gives an object page a
/// borrowing anon (O->A, loan_count++, the page stays queued). Locks: an_lock or vmobjlock, then
/// uvm.pageqlock inside a step. Left out: the map and amap locks and uvmfault_relock() (the lender
/// is a single-LWP process whose map does not change while it loans), uvm_analloc() failure,
/// EAGAIN retries. The first loan of a page write-protects its mappings (pmap_page_protect(pg,
/// VM_PROT_READ), <see cref="Cow.Pmap.PageProtectRead"/>: a shm user's mapping of a lent segment
/// page, and a mapped lender's own (loan-mapped; the other lenders fault on every access).
/// </summary>
public static class PageLoan
{
    /// <summary>
    /// uvm_loan() of page <paramref name="index"/> of a process's memory: private anon pages
    /// [0, amap.Length), then the pages of its shared object <paramref name="obj"/>. The loaned page
    /// is appended to <paramref name="pages"/> (to the kernel) or its anon to <paramref name="anons"/>.
    /// </summary>
    internal static IEnumerable<Step> Loan(Kernel k, KernelThread self, Anon?[] amap, AObj? obj, int index, bool toKernel,
        List<Page> pages, List<Anon> anons)
    {
        if (index < amap.Length)
        {
            var sub = amap[index] is { } anon
                ? LoanAnon(k, self, anon, toKernel, pages, anons)
                : LoanZero.Loan(k, self, toKernel, pages, anons);
            foreach (var s in sub) yield return s;
        }
        else if (obj is not null && index - amap.Length < obj.Size)
        {
            foreach (var s in LoanObject(k, self, obj, index - amap.Length, toKernel, pages, anons)) yield return s;
        }
    }

    /// <summary>
    /// uvm_loananon(): to an anon, share it (an_ref++); to the kernel, make its page resident with
    /// uvmfault_anonget() (which may sleep) and loan that page. The lender's anons own their pages.
    /// </summary>
    private static IEnumerable<Step> LoanAnon(Kernel k, KernelThread self, Anon anon, bool toKernel, List<Page> pages, List<Anon> anons)
    {
        foreach (var s in Locks.Take(anon.Lock, self, "uvm_loananon: simple_lock(an_lock)")) yield return s;
        if (!toKernel)
        {
            // "if (pg && (pg->pqflags & PQ_ANON) != 0 && anon->an_ref == 1) /* read protect it */
            // pmap_page_protect(pg, VM_PROT_READ);": the anon becomes shared, so its owner's
            // mapping must fault to copy before it writes.
            if (anon.Page is { PqAnon: true } lent && anon.RefCount == 1) Pmap.PageProtectRead(k, lent);
            anon.RefCount++;
            anons.Add(anon);
            anon.Lock.Release(k, self);
            yield return Step.Ran("uvm_loananon: an_ref++");
            yield break;
        }
        var got = new Out<Page>();
        foreach (var s in AnonPager.Get(k, self, anon, got)) yield return s;
        if (got.Value is not { } p) yield break; // ERESTART: the anon went away (not for the lender's own)
        bool early = k.Config.Has(Switches.LoananonUnlocksBeforeLoan); // loananon-unlocks-before-loan: simple_unlock(&anon->an_lock) first
        if (early) anon.Lock.Release(k, self);
        LoanPageToKernel(k, self, p, "uvm_loananon");
        pages.Add(p);
        if (!early) anon.Lock.Release(k, self);
        yield return Step.Ran("uvm_loananon: loan to kernel");
    }

    /// <summary>
    /// uvm_loanuobj(): get the object page busy (uao_get() with PGO_LOCKED, else unlocked, which may
    /// sleep), then loan it to the kernel, or to the anon that already borrows it (an_ref++), or to
    /// a new anon (loan_count++, uvm_pageactivate()); un-busy it with UVM_PAGE_OWN(pg, NULL).
    /// </summary>
    private static IEnumerable<Step> LoanObject(Kernel k, KernelThread self, AObj obj, int index, bool toKernel, List<Page> pages, List<Anon> anons)
    {
        // an_lock of the anon already borrowing the page is taken after vmobjlock; model the wait
        // as a retry that un-busies the page and unlocks the object first.
        var got = new Out<Page>();
        foreach (var s in Locks.TakeAfter(() => LockAndBusy(k, self, obj, index, got), () => toKernel ? null : got.Value?.Anon?.Lock,
                     self, "uvm_loanuobj: simple_lock(an_lock)",
                     backOff: () => { PageQueues.UnbusyOwned(k, got.Value!, "uvm_loanuobj"); obj.Lock.Release(k, self); }))
            yield return s;
        if (got.Value is not { } p) yield break; // uao_get() failed (SWSLOT_BAD: EIO), the object unlocked: the page is not loaned
        if (toKernel)
        {
            LoanPageToKernel(k, self, p, "uvm_loanuobj");
            PageQueues.UnbusyOwned(k, p, "uvm_loanuobj");
            pages.Add(p);
            obj.Lock.Release(k, self);
            yield return Step.Ran("uvm_loanuobj: loan to kernel");
            yield break;
        }
        anons.Add(LoanObjectPageToAnon(k, self, p, "uvm_loanuobj"));
        PageQueues.UnbusyOwned(k, p, "uvm_loanuobj");
        obj.Lock.Release(k, self);
        yield return Step.Ran("uvm_loanuobj: loan to anon");
    }

    /// <summary>uvm_loanuobj(): lock the object and get its page busy, with uao_get(PGO_LOCKED) or unlocked (may sleep).</summary>
    private static IEnumerable<Step> LockAndBusy(Kernel k, KernelThread self, AObj obj, int index, Out<Page> got)
    {
        foreach (var s in Locks.Take(obj.Lock, self, "uvm_loanuobj: simple_lock(vmobjlock)")) yield return s;
        got.Value = null;
        if (obj.PageAt(index) is { Busy: false } resident)
        {
            PageQueues.Busy(resident, "uvm_loanuobj"); // uao_get(PGO_LOCKED)
            got.Value = resident;
        }
        else
        {
            foreach (var s in AObjPager.Get(k, self, obj, index, got)) yield return s;
        }
    }

    /// <summary>
    /// The anon half of a loan to an anon of an object's page (uvm_loanuobj, uvm_loanzero), owner
    /// locked: share the anon that already borrows it (whose an_lock the caller took), or give the
    /// page a new borrowing anon: an_page, uanon without PQ_ANON, loan_count++, uvm_pageactivate().
    /// Approx.: a page the kernel also holds on loan is left off the queues (rev 1.29.2.4 activates
    /// it regardless, which would hand the pagedaemon a page the kernel is using).
    /// </summary>
    internal static Anon LoanObjectPageToAnon(Kernel k, KernelThread self, Page p, string site)
    {
        if (p.Anon is { } borrower)
        {
            if (!k.Config.Has(Switches.LoanToAnonSkipsBorrowerRef)) borrower.RefCount++; // loan-to-anon-skips-borrower-ref
            borrower.Lock.Release(k, self);
            return borrower;
        }
        var anon = AnonPager.Alloc(k, self); // uvm_analloc(): returned locked
        anon.Page = p;
        anon.Written = p.Object is { } o ? o.Written(p.Index) : p.Data; // the anon's data is what the page's object expects of it
        p.Anon = anon;
        k.Vm.PageQueueLock.Acquire(self);
        if (p.WireCount != 0) throw new KernelPanicException(site, $"KASSERT(pg->wire_count == 0) failed: {p}");
        if (p.LoanCount == 0) Pmap.PageProtectRead(k, p); // "if (pg->loan_count == 0) pmap_page_protect(pg, VM_PROT_READ);"
        p.LoanCount++;
        if (p.KernelLoans == 0) PageQueues.Activate(k, p);
        k.Vm.PageQueueLock.Release(self);
        anon.Lock.Release(k, self); // simple_unlock(&anon->an_lock)
        return anon;
    }

    /// <summary>
    /// A loan to the kernel (UVM_LOAN_TOPAGE), owner locked: under uvm.pageqlock
    /// KASSERT(pg-&gt;wire_count == 0), loan_count++ (pmap_page_protect(pg, VM_PROT_READ) on the
    /// first loan) and uvm_pagedequeue(pg), so that the pagedaemon never finds a page the kernel is
    /// using. The kernel now holds the page (an mbuf, say) until uvm_unloanpage().
    /// </summary>
    internal static void LoanPageToKernel(Kernel k, KernelThread self, Page pg, string site)
    {
        k.Vm.PageQueueLock.Acquire(self);
        if (pg.WireCount != 0) throw new KernelPanicException(site, $"KASSERT(pg->wire_count == 0) failed: {pg}");
        if (pg.LoanCount == 0 && !k.Config.Has(Switches.LoanToKernelSkipsWriteProtect)) Pmap.PageProtectRead(k, pg); // "if (pg->loan_count == 0) pmap_page_protect(pg, VM_PROT_READ);" (loan-to-kernel-skips-write-protect)
        if (!k.Config.Has(Switches.LoanToKernelSkipsLoanCount)) pg.LoanCount++;
        // loan-kernel-page-queued: the pre-fix loan leaves the page on its paging queue. The 2003
        // kernel takes it off: rev 1.39 (chs, 2002-07-14) says "pages loaned to the kernel really
        // do need to stay resident" and puts a page back on a queue only when the last kernel loan
        // goes, and rev 1.41's ulz_put() dequeues a zero page that only the kernel borrows. Rev
        // 1.13 (1999) wired the page instead; later revisions activate it. The exact revision of
        // the change was not recoverable (docs/kernel-sources.md, page loans); the site is every
        // ->K loan (uvm_loananon, uvm_loanuobj, uvm_loanzero).
        if (!k.Config.Has(Switches.LoanKernelPageQueued)) PageQueues.Dequeue(k, pg);
        k.Vm.PageQueueLock.Release(self);
        k.Vm.KernelLoanList.Add(pg);
    }
}
