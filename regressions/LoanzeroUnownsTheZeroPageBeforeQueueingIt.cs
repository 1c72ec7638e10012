using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// <para>
/// <b>uvm_loanzero() drops ownership of the new zero page before putting it on a paging queue</b>
/// (NetBSD sys/uvm/uvm_loan.c, 2003, fix "put the allocated page on a page queue to satisfy
/// owner tracking (UVM_PAGE_TRKOWN)"; no PR number known). The exact revisions were not
/// recoverable: the pre-fix order (clear PG_BUSY, UVM_PAGE_OWN(pg, NULL), queue later or never)
/// is reconstructed (docs/kernel-sources.md, page loans) from the zero-loan order of rev 1.29.2.4, the fixed
/// one (uvm_pageactivate() first) from later revisions.
/// </para>
/// <para>
/// <i>Not a race.</i> This is a sequential assertion, and the story says so: in a kernel built with
/// UVM_PAGE_TRKOWN, uvm_page_own() checks that a page whose owner lets go of it is on a paging
/// queue unless it is ownerless, wired or loaned. The zero page, owned by uvm_loanzero_object,
/// unwired and not yet loaned, is on no queue when the pre-fix code un-owns it, whatever the
/// schedule. Exploration of the workload still finds it (no schedule is forced), at the first
/// zero-page loan of the first schedule of every seed. Without TRKOWN the page would stay off the
/// queues until its first unloan.
/// </para>
/// <para>
/// <i>Setup</i> (scenario <c>loan-zero</c>): as for <see cref="LoanzeroInsertsASecondZeroPageAfterSleeping"/>.
/// <i>Interleaving</i>: a loaner (loan2 in the pinned schedule) writes a page of its buffer
/// (<c>uvm_fault: zero-fill anon</c>, <c>uvm_fault: pmap_enter</c>), then sends its untouched page 0:
/// uvm_loanzero() allocates the zero page and un-owns it.
/// <i>Violated</i>: the kernel assertion <c>panic uvm_page_own</c> (UVM_PAGE_TRKOWN).
/// </para>
/// </summary>
[Trait("PR", "none (uvm_loan.c fix 2003, loan-zero-page-unqueued)")]
public sealed class LoanzeroUnownsTheZeroPageBeforeQueueingIt
{
    /// <summary>
    /// Schedules per seed. The assertion is sequential: over 30 seeds k * 1_000_003 it fired in
    /// schedule 1 every time; 20 keeps the fixed run short while still covering 200 schedules.
    /// </summary>
    private const int Budget = 20;

    private static readonly KernelConfig PreFix = Switches.Configure(["loan-zero-page-unqueued"]);

    /// <summary>Expected: "[panic uvm_page_own]" in uvm_loanzero on every seed.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void PreFixKernelUnownsAnUnqueuedZeroPage(EngineKind engine)
    {
        Search.AssertFound("loan-zero", PreFix, Budget, "panic uvm_page_own", engine, cx => Assert.Contains("uvm_loanzero_object[0] is on no paging queue", cx.Violation.Message));
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug loan-zero-page-unqueued --seed 3 --no-shrink</c>
    /// (schedule 1, not shrunk; re-pinned under the big lock, issue 18: the first send now sleeps
    /// for memory in uvm_wait: loanzero, and its retry after the pageouts un-owns the page).
    /// Re-pinned when kernel threads took a CPU to run (issue 17 item 5): seed 0's co-shrunk
    /// schedule had become the panicking step alone, which gives the edit-robust replay tests
    /// (tests/Scenarios/AlignedReplayTests.cs) no step of the loaner followed by another of its own;
    /// seed 3 keeps the story's interleaving (re-pinned, the same command, when the pagedaemon's
    /// scan dropped the page queues around its swapout walk in workloads without LWPs, session 18,
    /// and when aiodoned came to wake one channel per batch, session 19: 42 steps, and the loaner is
    /// now loan2; and when the memory filler got a pmap, session 31, its re-touch of a mapped page
    /// no longer faulting: 42 steps): loan2 <c>uvm_fault: zero-fill anon</c>, <c>uvm_fault: pmap_enter</c>, then
    /// uvm_loanzero(), whose first try sleeps in uvm_wait: loanzero. It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [panic uvm_page_own] panic: uvm_page_own: uvm_loanzero:
    /// KASSERT((pg->uanon == NULL &amp;&amp; pg->uobject == NULL) || pg->wire_count > 0) failed: page 2 of
    /// uvm_loanzero_object[0] is on no paging queue (in loan2)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReproducesTheOwnerTrackingPanic()
    {
        Search.AssertReplays("loan-zero-loan-zero-page-unqueued-uvm_page_own-seed3.json", "panic uvm_page_own");
    }

    /// <summary>The same search against the fixed kernel: every invariant and assertion holds.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("loan-zero", Budget, engine);
    }
}
