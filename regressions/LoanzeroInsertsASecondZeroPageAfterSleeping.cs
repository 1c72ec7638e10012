using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// <para>
/// <b>uvm_loanzero() does not look the zero page up again after sleeping for memory</b>
/// (NetBSD sys/uvm/uvm_loan.c, 2003, fix "after sleeping for memory, re-check whether we have a
/// page"; no PR number known). Rev 1.40 made every zero-fill loan share one zero page owned by
/// uvm_loanzero_object. The exact pre-fix and fix revisions were not recoverable (no uvm_loan.c
/// text between rev 1.29.2.4, 2002, and 2011 survives): the pre-fix loop is reconstructed
/// (docs/kernel-sources.md, page loans) from the fixed form of later revisions, which after uvm_wait("loanzero")
/// go back to <c>again:</c> and call uvm_pagelookup() before allocating.
/// </para>
/// <para>
/// <i>Setup</i> (scenario <c>loan-zero</c>): 3 free pages, 4 swap slots; anon1 writes 3 pages;
/// loan1 and loan2 each write one page of their buffer and then send a page they never touched,
/// so each send goes to uvm_loanzero(); loan2 then lends that page to an anon and takes it back.
/// </para>
/// <para>
/// <i>Interleaving</i> (pinned schedule, 30 steps with the big lock's spins and returns): loan1,
/// loan2 and anon1 fault pages in until memory is gone. loan1's send finds no zero page,
/// uvm_pagealloc() fails and it sleeps (<c>uvm_wait: loanzero</c>), releasing the big lock. The
/// pagedaemon drops the page queues for its swapout walk (<c>uvm_swapout_threads</c>), starts
/// pageouts (<c>uvmpd_scan_inactive: uvm_swap_put</c>), the aiodone daemon completes them
/// (<c>uvm_aio_aiodone</c>; no page was free as it took them, so it wakes the pagedaemon, whose pass
/// ends by waking the memory waiters). loan2's loan now finds no zero page
/// either, allocates it and lends it to an anon (<c>uvm_loanzero: loan to anon</c>) and exits.
/// loan1 wakes, relocks and retries
/// uvm_pagealloc(&amp;uvm_loanzero_object, 0) with its stale lookup.
/// </para>
/// <para>
/// <i>Violated</i>: the kernel assertion in uvm_pageinsert (a second page at an offset that
/// already has one: <c>panic uvm_pageinsert</c>), which states the rule "at most one page per
/// (object, offset)". Without the assertion the 2003 kernel would have linked both pages into the
/// object: one of them unreachable by uvm_pagelookup(), a page leaked for good.
/// </para>
/// </summary>
[Trait("PR", "none (uvm_loan.c fix 2003, loan-recheck-after-sleep)")]
public sealed class LoanzeroInsertsASecondZeroPageAfterSleeping
{
    /// <summary>
    /// Schedules per seed. Over 30 seeds k * 1_000_003 the pre-fix kernel panicked in schedule 1 to
    /// 5 (median 1; over the ten seeds of <see cref="Search.Seeds"/> also median 1, worst 5; since
    /// aiodoned wakes one channel per batch, session 19: 1, 1, 3, 7, 1, 1, 10, 1, 4, 3), so 60
    /// leaves a wide margin. The fixed kernel runs all 60 per seed (~120 Coyote decisions each).
    /// </summary>
    private const int Budget = 60;

    private static readonly KernelConfig PreFix = Switches.Configure(["loan-recheck-after-sleep"]);

    /// <summary>Expected: "[panic uvm_pageinsert]" on every seed, raised by the loaner that slept.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void PreFixKernelInsertsASecondZeroPage(EngineKind engine)
    {
        Search.AssertFound("loan-zero", PreFix, Budget, "panic uvm_pageinsert", engine, cx => Assert.Contains("uvm_loanzero_object[0] already holds", cx.Violation.Message));
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug loan-recheck-after-sleep</c> (first seed 0, schedule 1, co-shrunk:
    /// workload size 18 -> 13, steps 49 -> 33). Re-pinned when kernel threads took a CPU to run (issue 17 item 5): the
    /// pagedaemon, proc0, aiodoned, the reaper and init now wait on the run queue for a CPU, which
    /// changed every schedule's steps; the interleaving of the story is the same. Re-pinned again when the big kernel lock became the default and the process actors kept it
    /// through each system call (issue 18), and when the pagedaemon's scan dropped the page queues
    /// around its swapout walk in workloads without LWPs (session 18: seed 0, schedule 1, co-shrunk:
    /// workload size 18 -> 13, steps 53 -> 30; loan1 now sleeps in uvm_wait: loanzero while loan2
    /// inserts the zero page, on seeds 0-5 alike), and when aiodoned came to wake one channel per batch
    /// (session 19: seed 0, schedule 1, co-shrunk: workload size 18 -> 13, steps 53 -> 34), and when
    /// the loan client's exit came to drop each anon's an_lock before uvm_anfree() (session 31: seed
    /// 0's shrunk schedule now has loan2 panic; <c>--seed 3</c>, schedule 1, co-shrunk: workload size
    /// 18 -> 13, steps 52 -> 38, keeps the story: loan1 sleeps in uvm_wait: loanzero while loan2
    /// lends the zero page to an anon, exits and unloans). It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [panic uvm_pageinsert] panic: uvm_pageinsert: uvm_loanzero_object[0]
    /// already holds page 1 (in loan1)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReproducesTheSecondZeroPage()
    {
        Search.AssertReplays("loan-zero-loan-recheck-after-sleep-uvm_pageinsert-seed3.json", "panic uvm_pageinsert",
            replay => Assert.Equal("loan1", replay.Steps[^1].Thread));
    }

    /// <summary>The same search against the fixed kernel: every invariant and assertion holds.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("loan-zero", Budget, engine);
    }
}
