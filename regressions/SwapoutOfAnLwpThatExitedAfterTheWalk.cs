using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// swapout-exited-lwp, found by this checker (issue 18; docs/fidelity.md): uvm_swapout() of an LWP
/// that exited after uvm_swapout_threads() dropped the proclist lock.
/// Kernel: sys/uvm/uvm_glue.c (2003-04; read against rev 1.93, 2006, the same walk),
/// uvm_swapout_threads() and uvm_swapout(); fixed later by l_swaplock and a swappable() re-check
/// (rev 1.89.2.7, yamt, 2008-01-21). The 2004 kernel's big lock, not modelled, keeps the
/// pagedaemon from sleeping in the window, so the default model keeps the later re-check and the
/// switch (SwitchKind.Discovered) runs the 2004 path, as a kernel without the big lock would.
///
/// Setup (scenario swapout): two processes, two CPUs, 2 free pages, two swapout scans.
///
/// Interleaving: the swapper walks alllwp under the proclist read lock and picks outl/outl2,
/// drops the lock; the victim's process runs exit1() to the end (uvmspace_free, cpu_lwp_free,
/// SZOMB, cpu_exit, lwp_exit2: its u-area goes to the cache and l_addr is cleared); the swapper's
/// uvm_swapout() checks only LSONPROC, clears L_INMEM and calls uvm_fault_unwire() on no range.
///
/// Violated: the kernel assertion "uvm_fault_unwire_locked: address not in map" when the victim
/// was an LWP of a live process (_lwp_exit leaves it LSZOMB); when it was the last LWP of an
/// exiting process, lwp_exit2() pool_put() it (L_DETACHED) and the use-after-free detector sees
/// uvm_swapout() touch the freed struct lwp first. Both are this bug.
/// </summary>
public sealed class SwapoutOfAnLwpThatExitedAfterTheWalk
{
    /// <summary>
    /// Iterations per seed, measured over the ten seeds of <see cref="Search.Seeds"/> with the
    /// detectors on: the in-process engine needed 64, 5, 379, 714, 118, 79, 694, 28, 166, 158
    /// (worst 714); Coyote 27, 93, 47, 218, 1, 185, 54, 12, 207, 81 (worst 218). 1500 leaves room.
    /// </summary>
    private const int Budget = 1500;

    /// <summary>
    /// The default kernel's search is the bug budget of PR kern/23095's regression scaled to 300
    /// per seed (3,000 per seed with the in-process engine, see <see cref="Search.FixedBudget"/>):
    /// ten times 1500 would add minutes of CI for a clean run the manifest and
    /// <see cref="SwapoutOfLwpRunningOnAnotherCpu"/> also state.
    /// </summary>
    private const int DefaultKernelBudget = 300;

    private static readonly KernelConfig Kernel2004 = Switches.Configure(["swapout-exited-lwp"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void KernelWithoutTheRecheckUnwiresTheUareaOfAnExitedLwp(EngineKind engine)
    {
        Search.AssertFound("swapout", Kernel2004, Budget, ["panic uvm_fault_unwire_locked", "detector UseAfterFree"], engine, cx =>
        {
            Assert.Contains(cx.Violation.Kind == ViolationKind.Panic ? "l_addr == NULL" : "freed by", cx.Violation.Message);
            Assert.Equal("swapper", cx.Steps[^1].Thread);
        });
    }

    /// <summary>
    /// Pinned replay, found by <c>uvmcheck run --bug swapout-exited-lwp</c> (seed 0, schedule 64,
    /// shrunk to 10 steps; re-pinned when the racy reads of the detectors added choice points):
    /// <code>
    ///    3  swapper    uvm_swapout_threads
    ///    5  cpu0       lwp_exit
    ///    6  cpu0       cpu_exit
    ///    7  cpu0       lwp_exit2
    ///    8  swapper    uvm_swapout
    ///    9  swapper    uvm_fault_unwire_locked  [panic]
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("swapout-swapout-exited-lwp-uvm_fault_unwire_locked-seed0.json", "panic uvm_fault_unwire_locked");
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelWithTheLaterRecheckSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("swapout", DefaultKernelBudget, engine);
    }
}
