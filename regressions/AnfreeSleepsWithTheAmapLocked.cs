using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// PR kern/23171: uvm_anfree() sleeps on a busy page with the amap locked. Kernel:
/// sys/uvm/uvm_anon.c rev 1.21.4.2 (2002), uvm_anfree(): for a page the anon owns,
/// <c>pmap_page_protect(pg, VM_PROT_NONE); while ((pg = anon-&gt;u.an_page) &amp;&amp; (pg-&gt;flags &amp;
/// PG_BUSY) != 0) { pg-&gt;flags |= PG_WANTED; UVM_UNLOCK_AND_WAIT(pg, &amp;anon-&gt;an_lock, 0,
/// "anfree", 0); ... }</c>; amap_wipeout() (uvm_amap.c) calls it with the amap's am_l held. Fixed
/// by "PG_RELEASED for anon pages. PR/23171 from Christian Limpach" ("uvm_anfree: we can't wait
/// for the page here because the caller might hold amap lock. instead, just mark the page as
/// PG_RELEASED"; uvm_anon_release() frees it when it is un-busied); the fix's revision and date were
/// not confirmed. The default kernel runs the fix (model/Pager/AnonPager.cs).
///
/// Setup (scenario cow-fork): a process writes its anonymous pages, forks, and writes again,
/// in 3 free pages with a 6-slot swap, so the pagedaemon pages its anons out.
///
/// Interleaving: the pagedaemon's uvmpd_scan_inactive() busies one of the process's anon pages
/// and starts its pageout; before aiodoned completes it, the process exits: uvmspace_free()
/// unmaps the entry, amap_wipeout() takes am_l, drops the anon's last reference and calls
/// uvm_anfree(), which finds the page busy and sleeps.
///
/// Violated: no simple lock may be held across a sleep (kern_lock.c LOCKDEBUG,
/// simple_lock_switchcheck(): "switching with held simple_lock"); the generic detector
/// SleepWithSpinLock reports it (docs/detectors.md), no invariant of this bug's own.
/// </summary>
[Trait("PR", "kern/23171")]
public sealed class AnfreeSleepsWithTheAmapLocked
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// pr23171 --seed S [--engine coyote]</c>): in-process 1, 1, 2, 1, 1, 2, 2, 2, 4, 1; Coyote 1, 2,
    /// 1, 2, 6, 3, 1, 3, 1, 2 (worst 6). 50 leaves room; the fixed kernel runs the same search (see
    /// <see cref="Search.FixedBudget"/>).
    /// </summary>
    private const int Budget = 50;

    private const string PinnedSchedule = "cow-fork-pr23171-SleepWithSpinLock-seed0.json";

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void BuggyKernelSleepsInUvmAnfreeHoldingAmL(EngineKind engine)
    {
        Search.AssertFound("cow-fork", Switches.Configure(["pr23171"]), Budget, "detector SleepWithSpinLock", engine, cx =>
        {
            Assert.Contains("in uvm_anfree: page busy (anfree) holding spin lock am_l", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug pr23171</c> (seed 0, schedule 1, co-shrunk:
    /// workload size 14 -> 6, steps 159 -> 30; re-pinned in session 34, when exit1() of a
    /// copy-on-write process gained its step that may sleep before exit_lwps()). The process enters
    /// exit1() at step 23; the pagedaemon starts the pageout of page 2 (anon 2, the copy the
    /// process's second write made) at step 26; uvmspace_free() unmaps at step 27, and amap_wipeout()
    /// drops anon 2's last reference at step 28. It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [detector SleepWithSpinLock] detector: SleepWithSpinLock: cow1
    /// sleeps on page 2 in uvm_anfree: page busy (anfree) holding spin lock am_l of amap 2 (in cow1)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays(PinnedSchedule, "detector SleepWithSpinLock");
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("cow-fork", Budget, engine);
    }
}
