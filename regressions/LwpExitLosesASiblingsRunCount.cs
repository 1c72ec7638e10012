using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// PR kern/29652: the 2003-04 lwp_exit() (kern_lwp.c 1.4) counts the exiting LWP out of p_nrlwps
/// with <c>simple_lock(&amp;p-&gt;p_lwplock); p-&gt;p_nrlwps--; simple_unlock(&amp;p-&gt;p_lwplock);</c>,
/// while ltsleep() and setrunnable() change the same counter under sched_lock. Fixed by kern_lwp.c
/// 1.30 and kern_exit.c 1.151 (yamt, 2005; netbsd-3 ticket #842: "Protect p_nrlwps by sched_lock."),
/// which the default kernel runs. Read in doc/CHANGES-3.0 by a helper of session 37.
///
/// Setup (scenario exit-lwps, without the big lock, which serialises both writers in 2004): pid 2's
/// first LWP computes a quantum and calls exit(2); its siblings sleep a second in nanosleep().
///
/// Interleaving: the clock's schedcpu() ends a sibling's sleep (setrunnable(): p_nrlwps++ under
/// sched_lock) in the section right before an LWP's lwp_exit(), whose unlocked load of p_nrlwps
/// does not yet see that store (docs/detectors.md: a racy read sees a prefix of the last section's
/// stores); its store of the load minus one loses the sibling's count.
///
/// Violated: LwpCountsMatchTheirLwps, the accounting detector's recount of p_nrlwps; nothing of this
/// bug's own.
/// </summary>
public sealed class LwpExitLosesASiblingsRunCount
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// exit-lwps --bug pr29652 --seed S [--engine coyote]</c>): in-process 10, 1, 7, 7, 6, 2, 2, 3, 5,
    /// 14; Coyote 29, 1, 7, 1, 1, 9, 4, 14, 2, 1 (worst 29).
    /// </summary>
    private const int Budget = 300;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["pr29652"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void LwpExitOverwritesASiblingsCount(EngineKind engine)
    {
        Search.AssertFound("exit-lwps", KernelOfTheText, Budget, "invariant LwpCountsMatchTheirLwps", engine, cx =>
        {
            Assert.Matches("pid 2 has p_nlwps [0-9], p_nrlwps [0-9]", cx.Violation.Message);
            Assert.Equal("lwp_exit", cx.Steps[^1].Function);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s exit-lwps --bug pr29652</c> (seed 0, schedule
    /// 10, co-shrunk to one CPU: workload size 15 -> 7, steps 17 -> 9): lwp 2 sleeps (p_nrlwps 1), the
    /// clock's schedcpu() wakes it (p_nrlwps 2), and lwp 1's lwp_exit() stores 1 - 1 from the load it
    /// made before that store: p_nrlwps 0 with lwp 2 runnable. On one CPU the clock interrupt splits
    /// the load and the store, which sched_lock's splsched would have kept out.
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-lwps-pr29652-LwpCountsMatchTheirLwps-seed0.json", "invariant LwpCountsMatchTheirLwps", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Thread == "clock" && s.Function == "schedcpu");
            Assert.Equal("lwp_exit", replay.Steps[^1].Function);
        });
    }

    /// <summary>p_nrlwps changed only under sched_lock (kern_lwp.c 1.30) survives the same search, without the big lock, in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void CountingUnderSchedLockSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("exit-lwps", Budget, engine, KernelConfig.Fixed with { BigLock = false });
    }
}
