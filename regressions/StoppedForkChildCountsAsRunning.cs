using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// PR kern/26468, fixed in kern_fork.c 1.116 (atatat, 2004: "When stopfork is set, we need to set
/// p_nrlwps"). fork1() of kern_fork.c 1.111 (2003-09) ends with
/// <c>SCHED_LOCK(s); ... p2->p_nrlwps = 1; if (p1->p_flag &amp; P_STOPFORK) { p2->p_stat = SSTOP;
/// l2->l_stat = LSSTOP; } else { ... setrunqueue(l2); }</c>: a child created stopped for its
/// debugger counts its LSSTOP LWP as running, and the SIGCONT that continues it (proc_unstop() →
/// setrunnable(): p_nrlwps++) counts it a second time. kpsignal1() decides on p_nrlwps whether a
/// signal can wait for an LWP on its way to user mode or must stop or wake the process itself,
/// so a process counted running that has no LWP running ignores a SIGSTOP (signotify() to nobody)
/// until it runs. The fixed text (kern_fork.c 1.131.2.8 keeps it) sets p_nrlwps to 0 in the
/// P_STOPFORK branch and to 1 in the other.
///
/// Setup (scenario swapout-stop): a debugger process traced with P_STOPFORK forks a child, which
/// it then continues with SIGCONT and collects, beside swapout's processes, which it stops and
/// continues.
///
/// Interleaving: none is needed: fork1()'s last section makes the child SSTOP with p_nrlwps 1.
/// The search still explores for it, and the fixed kernel survives the same search.
///
/// Violated: LwpCountsMatchTheirLwps, the accounting detector's recount of p_nrlwps (LSRUN and
/// LSONPROC LWPs), which every scenario checks after every step.
/// </summary>
[Trait("PR", "kern/26468")]
public sealed class StoppedForkChildCountsAsRunning
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// swapout-stop --bug pr26468 --seed S [--engine coyote]</c>): schedule 1 on every seed in both
    /// engines (the debugger's fork always completes, and the count is wrong from its last step on).
    /// </summary>
    private const int Budget = 10;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["pr26468"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheStoppedChildCountsAsRunning(EngineKind engine)
    {
        Search.AssertFound("swapout-stop", KernelOfTheText, Budget, "invariant LwpCountsMatchTheirLwps", engine, cx =>
        {
            Assert.Contains("p_nrlwps 1", cx.Violation.Message);
            Assert.Contains("0 running", cx.Violation.Message);
            Assert.Equal("fork1", cx.Steps[^1].Function);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s swapout-stop --bug pr26468 --no-shrink</c>
    /// (seed 0, schedule 1, 49 steps; pinned unshrunk so that the corpus keeps schedules where
    /// another thread runs two steps in a row, tests/Scenarios/AlignedReplayTests.cs): the
    /// P_STOPFORK debugger, pid 3, forks (fork1: SIDL, the u-area's uvm_km_alloc() and
    /// uvm_fault_wire()), and fork1()'s last section makes the child SSTOP with p_nrlwps 1. It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [invariant LwpCountsMatchTheirLwps] ... Violated: pid 4 has p_nlwps 1, p_nrlwps 1, p_nzlwps 0 but 1 LWP(s) on p_lwps, 0 running, 0 zombie(s). After cpu1: fork1.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("swapout-stop-pr26468-LwpCountsMatchTheirLwps-seed0.json", "invariant LwpCountsMatchTheirLwps", replay =>
            Assert.Equal("fork1", replay.Steps[^1].Function));
    }

    /// <summary>The default kernel (p_nrlwps 0 for a child created stopped) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void CountingTheStoppedChildOutSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("swapout-stop", Budget, engine);
    }
}
