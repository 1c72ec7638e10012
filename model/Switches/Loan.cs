namespace Uvm.Model;

/// <summary>
/// The switches of the page-loan paths (model/Loan/LoanZero.cs, model/Loan/PageLoan.cs, model/Loan/Unloan.cs).
/// The three historical ones are the loan fixes of uvm_loan.c (2003) that docs/kernel-sources.md
/// explains under "Page loans"; no PR is known for them and their exact revisions were not
/// recoverable, so each site is reconstructed from the fixed form of later uvm_loan.c.
/// </summary>
public static partial class Switches
{
    /// <summary>uvm_anon_lockloanpg(): the borrowed page's object is locked with simple_lock() instead of simple_lock_try().</summary>
    public static readonly KernelSwitch LockloanpgWaitsForObject = Mutation("lockloanpg-waits-for-object", "uvm_anon_lockloanpg", "loan-share",
        "uvm_anon_lockloanpg() holds an_lock and takes the object of the page the anon borrows with simple_lock() where the kernel uses simple_lock_try() and backs off, against the order object before anon that uvm_loanuobj() keeps (a lock order reversed)")
        with { Kills = ["LockOrder"], Budget = 200 };

    /// <summary>
    /// "After sleeping for memory, re-check whether we have a page": the pre-fix uvm_loanzero(),
    /// when uvm_pagealloc() of the shared zero page fails, sleeps in uvm_wait("loanzero"), relocks
    /// and retries the allocation at (uvm_loanzero_object, 0) without looking the page up again.
    /// The fix goes back to the lookup. Read in <see cref="Uvm.Model.LoanZero"/>.
    /// </summary>
    public static readonly KernelSwitch LoanRecheckAfterSleep = new("loan-recheck-after-sleep", SwitchKind.Historical, "uvm_loanzero", "loan-zero")
    {
        Origin = "uvm_loan.c fix (2003)",
        Title = "uvm_loanzero does not look the zero page up again after sleeping for memory; a second page lands at the same offset",
        Description = "uvm_loanzero() finds no shared zero page, uvm_pagealloc() fails and it sleeps in uvm_wait(\"loanzero\"); another "
            + "loan allocates the zero page meanwhile; back awake, the pre-fix loop retries uvm_pagealloc(&uvm_loanzero_object, 0) "
            + "without a new uvm_pagelookup(), and uvm_pageinsert() panics on the duplicate offset (a corrupt object and a leaked "
            + "page without DIAGNOSTIC). Exact revision not recoverable; site reconstructed.",
        Expected = "panic uvm_pageinsert",
        Budget = 60,
    };

    /// <summary>
    /// "Put the allocated page on a page queue to satisfy owner tracking (UVM_PAGE_TRKOWN)": the
    /// pre-fix uvm_loanzero() un-busies a new zero page with UVM_PAGE_OWN(pg, NULL) before (or
    /// without) uvm_pageactivate(). Read in <see cref="Uvm.Model.LoanZero"/>; the order follows the
    /// zero loan of uvm_loan.c rev 1.29.2.4.
    /// </summary>
    public static readonly KernelSwitch LoanZeroPageUnqueued = new("loan-zero-page-unqueued", SwitchKind.Historical, "uvm_loanzero", "loan-zero")
    {
        Origin = "uvm_loan.c fix (2003)",
        Title = "uvm_loanzero drops ownership of the new zero page before putting it on a page queue (UVM_PAGE_TRKOWN)",
        Description = "The pre-fix uvm_loanzero() clears PG_BUSY of the zero page it just allocated and calls UVM_PAGE_OWN(pg, NULL) while "
            + "the page, owned by uvm_loanzero_object, unwired and not yet loaned, is on no paging queue; a UVM_PAGE_TRKOWN "
            + "kernel panics in uvm_page_own(). A sequential assertion: the first zero-page loan of any schedule trips it. "
            + "Exact revision not recoverable; site reconstructed.",
        Expected = "panic uvm_page_own",
        Budget = 20,
    };

