using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// map-clean-deactivates-busy, found by this checker (session 24; docs/fidelity.md, "Found by the
/// checker"): uvm_map_clean()'s amap loop (uvm_map.c; the same from 1.86 of 2000 to 1.317 of 2012)
/// takes an_lock and, for PGO_DEACTIVATE (madvise(MADV_DONTNEED)) or a shared amap's PGO_FREE, tests
/// the page's loan and wire counts and PQ_ANON, never PG_BUSY, then pmap_clear_reference() and
/// uvm_pagedeactivate() under the page queues' lock; for PGO_FREE of an unshared amap it frees the
/// anon, busy page or not. 1.330.2.1 (2015) skips a busy page first (<c>if (pg-&gt;flags &amp;
/// PG_BUSY) continue;</c>); the default kernel runs that.
///
/// Setup (scenario cow-madvise): as for <see cref="MadvFreeLeavesAMappingOfAPageItsAmapGaveUp"/>;
/// the child writes page 1 and calls madvise(MADV_DONTNEED) while a memory filler keeps the
/// pagedaemon paging anons out.
///
/// Interleaving: the pagedaemon's uvmpd_scan_inactive() busies one of the child's anon pages for its
/// pageout and drops the page queues' lock for uvm_swap_put(); the child's madvise() runs in that
/// window and deactivates the page.
///
/// Violated: the lock-discipline detector's PG_BUSY rule (model/Vm/Page.cs: a path changes a page
/// another path holds busy). What the 2003-04 deactivation broke is not shown here: a page under
/// pageout is already on the inactive queue, so only its reference bit is cleared.
/// </summary>
public sealed class MadviseDeactivatesAPageAPageoutHolds
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// map-clean-deactivates-busy --seed S [--engine coyote]</c>): in-process 3, 22, 3, 1, 2, 3, 1, 3,
    /// 2, 8; Coyote 4, 2, 6, 13, 4, 2, 1, 3, 2, 8 (worst 22).
    /// </summary>
    private const int Budget = 100;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["map-clean-deactivates-busy"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void MadviseDeactivatesABusyPage(EngineKind engine)
    {
        Search.AssertFound("cow-madvise", KernelOfTheText, Budget, ["detector LockDiscipline"], engine, cx =>
        {
            Assert.Contains("is PG_BUSY", cx.Violation.Message);
            Assert.Contains("deactivated by", cx.Violation.Message);
        });
    }

    /// <summary>The default loop (a busy page skipped) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void SkippingBusyPagesSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("cow-madvise", Budget, engine);
    }
}
