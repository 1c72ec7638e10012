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
/// Setup (scenario exit-lwps, with the 2004 big lock): pid 2's first LWP computes a quantum and
/// calls exit(2); its siblings sleep a second in nanosleep().
///
/// Interleaving: exit1()'s exit_lwps() wakes the sleeping siblings; one of them exits, and its
/// lwp_exit2() on one CPU, which runs after cpu_exit() without the big lock, makes the exiting
/// LWP's waiter runnable (setrunnable(): p_nrlwps++ under sched_lock) in the section right before
/// the other sibling's lwp_exit() on the other CPU, whose load of p_nrlwps under p_lwplock does not
/// yet see that store (docs/detectors.md: a racy read sees a prefix of the last section's stores);
/// its store of the load minus one loses the count.
///
/// Violated: LwpCountsMatchTheirLwps, the accounting detector's recount of p_nrlwps; nothing of this
/// bug's own.
/// </summary>
public sealed class LwpExitLosesASiblingsRunCount
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// exit-lwps --bug pr29652 --seed S [--engine coyote]</c>): in-process 7, 9, 7, 13, 6, 2, 2, 3, 6,
    /// 1; Coyote 15, 5, 2, 1, 3, 14, 8, 3, 1, 1 (worst 15).
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
    /// The pinned schedule, found by <c>uvmcheck run -s exit-lwps --bug pr29652 --seed 3000009
    /// --no-shrink</c> (schedule 13, 21 steps, two CPUs; a seed whose schedule keeps two steps of the
    /// violating thread in a row, for tests/Scenarios/AlignedReplayTests.cs): cpu0's exit1() wakes
    /// lwp 2 and lwp 3 in exit_lwps() and waits (lwp_wait1, step 16); cpu1's lwp 2 exits (17, 18) and
    /// its lwp_exit2(), without the big lock, makes the waiting lwp 1 runnable, p_nrlwps 2 (19); cpu0's
    /// lwp 3 then runs lwp_exit() (20) and stores 1 - 1 from the load it made before that store:
    /// p_nrlwps 0 with lwp 1 runnable.
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-lwps-pr29652-LwpCountsMatchTheirLwps-seed3000009.json", "invariant LwpCountsMatchTheirLwps", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Function == "lwp_exit2");
            Assert.Equal("lwp_exit", replay.Steps[^1].Function);
        });
    }

    /// <summary>p_nrlwps changed only under sched_lock (kern_lwp.c 1.30) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void CountingUnderSchedLockSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("exit-lwps", Budget, engine);
    }
}