    /// <summary>
    /// "Dequeue the page when loaning it to the kernel (->K)": the pre-fix loan to the kernel bumps
    /// loan_count but leaves the page on its paging queue. Read in
    /// <see cref="Uvm.Model.PageLoan.LoanPageToKernel"/>, the one helper of every ->K loan.
    /// </summary>
    public static readonly KernelSwitch LoanKernelPageQueued = new("loan-kernel-page-queued", SwitchKind.Historical, "uvm_loanpage (uvm_loananon, uvm_loanuobj, uvm_loanzero)", "loan")
    {
        Kills = ["PagedaemonNeverReclaimsAPageLoanedToTheKernel"],
        Origin = "uvm_loan.c fix (2003)",
        Title = "a page loaned to the kernel stays on its paging queue; the pagedaemon reclaims a page the kernel is using",
        Description = "The pre-fix loan to the kernel (uvm_loananon/uvm_loanuobj/uvm_loanzero with UVM_LOAN_TOPAGE) bumps loan_count "
            + "without uvm_pagedequeue(). While a socket send holds the loan, memory pressure lets the pagedaemon deactivate "
            + "the page and then free it (only disowning it) or page it out: the owner loses a page the kernel still reads, "
            + "the pagedaemon counts memory it did not free. Exact revision not recoverable; site reconstructed.",
        Expected = "invariant PagedaemonNeverReclaimsAPageLoanedToTheKernel",
        Budget = 60,
    };

    /// <summary>
    /// Found by the checker (issue 17; docs/fidelity.md, "Found by the checker"): uvm_unloananon()
    /// (uvm_loan.c 1.29.2.4, the loop of rev 1.13) drops the last an_ref under an_lock, unlocks and
    /// only then calls uvm_anfree(); uvm_loanzero() (rev 1.40 on) and uvm_loanuobj() reach the same
    /// anon through pg-&gt;uanon under the page owner's lock and share it with an_ref++. Landing in
    /// between, they revive an anon that uvm_anfree() then frees: its KASSERT(anon-&gt;an_ref == 0)
    /// (uvm_anon.c 1.15, 1.21.4.2) panics, or, when the new borrower bumps an_ref while uvm_anfree()
    /// backs off in uvm_anon_lockloanpg(), the borrower holds a freed anon. The model cuts at the
    /// unlock as the kernel does; the 2004 kernel's big lock keeps every loan out of that window
    /// (the unloaning process holds kernel_lock from the unlock to uvm_anfree(), no sleep in
    /// between; clean under it, issue 18), so the switch selects a kernel without the big lock
    /// (<see cref="KernelSwitch.BigLock"/> false), where the 2004 code is reachable. NetBSD never re-checked: the 2011 locking
    /// rework (an_lock shared with the amap's) compiled the sharing out ("#ifdef notdef",
    /// "XXX: locking" in uvm_loanuobj(), "TODO: locking" in uvm_unloananon(); read in uvm_loan.c
    /// 1.81.2.10). Read in <see cref="Uvm.Model.Unloan.UnloanAnon"/>.
    /// </summary>
    public static readonly KernelSwitch LoanSharesDyingAnon = new("loan-shares-dying-anon", SwitchKind.Discovered, "uvm_unloananon, uvm_anfree (uvm_loanzero, uvm_loanuobj)", "loan-share")
    {
        Origin = "uvm_loan.c, 2011 locking rework (read in 1.81.2.10): ->A loans of object and zero pages compiled out",
        Title = "uvm_loanzero shares an anon through pg->uanon after uvm_unloananon dropped its last reference, before uvm_anfree (without the big lock)",
        BigLock = false,
        Description = "Two processes lend a never-touched page to anons: both share the zero page's anon. One gives it back: "
            + "uvm_unloananon() drops an_ref to 0 and unlocks; before its uvm_anfree() the other's uvm_loanzero() finds the anon "
            + "through pg->uanon and takes a reference (an_ref 1). uvm_anfree()'s KASSERT(anon->an_ref == 0) panics. When the "
            + "bump lands past the assertion (while uvm_anon_lockloanpg() toggles an_lock), or the new borrower gives the anon "
            + "back first, the anon is freed under a borrower and the next uvm_anfree() reads a freed anon (detector "
            + "UseAfterFree). Since session 24 the use-after-free detector reports the reference taken from 0 itself, at the loan "
            + "(\"reference taken on a dying object\"). Reachable only without the 2004 big lock (the switch selects a kernel "
            + "without it); NetBSD later disabled loans of object and zero pages to anons instead of fixing the window.",
        Expected = "detector UseAfterFree",
        Budget = 20,
    };

