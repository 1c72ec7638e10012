using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// <para>
/// <b>A page loaned to the kernel stays on its paging queue, and the pagedaemon reclaims it</b>
/// (NetBSD sys/uvm/uvm_loan.c, 2003, fix "dequeue the page when loaning it to the kernel
/// (->K)"; no PR number known). Kernel loans had stopped wiring the page; the fix takes it off the
/// active/inactive queue (uvm_pagedequeue()) when loan_count is bumped. The exact revision was not
/// recoverable: the site, the ->K loan of uvm_loananon, uvm_loanuobj and uvm_loanzero
/// (<see cref="PageLoan.LoanPageToKernel"/>), is reconstructed (docs/kernel-sources.md, page loans).
/// </para>
/// <para>
/// <i>Setup</i> (scenario <c>loan</c>): 4 free pages, 4 swap slots; loan1 writes its 2-page buffer
/// and sends it on a socket twice (uvm_loan to the kernel, transmit, uvm_unloan); anon1 writes
/// 3 pages, so memory runs out while a send holds its loans.
/// </para>
/// <para>
/// <i>Interleaving</i> (pinned schedule, 21 steps with the big lock's returns to user mode): loan1
/// and anon1 fault their pages in; anon1's third write wakes the pagedaemon, whose pass drops the
/// page queues for its swapout walk (<c>uvm_swapout_threads</c>) and deactivates the active pages
/// (<c>uvm_pageout: pass done</c>). loan1's send loans its pages to
/// the kernel (<c>uvm_loanzero: loan to kernel</c>, <c>uvm_loananon: loan to kernel</c>); pre-fix
/// the anon's page stays on the paging queues. When the send returns to user mode and releases
/// the big lock, the pagedaemon starts the pageout of the loaned page (<c>uvmpd_scan_inactive:
/// uvm_swap_put</c>) while the socket still holds it.
/// </para>
/// <para>
/// <i>Violated invariant</i>: <see cref="LoanInvariants.PagedaemonNeverReclaimsAPageLoanedToTheKernel"/>.
/// No panic follows at once: uvm_pagefree() of a loaned page only disowns it. The kernel
/// consequence this invariant checks is the one the fix prevents: the pagedaemon writes out and
/// "frees" a page the kernel is reading, the owner loses its resident copy, and the pass counts
/// memory that never reaches the free list. Had the owner also broken the loan (a write to a
/// shared page), the page would have been left ownerless on the queue, and the next scan would
/// trip KASSERT(anon != NULL) (<see cref="LoanInvariants.QueuedPageHasAnObjectOrAnAnon"/>).
/// </para>
/// </summary>
[Trait("PR", "none (uvm_loan.c fix 2003, loan-kernel-page-queued)")]
public sealed class PagedaemonReclaimsAPageLoanedToTheKernel
{
    /// <summary>
    /// Schedules per seed. Over 30 seeds k * 1_000_003 the pre-fix kernel was caught in schedule 1
    /// to 6 (median 2; over the ten seeds of <see cref="Search.Seeds"/> median 1.5, worst 3), so 60
    /// leaves a wide margin. The fixed kernel runs all 60 per seed (~115 Coyote decisions each).
    /// </summary>
    private const int Budget = 60;

    private static readonly KernelConfig PreFix = Switches.Configure(["loan-kernel-page-queued"]);

    /// <summary>Expected: "[invariant PagedaemonNeverReclaimsAPageLoanedToTheKernel]" on every seed.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void PreFixKernelLetsThePagedaemonReclaimALoanedPage(EngineKind engine)
    {
        Search.AssertFound("loan", PreFix, Budget, "invariant PagedaemonNeverReclaimsAPageLoanedToTheKernel", engine, cx => Assert.Equal("pagedaemon", cx.Steps[^1].Thread));
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug loan-kernel-page-queued</c> (seed 0, schedule 6, co-shrunk:
    /// workload size 15 -> 9, steps 32 -> 19). Re-pinned when kernel threads took a CPU to run (issue 17 item 5): the
    /// pagedaemon, proc0, aiodoned, the reaper and init now wait on the run queue for a CPU, which
    /// changed every schedule's steps; the interleaving of the story is the same. Re-pinned again when the big kernel lock became the default and the process actors kept it
    /// through each system call (issue 18), and when the pagedaemon released it in its puts (schedule 1 -> 6),
    /// and when its scan dropped the page queues around the swapout walk in workloads without LWPs
    /// (session 18: schedule 6 -> 1, co-shrunk: workload size 15 -> 9, steps 64 -> 21).
    /// It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [invariant PagedaemonNeverReclaimsAPageLoanedToTheKernel] The
    /// pagedaemon never frees or pages out a page that is on loan to the kernel. Violated: the
    /// pagedaemon paged out page 1 of anon 1 while the kernel held 1 loan(s) on it. After pagedaemon:
    /// uvmpd_scan_inactive: uvm_swap_put.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReproducesTheReclaim()
    {
        Search.AssertReplays("loan-loan-kernel-page-queued-PagedaemonNeverReclaimsAPageLoanedToTheKernel-seed0.json",
            "invariant PagedaemonNeverReclaimsAPageLoanedToTheKernel");
    }

    /// <summary>The same search against the fixed kernel: every invariant and assertion holds.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("loan", Budget, engine);
    }
}
