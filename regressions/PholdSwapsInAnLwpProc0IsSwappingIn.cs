using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// phold-swapin-unlocked, found by this checker once procfs's PHOLD() of another process's LWP was
/// modelled (model/Exit/ProcfsRegs.cs, from a review of uvm_glue.c and sys_process.c). PHOLD() of
/// 2003-04 (sys/lwp.h) is <c>if ((l)-&gt;l_holdcnt++ == 0 &amp;&amp; ((l)-&gt;l_flag &amp; L_INMEM) == 0)
/// uvm_swapin(l)</c> under the big lock only, and process_doregs() (kern/sys_process.c 1.79) calls
/// it on the representative LWP of the process a debugger reads. proc0's uvm_scheduler() picks the
/// same LSRUN, swapped-out LWP; each uvm_swapin() sleeps in uvm_fault_wire() reading a u-area page
/// back from swap, so both wire the u-area and both setrunqueue() it. The later kernel holds
/// l_swaplock across uvm_swapin() in both paths (uvm_glue.c 1.89.2.7, 2008); the default lets one
/// path swap an LWP in at a time, and a PHOLD() that finds a swap-in under way waits for it.
///
/// Setup (scenario swapout-procfs): swapout's processes, swapped out under a memory shortage and
/// swapped back in by proc0, while pid 3 reads their registers through procfs.
///
/// Interleaving: the pagedaemon swaps out a runnable LWP; the reader's PHOLD() finds it swapped out
/// and wires its u-area, sleeping on the swap read; proc0 picks the LWP and waits for the same busy
/// page; the reader's uvm_swapin() queues the LWP; proc0 wires the u-area a second time and queues it again.
///
/// Violated: the kernel's own assertion in setrunqueue() (DIAGNOSTIC: the LWP is already on a run
/// queue); when the LWP ran in between, its u-area pages stay wired twice, which
/// UareaIsWiredAtMostOnce reports at the end (one seed of ten, since session 36).
/// </summary>
public sealed class PholdSwapsInAnLwpProc0IsSwappingIn
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// swapout-procfs --bug phold-swapin-unlocked --seed S [--engine coyote]</c>): in-process 7, 19,
    /// 7, 6, 3, 4, 10, 38, 7, 2; Coyote 20, 4, 31, 26, 30, 37, 37, 35, 29, 1 (worst 38).
    /// </summary>
    private const int Budget = 200;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["phold-swapin-unlocked"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void ProcfsAndProc0BothSwapTheLwpIn(EngineKind engine)
    {
        Search.AssertFound("swapout-procfs", KernelOfTheText, Budget, ["panic setrunqueue", "liveness UareaIsWiredAtMostOnce"], engine, cx =>
        {
            // Both swap-ins wired the u-area: a CPU's (the reader's PHOLD()) and proc0's; either may come second.
            // setrunqueue() panics when the LWP is still queued; when it ran in between, the end finds its u-area wired twice.
            Assert.Contains(cx.Violation.Id == "panic setrunqueue" ? "is already on a run queue" : "has wire_count 2", cx.Violation.Message);
            Assert.Contains(cx.Steps, s => s.Thread.StartsWith("cpu", StringComparison.Ordinal) && s.Function.StartsWith("uvm_fault_wire", StringComparison.Ordinal));
            Assert.Contains(cx.Steps, s => s.Thread == "proc0" && s.Function.StartsWith("uvm_fault_wire", StringComparison.Ordinal));
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s swapout-procfs --bug phold-swapin-unlocked</c>
    /// (seed 0, schedule 7, co-shrunk: workload size 33 -> 11, steps 117 -> 31): the pagedaemon swaps
    /// out pid 1's runnable LWP (steps 7-8); pid 2's read of /proc/1/regs PHOLD()s it and reads a
    /// u-area page back from swap, leaving the big lock (19); proc0 picks the same LWP (20) and sleeps
    /// on that busy page (21); the reader's uvm_swapin() wires the u-area and queues the LWP (26);
    /// proc0 wires it again (28-29) and setrunqueue() panics (30). It prints:
    /// <code>
    /// BUG FOUND in schedule 7: [panic setrunqueue] panic: setrunqueue: lwp 1 is already on a run queue (l_back != NULL) (in proc0)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("swapout-procfs-phold-swapin-unlocked-setrunqueue-seed0.json", "panic setrunqueue", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Function == "PHOLD: uvm_swapin");
            Assert.Equal("proc0", replay.Steps[^1].Thread);
        });
    }

    /// <summary>The default kernel (one swap-in at a time) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void OneSwapinAtATimeSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("swapout-procfs", Budget, engine);
    }
}