    /// <summary>
    /// Found by the checker (session 33, from a review of the pagedaemon against uvm_pdaemon.c 1.39):
    /// uvmpd_scan_inactive() takes <c>anon = p-&gt;uanon</c> for every page, and an object's page that
    /// an anon borrows (uvm_loanuobj() to an anon: uanon set, PQ_AOBJ, loan_count 1) has one. The
    /// scan locks the object (the page is not PQ_ANON), then treats the borrower as the owner: a
    /// clean page is freed (uvm_pagefree() only takes it from its object: it is loaned) and
    /// <c>KASSERT(anon-&gt;an_swslot != 0)</c> fails on the borrower, which never had a slot
    /// (without DIAGNOSTIC, <c>anon-&gt;u.an_page = NULL</c> takes the page from a borrower whose an_lock
    /// is not held); a dirty page's new slot goes to the borrower's an_swslot instead of the
    /// object's table, after uao_dropswap() dropped the object's copy. Every stored text through
    /// 2019 keeps <c>anon = p-&gt;uanon</c>; NetBSD compiled the loans of object pages to anons out in
    /// the 2011 locking rework (uvm_loan.c, read in 1.81.2.10). The default takes the owner's anon
    /// only (PQ_ANON), as the model did before. Read in <see cref="Uvm.Model.PageoutScan"/>.
    /// </summary>
    public static readonly KernelSwitch PageoutTakesBorrowerForOwner = new("pageout-takes-borrower-for-owner", SwitchKind.Discovered, "uvmpd_scan_inactive", "loan-shm")
    {
        Origin = "uvm_loan.c, 2011 locking rework (read in 1.81.2.10): ->A loans of object pages compiled out",
        Title = "the pagedaemon frees or pages out an object page an anon borrows as if the anon owned it",
        Description = "An object's page lent to an anon (uvm_loanuobj() to an anon) has pg->uanon set while the object owns it. "
            + "uvmpd_scan_inactive() locks the object and takes anon = p->uanon: a clean page is freed and "
            + "KASSERT(anon->an_swslot != 0) fails on the borrower, which never had a swap slot; a dirty page's new slot is "
            + "written to the borrower's an_swslot without its an_lock, after uao_dropswap() dropped the object's copy.",
        Expected = "detector LockDiscipline",
        Budget = 100,
    };

