using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// Invariants of page loans and page ownership (uvm_loan.c, uvm_page.c, docs/kernel-sources.md, page loans): who
/// holds a loaned page, what the pagedaemon may take, and that no page is lost. Two ownership
/// rules are kernel assertions in the model rather than invariants: at most one page per
/// (object, offset) (uvm_pageinsert() panics on a duplicate) and UVM_PAGE_OWN(pg, NULL) of an owned,
/// unwired, unloaned page on no paging queue (uvm_page_own() panics, UVM_PAGE_TRKOWN).
/// </summary>
public static class LoanInvariants
{
    /// <summary>
    /// What the loan-kernel-page-queued fix prevents (docs/kernel-sources.md, page loans). A page on loan to the kernel is in use by it (an mbuf being sent);
    /// freeing it only disowns it, so the pagedaemon gains no memory, the owner loses its copy, and
    /// a pageout writes a page the kernel reads. Reclaiming an O->A page is allowed: that loan is
    /// broken by design (the borrowing anon keeps the page). Checked at the event, in
    /// uvmpd_scan_inactive() (model/Pagedaemon/PageoutScan.cs).
    /// </summary>
    public static readonly Invariant PagedaemonNeverReclaimsAPageLoanedToTheKernel = Invariant.AtEvent(
        nameof(PagedaemonNeverReclaimsAPageLoanedToTheKernel),
        "The pagedaemon never frees or pages out a page that is on loan to the kernel.", "loan");

    /// <summary>loan_count accounting: no loan is lost or counted twice.</summary>
    public static readonly Invariant LoanCountMatchesTheLoansHeld = new(
        nameof(LoanCountMatchesTheLoansHeld),
        "A page's loan_count equals the kernel's outstanding loans of it plus one if an anon borrows it.",
        "loan", k =>
        {
            var (pages, loans) = (k.Vm.Pages, k.Vm.KernelLoans);
            Span<int> held = pages.Count <= PageIndex.StackLimit ? stackalloc int[pages.Count] : new int[pages.Count];
            for (int i = 0; i < loans.Count; i++)
                if (PageIndex.Of(pages, loans[i]) is var at and >= 0) held[at]++;
            for (int i = 0; i < pages.Count; i++)
            {
                var p = pages[i];
                int expected = held[PageIndex.Of(pages, p)];
                if (p.LoanCount < 0 || p.KernelLoans != expected)
                    return $"{p} has loan_count {p.LoanCount} but the kernel holds {expected} loan(s) on it"
                        + (p.Anon is not null && !p.PqAnon ? $" and {p.Anon} borrows it" : "");
            }
            return null;
        })
    {
        Reads = StateDomain.Pages,
    };

    /// <summary>A use-after-free of loaned memory: the kernel reads a page that is free or reused.</summary>
    public static readonly Invariant PageLoanedToTheKernelIsNeverFree = Invariant.ForAll(
        nameof(PageLoanedToTheKernelIsNeverFree),
        "A page the kernel holds on loan is not on the free list.",
        "loan", k => k.Vm.KernelLoans,
        p => p.Queue != PageQueue.Free,
        p => $"the kernel still holds a loan on {p}, which is free") with { Reads = StateDomain.Pages };

    /// <summary>
    /// The pagedaemon locks a queued page through its object or its anon (KASSERT(anon != NULL) in
    /// uvmpd_scan_inactive); a queued page with neither would panic it.
    /// </summary>
    public static readonly Invariant QueuedPageHasAnObjectOrAnAnon = Invariant.ForAll(
        nameof(QueuedPageHasAnObjectOrAnAnon),
        "A page on the active or inactive queue belongs to an object or an anon (as owner or borrower).",
        "loan", k => k.Vm.Pages,
        p => p.Queue is not (PageQueue.Active or PageQueue.Inactive) || p.Object is not null || p.Anon is not null,
        p => $"{p} is on the {p.Queue} queue with neither object nor anon") with { Reads = StateDomain.Pages };

    /// <summary>
    /// No page leaks: uvm_unloanpage() frees an ownerless page at its last loan, and every other
    /// path frees or keeps an owner. A path that keeps an ownerless page for its own use (a pool
    /// page) declares itself its holder (<see cref="Page.Holder"/>, model/Vm/PageHolder.cs). A page
    /// with none of these is lost to the system: the name predates declared holders and is kept,
    /// as counterexample files name it.
    /// </summary>
    public static readonly Invariant UnownedPageIsFreeWiredOrOnLoan = Invariant.ForAll(
        nameof(UnownedPageIsFreeWiredOrOnLoan),
        "A page that is not free has an owner (anon or object), is wired, is still on loan, or is held by a path that declared itself its holder.",
        "vm", k => k.Vm.Pages,
        p => p.Queue == PageQueue.Free || p.Owned || p.WireCount > 0 || p.LoanCount > 0 || p.Holder is not null,
        p => $"{p} is neither free nor owned, wired, on loan or held by a declared holder (leaked)") with { Reads = StateDomain.Pages };

    /// <summary>UVM_PAGE_OWN(pg, tag) records who set PG_BUSY; a busy page nobody owns is never un-busied.</summary>
    public static readonly Invariant BusyPageHasARecordedOwner = Invariant.ForAll(
        nameof(BusyPageHasARecordedOwner),
        "A busy page has a recorded owner (UVM_PAGE_OWN's owner tag).",
        "vm", k => k.Vm.Pages,
        p => !p.Busy || p.BusyOwner is not null,
        p => $"{p} is busy but no owner is recorded") with { Reads = StateDomain.Pages };

    /// <summary>Every loan invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
    [
        PagedaemonNeverReclaimsAPageLoanedToTheKernel, LoanCountMatchesTheLoansHeld, PageLoanedToTheKernelIsNeverFree,
        QueuedPageHasAnObjectOrAnAnon, UnownedPageIsFreeWiredOrOnLoan, BusyPageHasARecordedOwner,
    ];
}
