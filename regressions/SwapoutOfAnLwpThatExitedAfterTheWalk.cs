using Uvm.Model;
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
/// Violated: the kernel assertion "uvm_fault_unwire_locked: address not in map".
/// </summary>
public sealed class SwapoutOfAnLwpThatExitedAfterTheWalk
{
    /// <summary>
    /// Iterations per seed, measured over the ten seeds of <see cref="Search.Seeds"/>: the in-process
    /// engine needed 897, 72, 6, 338, 258, 729, 362, 68, 171, 638 (median ~300, worst 897); Coyote
    /// 186, 11, 4, 136, 161, 169, 1057, 97, 245, 281 (median ~165, worst 1057). 1500 leaves room.
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
        Search.AssertFound("swapout", Kernel2004, Budget, "panic uvm_fault_unwire_locked", engine, cx =>
        {
            Assert.Contains("l_addr == NULL", cx.Violation.Message);
            Assert.Equal("swapper", cx.Steps[^1].Thread);
        });
    }

    /// <summary>
    /// Pinned replay, found by <c>uvmcheck run --bug swapout-exited-lwp --out</c> (seed 0,
    /// schedule 897, shrunk to 20 steps):
    /// <code>
    ///    7  swapper    uvm_swapout_threads
    ///   10  cpu0       exit1
    ///   ... cpu0       uvm_proc_exit, uvm_km_free, cpu_lwp_free, exit1: SZOMB, cpu_exit
    ///   17  cpu0       lwp_exit2
    ///   18  swapper    uvm_swapout
    ///   19  swapper    uvm_fault_unwire_locked  [panic]
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