    /// <summary>
    /// uvm_fault.c 1.69, case 2 on a loaned object page: <c>uvm_pagecopy(uobjpage, pg); pg-&gt;flags
    /// &amp;= ~(PG_FAKE|PG_CLEAN); pmap_page_protect(uobjpage, VM_PROT_NONE); ...
    /// uvm_pagerealloc(uobjpage, NULL, 0)</c>: only the copy is marked dirty; uvm_pagerealloc() takes
    /// the old page out of its object without touching its flags (uvm_pagefree()'s loan branch marks
    /// a loaned object page dirty "for the benefit of possible anon owners", this path does not
    /// call it). A clean page an anon borrows is then ownerless and clean: the pagedaemon hands it
    /// to the anon and frees it as clean, though the anon has no swap copy. The 2012 text marks an
    /// orphan dirty when an anon takes it over (uvm_loan_resolve_orphan()). Read in <see cref="LoanFault"/>.
    /// </summary>
    public static readonly KernelSwitch LoanBreakLeavesOldPageClean = new("loan-break-leaves-old-page-clean", SwitchKind.Discovered, "uvm_fault (case 2, loaned object page)", "loan-shm")
    {
        Origin = "uvm_loan.c uvm_loan_resolve_orphan() (2012 text): an orphan an anon takes over is marked dirty",
        Title = "a write fault breaks the loan of a clean object page and leaves the old page, which an anon borrows, clean",
        Description = "A clean aobj page (read back from swap) is lent to an anon; its owner writes it and case 2A copies it "
            + "and uvm_pagerealloc()s the old page out of the object, PG_CLEAN still set. The pagedaemon hands the ownerless "
            + "page to the borrowing anon and, the page clean, frees it: KASSERT(anon->an_swslot != 0) fails (the anon never had "
            + "a slot), or without DIAGNOSTIC the anon's only copy of its data is gone.",
        Expected = "panic uvmpd_scan_inactive",
        Budget = 100,
    };

    /// <summary>uvm_unloanpage(): an ownerless page whose last kernel loan is dropped is not freed.</summary>
    public static readonly KernelSwitch UnloanLeaksOwnerlessPage = Mutation("unloan-leaks-ownerless-page", "uvm_unloanpage", "loan",
        "uvm_unloanpage() does not uvm_pagefree() an ownerless page whose last kernel loan it drops (a page leaked)")
        with { Kills = ["UnownedPageIsFreeWiredOrOnLoan"], Budget = 100 };

    /// <summary>uvm_unloanpage(): an ownerless page whose last kernel loan is dropped goes back on the active queue instead of being freed.</summary>
    public static readonly KernelSwitch UnloanRequeuesOwnerlessPage = Mutation("unloan-requeues-ownerless-page", "uvm_unloanpage", "loan",
        "uvm_unloanpage() uvm_pageactivate()s an ownerless page whose last kernel loan it drops instead of uvm_pagefree()ing it (the two branches swapped)")
        with { Kills = ["QueuedPageHasAnObjectOrAnAnon"], Budget = 100 };

    /// <summary>uvm_pagefree(): a page still on loan is freed like any other.</summary>
    public static readonly KernelSwitch PagefreeFreesLoanedPage = Mutation("pagefree-frees-loaned-page", "uvm_pagefree", "loan",
        "uvm_pagefree() skips its loan_count check and puts a page the kernel still holds on loan on the free list (a check skipped)")
        with { Kills = ["PageLoanedToTheKernelIsNeverFree"], Budget = 100 };

    /// <summary>uvm_loanpage(): the page is handed to the kernel but loan_count++ is skipped.</summary>
    public static readonly KernelSwitch LoanToKernelSkipsLoanCount = Mutation("loan-to-kernel-skips-loan-count", "uvm_loanpage", "loan",
        "uvm_loanpage() (UVM_LOAN_TOPAGE) dequeues the page and hands it to the kernel but skips loan_count++ (a reference count not taken)")
        with { Kills = ["LoanCountMatchesTheLoansHeld"], Budget = 50 };

    /// <summary>uvm_unloananon(): an_swslot of the anon is asserted after uvm_anfree() freed it. Killed by the use-after-free detector.</summary>
    public static readonly KernelSwitch UnloanTouchesFreedAnon = Mutation("unloan-touches-freed-anon", "uvm_unloananon", "loan-zero",
        "uvm_unloananon() asserts an_swslot == 0 after uvm_anfree() returned the anon to the free list (a field of an anon touched after free)");

    /// <summary>
    /// uvm_unloananon(): <c>refs = --anon-&gt;an_ref</c> moved after <c>simple_unlock(&amp;anon-&gt;an_lock)</c>, out of the
    /// section that protects it. Killed by the lock-discipline detector.
    /// </summary>
    public static readonly KernelSwitch UnloanDropsRefUnlocked = Mutation("unloan-drops-ref-unlocked", "uvm_unloananon", "loan-zero",
        "uvm_unloananon() drops an_ref after simple_unlock(&anon->an_lock) (a protected write moved out of its section)")
        with { Kills = ["LockDiscipline"], Budget = 20 };

