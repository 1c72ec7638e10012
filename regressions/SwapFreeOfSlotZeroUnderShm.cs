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
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/>, measured once kernel
    /// threads (the pagedaemon, aiodoned) took the one CPU to run (issue 17 item 5): the in-process
    /// engine 157, 97, 342, 40, 54, 293, 62, 85, 5, 58 (median 74, worst 342); Coyote 404, 161, 3,
    /// 12, 629, 214, 115, 37, 24, 169 (median 138, worst 629). Before, a median of 63 and a worst of
    /// 240 in-process. Since kernel_object is on uao_list, first (swapctl -d's uao_swap_off() walks
    /// it before the shm aobj): in-process 5, 9, 66, 8, 105, 16, 40, 82, 37, 12 (worst 105); Coyote
    /// 4, 7, 18, 5, 45, 14, 17, 9, 2, 11 (worst 45). Since the pagedaemon's scan drops the page
    /// queues around its swapout walk there (session 18): in-process 65, 28, 36, 27, 6, 21, 49, 2, 2,
    /// 11; Coyote 4, 2, 3, 67, 5, 40, 10, 14, 10, 2 (worst 67). Since aiodoned wakes one channel per
    /// batch (session 19): in-process 10, 9, 13, 8, 6, 1, 6, 2, 2, 6; Coyote 21, 31, 3, 52, 4, 14, 3,
    /// 14, 10, 20 (worst 52). Since a shmget() of a new key ends a step at its malloc() (session 32):
    /// in-process 7, 25, 19, 26, 34, 19, 13, 13, 8, 38; Coyote 6, 13, 3, 2, 4, 5, 32, 25, 4, 24
    /// (worst 38). 250 leaves room; the fixed kernel runs the
    /// same search (see <see cref="Search.FixedBudget"/>).
    /// </summary>
    private const int Budget = 250;

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
    /// The pinned schedule, found by <c>uvmcheck run --bug pr22752</c> (seed 0, schedule 47, co-shrunk:
    /// workload size 32 -> 12, steps 100 -> 38). Re-pinned when kernel threads took a CPU to run (issue 17 item 5): the
    /// pagedaemon, proc0, aiodoned, the reaper and init now wait on the run queue for a CPU, which
    /// changed every schedule's steps; the interleaving of the story is the same. Re-pinned again when the big kernel lock became the default and the process actors kept it
    /// through each system call (issue 18), when kernel_object joined uao_list (seed 0, schedule
    /// 5, co-shrunk: workload size 32 -> 14, steps 94 -> 49), and when the pagedaemon's scan dropped
    /// the page queues around its swapout walk in workloads without LWPs (session 18: seed 0,
    /// schedule 65, co-shrunk: workload size 32 -> 13, steps 100 -> 48), and when shmget() came to end
    /// a step at its malloc() (session 32: seed 0, schedule 7, co-shrunk: workload size 32 -> 12,
    /// steps 116 -> 45), and when uao_create() came to put a new aobj at the head of uao_list
    /// (session 34: seed 0, schedule 4, co-shrunk: workload size 32 -> 11, steps 91 -> 43). It prints:
    /// <code>
    /// BUG FOUND in schedule 4: [panic uvm_swap_free] panic: uvm_swap_free: swapdrum_getsdp(0) ==
    /// NULL: KASSERT(sdp != NULL) failed (uvm_swap_free(0, 1)) (in swapctl)
    /// </code>
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
