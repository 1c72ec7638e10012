using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// procfs-hold-outlives-exit, found by this checker once procfs's read of another process's
/// registers was modelled (model/Exit/ProcfsRegs.cs). procfs_rw() of 2003-04
/// (miscfs/procfs/procfs_subr.c) finds the process with PFIND() and its representative LWP and
/// takes no reference on either; process_doregs() (kern/sys_process.c 1.79) PHOLD()s the LWP,
/// copies its registers out with uiomove(), which may sleep, and PRELE()s it. exit1() does not
/// wait for l_holdcnt: the LWP exits with the reader's hold on it, and once lwp_exit2() or
/// lwp_wait1() has freed it the reader's PRELE() writes the freed struct lwp (UseAfterFree, when
/// ExitedLwpHoldsNoPhold is left out). The later procfs takes p_reflock and lwp_addref()
/// (procfs_proc_lock(), 2007), which exit1() and lwp_exit() drain; the default does.
///
/// Setup (scenario swapout-procfs): swapout's processes compute, sleep and exit while pid 3 reads
/// their registers through procfs.
///
/// Interleaving: the reader PHOLD()s an LWP and leaves the big lock in uiomove(); the LWP runs its
/// last quantum and its process exits to SZOMB with l_holdcnt still 1.
///
/// Violated: ExitedLwpHoldsNoPhold, the accounting detector's rule that an exited LWP is held by no
/// path; nothing of this bug's own.
/// </summary>
public sealed class ProcfsReadHoldsAnLwpItsProcessFreed
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// swapout-procfs --bug procfs-hold-outlives-exit --seed S [--engine coyote]</c>): in-process 43,
    /// 95, 22, 47, 25, 4, 59, 71, 57, 54; Coyote 2, 37, 135, 44, 12, 21, 46, 38, 29, 51 (worst 135).
    /// </summary>
    private const int Budget = 300;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["procfs-hold-outlives-exit"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheHeldLwpExits(EngineKind engine)
    {
        Search.AssertFound("swapout-procfs", KernelOfTheText, Budget, "invariant ExitedLwpHoldsNoPhold", engine, cx =>
        {
            Assert.Contains("exited with l_holdcnt 1", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s swapout-procfs --bug procfs-hold-outlives-exit</c>
    /// (seed 0, schedule 43, co-shrunk: workload size 33 -> 9, steps 41 -> 15): pid 2's read of
    /// /proc/1/regs PHOLD()s pid 1's LWP and leaves the big lock in uiomove() (step 2); pid 1 runs its
    /// last quantum and exits (8-13), and exit1() makes it a zombie with the hold still on it (14).
    /// It prints:
    /// <code>
    /// BUG FOUND in schedule 43: [invariant ExitedLwpHoldsNoPhold] ... Violated: lwp 1 exited with l_holdcnt 1. After cpu1: exit1: SZOMB.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("swapout-procfs-procfs-hold-outlives-exit-ExitedLwpHoldsNoPhold-seed0.json", "invariant ExitedLwpHoldsNoPhold", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Function == "process_doregs: process_read_regs, uiomove");
            Assert.Equal("exit1: SZOMB", replay.Steps[^1].Function);
        });
    }

    /// <summary>The default kernel (the reader's reference drained by exit) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DrainingTheReadersSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("swapout-procfs", Budget, engine);
    }
}