    /// <summary>
    /// uvm_unloanpage(): the loop that try-locks each page's owner (vmobjlock or an_lock) is skipped, so
    /// loan_count is dropped under uvm.pageqlock alone. Killed by the lock-discipline detector.
    /// </summary>
    public static readonly KernelSwitch UnloanpageSkipsOwnerLock = Mutation("unloanpage-skips-owner-lock", "uvm_unloanpage", "loan",
        "uvm_unloanpage() drops loan_count under uvm.pageqlock without locking the page's owner (a protected write with one of its two locks)")
        with { Kills = ["LockDiscipline"], Budget = 20 };

    /// <summary>
    /// From the session-22 mutation hunt: uvm_loanuobj() hands the anon already borrowing the page to a
    /// second borrower without an_ref++ (a reference not taken). Caught by the use-after-free detector.
    /// </summary>
    public static readonly KernelSwitch LoanToAnonSkipsBorrowerRef = Mutation("loan-to-anon-skips-borrower-ref", "uvm_loanuobj", "loan-share",
        "uvm_loanuobj() hands the anon already borrowing the page to a second borrower without an_ref++ (a reference not taken)");

    /// <summary>
    /// From the session-22 mutation hunt: uvm_unloanpage() drops the loan but the kernel's loan list
    /// still names the page (a list entry left). Caught by LoanCountMatchesTheLoansHeld.
    /// </summary>
    public static readonly KernelSwitch UnloanpageKeepsLoanListEntry = Mutation("unloanpage-keeps-loan-list-entry", "uvm_unloanpage", "loan",
        "uvm_unloanpage() drops the loan but the kernel's loan list still names the page (a list entry left)");

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): the mbuf free skips sodoloanfree()'s uvm_unloan().</summary>
    public static readonly KernelSwitch SosendSkipsUnloan = Mutation("sosend-skips-unloan", "sodoloanfree", "loan",
        "sosend() transmits the loaned pages but the mbuf free skips sodoloanfree()'s uvm_unloan() (an error path that leaks): the pages stay loaned to the kernel for good")
        with { Kills = ["KernelLoansAreReturned"], Budget = 5 };

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): uvm_loananon() drops an_lock before it loans the anon's page to the kernel. Caught by LockDiscipline (loan_count written without an_lock) at schedule 1 of seeds 0-2, with or without the big lock.</summary>
    public static readonly KernelSwitch LoananonUnlocksBeforeLoan = Mutation("loananon-unlocks-before-loan", "uvm_loananon", "loan",
        "uvm_loananon() loaning an anon's page to the kernel drops the anon's an_lock before loan_count++ and uvm_pagedequeue() (a lock released one statement early)")
        with { Kills = ["LockDiscipline"], Budget = 5 };

    /// <summary>
    /// From session 35's hunt (a leftover of session 34's: a loan counted before its "first loan"
    /// test, which needed a lender with a pmap): a loan to the kernel bumps loan_count without
    /// pmap_page_protect(pg, VM_PROT_READ) on the first loan, so the lender keeps its writable
    /// mapping and its next store writes the page the kernel is sending. Caught in loan-mapped,
    /// whose lender has pmaps, by PrivateMappingWritesOnlyItsOwnAnon (designated), schedule 1.
    /// </summary>
    public static readonly KernelSwitch LoanToKernelSkipsWriteProtect = Mutation("loan-to-kernel-skips-write-protect", "uvm_loanpage", "loan-mapped",
        "a loan to the kernel skips pmap_page_protect(pg, VM_PROT_READ) on the first loan, so the lender writes the lent page in place (a pmap_page_protect() skipped)")
        with { Kills = ["PrivateMappingWritesOnlyItsOwnAnon"], Budget = 20 };
}
