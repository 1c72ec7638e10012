using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// PR kern/22752: uvm_swap_free() of slot 0 under SysV shared memory and heavy paging.
/// Kernel: sys/uvm/uvm_aobj.c rev 1.39.2.6 (2002), uao_pagein_page(); fixed by making the
/// release check the old slot, as uao_dropswap() does (later revisions call uao_dropswap()
/// there). The exact fix commit was not found: the site is reconstructed as the one aobj slot
/// release of the period that passes the old slot to uvm_swap_free() unchecked.
///
/// Setup (scenario shm-swap): two processes share a 4-page shm aobj in 5 pages of memory whose
/// free target keeps the pagedaemon paging it out to a 1-slot swap device; an administrator
/// runs swapctl -d / -a four times.
///
/// Interleaving: the pagedaemon pages a segment page out (ScanInactive, uvm_aio_aiodone), so its
/// aobj entry holds slot 1. swapctl -d clears SWF_ENABLE and uao_pagein_page() calls uao_get(),
/// which sleeps on the page while a process faults it back in (uao_get: page busy /
/// uvm_swap_get). The process writes the page; a pagedaemon pass finds swap full and frees the
/// page's slot (uao_set_swslot(…, 0) in the swap-shortage scan), or drops it before a pageout
/// that finds no swap. uao_pagein_page() wakes, owns the resident page, and uao_set_swslot()
/// returns 0; the pre-fix code calls uvm_swap_free(0, 1).
///
/// Violated: the kernel assertion in uvm_swap_free (swapdrum_getsdp(0) == NULL:
/// KASSERT(sdp != NULL)).
/// </summary>
[Trait("PR", "kern/22752")]
public sealed class SwapFreeOfSlotZeroUnderShm
{
    /// <summary>
    /// Iterations per seed. Over 24 seeds spaced 1,000,003 apart the random strategy needed a
    /// median of 26 and at worst 142 iterations to find the bug with Coyote; the in-process engine,
    /// over the ten seeds of <see cref="Search.Seeds"/>, a median of 63 and at worst 240. 400 leaves
    /// room; the fixed kernel runs the same search (see <see cref="Search.FixedBudget"/>).
    /// </summary>
    private const int Budget = 400;

    private const string PinnedSchedule = "shm-swap-pr22752-uvm_swap_free-seed0.json";

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void BuggyKernelFreesSlotZero(EngineKind engine)
    {
        Search.AssertFound("shm-swap", Switches.Configure(["pr22752"]), Budget, "panic uvm_swap_free", engine, cx =>
        {
            Assert.Contains("swapdrum_getsdp(0) == NULL", cx.Violation.Message);
            Assert.Equal("swapctl", cx.Steps[^1].Thread);
        });
    }

    /// <summary>
    /// Pinned replay. Original failure (seed 0, schedule 26):
    /// [panic uvm_swap_free] panic: uvm_swap_free: swapdrum_getsdp(0) == NULL: KASSERT(sdp != NULL)
    /// failed (uvm_swap_free(0, 1)) (in swapctl)
    ///   27  shm2       uao_get: uvm_swap_get
    ///   28  shm1       uao_get: page busy  [sleep]
    ///   29  shm2       uvm_fault: pmap_enter
    ///   30  pagedaemon uvm_pageout: pass done  [sleep]
    ///   31  shm1       uvm_fault: pmap_enter
    ///   32  swapctl    uvm_swap_free  [panic]
    /// </summary>
    [Fact]
    public void PinnedScheduleReproducesTheSlotZeroFree()
    {
        Search.AssertReplays(PinnedSchedule, "panic uvm_swap_free");
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("shm-swap", Budget, engine);
    }
}
