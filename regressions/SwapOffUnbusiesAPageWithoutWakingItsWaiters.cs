using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// pagein-page-skips-wakeup, found by this checker once uao_pagein_page()'s un-busy was modelled as
/// the 2002 text reads (docs/fidelity.md, "Found by the checker"). Kernel: sys/uvm/uvm_aobj.c rev
/// 1.39.2.6 (2002), uao_pagein_page(): <c>pg-&gt;flags &amp;= ~(PG_BUSY|PG_CLEAN|PG_FAKE);
/// UVM_PAGE_OWN(pg, NULL);</c>, with no wakeup of a PG_WANTED page and PG_WANTED left set. The
/// later text (1.93.2.1, 2008) has <c>if (pg-&gt;flags &amp; PG_WANTED) { wakeup(pg); } pg-&gt;flags
/// &amp;= ~(PG_WANTED|PG_BUSY|PG_CLEAN|PG_FAKE);</c>, which the default kernel runs; the revision
/// that added it was not found.
///
/// Setup (scenario shm-swap): a process writes pages of a 4-page shm segment in 5 pages of
/// memory with one swap slot, so the pagedaemon pages it out, while swapctl -d removes the swap
/// device.
///
/// Interleaving: swapctl -d's uao_swap_off() pages the segment's paged-out page in through
/// uao_get(), which sleeps over the read with the page busy and the object unlocked. The process
/// faults on the same page, finds it busy in uao_get(), sets PG_WANTED and sleeps on it.
/// uao_pagein_page() then clears PG_BUSY without waking it.
///
/// Violated: the process sleeps on a page that is no longer busy: a lost wakeup. The generic
/// sleepers detector reports it after the un-busy's step (NoSleeperWaitsForWhatIsAlreadyThere,
/// docs/detectors.md; until session 21 only at the end, EverySleeperIsEventuallyWoken, when nothing
/// more could run and the process still slept).
/// </summary>
public sealed class SwapOffUnbusiesAPageWithoutWakingItsWaiters
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// pagein-page-skips-wakeup --seed S [--engine coyote]</c>): in-process 63, 30, 154, 2, 130, 50,
    /// 6, 81, 89, 148; Coyote 39, 16, 2, 44, 25, 24, 3, 54, 50, 8 (worst 154). Since aiodoned wakes one
    /// channel per batch (the same session): in-process 31, 30, 39, 2, 35, 137, 117, 24, 24, 168;
    /// Coyote 76, 11, 84, 38, 25, 16, 19, 20, 17, 43 (worst 168). Since the sleepers are judged after
    /// every step (session 21): in-process 31, 2, 17, 2, 15, 75, 109, 24, 9, 9; Coyote 18, 2, 15,
    /// 30, 14, 10, 9, 2, 7, 8 (worst 109). Since a shmget() of a new key ends a step at its malloc()
    /// (session 32): in-process 87, 6, 68, 10, 26, 24, 5, 4, 4, 43; Coyote 2, 3, 5, 7, 10, 9, 3, 5,
    /// 16, 10 (worst 87).
    /// </summary>
    private const int Budget = 400;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["pagein-page-skips-wakeup"]);

    [Fact]
    public void TheSwitchKeepsTheBigLock() => Assert.True(KernelOfTheText.BigLock);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void AFaultOnThePageSleepsForever(EngineKind engine)
    {
        Search.AssertFound("shm-swap", KernelOfTheText, Budget, "invariant NoSleeperWaitsForWhatIsAlreadyThere", engine, cx =>
        {
            Assert.Matches(@"sleeps on page \d+, but page \d+ .* is not busy", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug pagein-page-skips-wakeup</c> (seed 0,
    /// schedule 35, co-shrunk: workload size 32 -> 9, steps 89 -> 29; re-pinned in session 32, when
    /// shmget() came to end a step at its malloc(), and in session 34, when uao_create() came to put
    /// a new aobj at the head of uao_list, so the walk reaches the shm aobj before kernel_object):
    /// swapctl's uao_get() sleeps on the page while aiodoned finishes its pageout (steps 23-24),
    /// reads it (26); shm1's fault finds it busy and sleeps (27); uao_pagein_page() un-busies it
    /// without the wakeup (28), and the violation is reported after that step. It prints:
    /// <code>
    /// BUG FOUND in schedule 35: [invariant NoSleeperWaitsForWhatIsAlreadyThere] ...
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("shm-swap-pagein-page-skips-wakeup-NoSleeperWaitsForWhatIsAlreadyThere-seed0.json", "invariant NoSleeperWaitsForWhatIsAlreadyThere");
    }

    /// <summary>
    /// The default kernel (the later wakeup) survives the same search under Coyote; in-process, the
    /// default kernel's shm-swap search of <see cref="SwapOffDropsTheLastAobjReferenceWithTheListLocked"/>
    /// (same scenario and kernel, ten thousand schedules a seed) covers ten times this budget, and is not run twice.
    /// </summary>
    [Fact]
    public void DefaultKernelWithTheLaterWakeupSurvivesTheSearch()
    {
        Search.AssertClean("shm-swap", Budget, EngineKind.Coyote);
    }
}
