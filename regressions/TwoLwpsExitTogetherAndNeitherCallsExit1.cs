using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// lwp-exit-counts-dying-sibling, found by this checker once lwp_exit()'s last-LWP test was
/// modelled as the 2003-04 text reads it (docs/fidelity.md, "Found by the checker"). Kernel:
/// sys/kern/kern_lwp.c rev 1.4 (2003), lwp_exit(): <c>if (((p-&gt;p_nlwps - p-&gt;p_nzlwps) == 1) &amp;&amp;
/// ((p-&gt;p_flag &amp; P_WEXIT) == 0)) exit1(l, 0);</c>, where p_nzlwps counts an LWP only once it is
/// LSZOMB: after its switch away, in lwp_exit2() (the 2004 rework) or in the reaper (before it).
/// Fixed by kern_lwp.c 1.40.2.2 (2006): "We are not quite a zombie yet, but for accounting
/// purposes we must increment the count of zombies here", p_nzlwps++ before the test; the default
/// kernel runs the fix.
///
/// Setup (scenario exit-reaperless, the 2004 rework): a process with two LWPs on two CPUs, each
/// running off the end of its program.
///
/// Interleaving: lwp 1 runs lwp_exit() on cpu0 (LSDEAD; it is not the last, or it is and the
/// other is still running) and drops the big lock before cpu_exit(); lwp 2 on cpu1 takes it and
/// runs lwp_exit() before cpu0's lwp_exit2() made lwp 1 LSZOMB, so p_nlwps - p_nzlwps is 2 and lwp
/// 2 also takes the lwp_exit() path.
///
/// Violated: nobody calls exit1(): the process stays SACTIVE with no LWP left, never a zombie, and
/// its parent is never told. The generic liveness property ProcessWhoseLwpsAllExitedBecomesAZombie
/// reports it at the end of the schedule.
/// </summary>
public sealed class TwoLwpsExitTogetherAndNeitherCallsExit1
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// lwp-exit-counts-dying-sibling --seed S [--engine coyote]</c>): in-process 19, 13, 4, 15, 16,
    /// 23, 76, 38, 20, 9; Coyote 38, 13, 29, 31, 9, 88, 1, 22, 1, 11 (worst 88). After sessions 26-27
    /// (vfork and SA_NOCLDWAIT in the storm's generator) and exit1()'s pool_get() of the rusage as a
    /// point where it may block (session 28): in-process 24, 13, 22, 15, 27, 23, 76, 57, 204, 111;
    /// Coyote 38, 135, 29, 31, 9, 49, 150, 22, 16, 1 (worst 204), so 500. Since fork1()'s
    /// allocations after the child is linked may block (session 37): in-process 52, 79, 108, 65, 88,
    /// 30, 8, 17, 59, 159; Coyote 81, 180, 531, 44, 47, 294, 90, 16, 164, 59 (worst 531), so 1000.
    /// </summary>
    private const int Budget = 1000;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["lwp-exit-counts-dying-sibling"]);

    [Fact]
    public void TheSwitchKeepsTheBigLock() => Assert.True(KernelOfTheText.BigLock);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void NeitherLwpCallsExit1(EngineKind engine)
    {
        Search.AssertFound("exit-reaperless", KernelOfTheText, Budget, "liveness ProcessWhoseLwpsAllExitedBecomesAZombie", engine, cx =>
        {
            Assert.Contains("but none called exit1()", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug lwp-exit-counts-dying-sibling</c> (seed 0,
    /// schedule 19, co-shrunk: workload size 24 -> 8, steps 154 -> 17): lwp 1's lwp_exit() on cpu0 at
    /// step 9, its cpu_exit() at 10, lwp 2's lwp_exit() on cpu1 at 11, and only then cpu0's
    /// lwp_exit2() at 12. It prints:
    /// <code>
    /// BUG FOUND in schedule 19: [liveness ProcessWhoseLwpsAllExitedBecomesAZombie] ... Still
    /// pending at the end: every LWP of pid 2 has exited, but none called exit1(): pid 2 is Active,
    /// not a zombie.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-reaperless-lwp-exit-counts-dying-sibling-ProcessWhoseLwpsAllExitedBecomesAZombie-seed0.json",
            "liveness ProcessWhoseLwpsAllExitedBecomesAZombie");
    }

    /// <summary>The default kernel (the 2006 count) survives ten times the bug's budget on each seed, and Coyote's same search.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelWithTheLaterCountSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("exit-reaperless", Budget, engine);
    }
}
