using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// exit-lwps-tests-stat-unlocked: kern_exit.c 1.121 (2003-08-20) exit_lwps() interrupts its
/// process's sleeping LWPs with <c>if ((l2-&gt;l_stat == LSSLEEP &amp;&amp; (l2-&gt;l_flag &amp;
/// L_SINTR)) || ...) { SCHED_LOCK(s); setrunnable(l2); SCHED_UNLOCK(s); }</c>: the test runs before
/// sched_lock is taken. Fixed by kern_exit.c 1.149 (yamt, 2005; netbsd-3 ticket #678: "exit_lwps:
/// fix a race which causes a panic 'setrunnable: lwp %p state was %d'"), which the default kernel
/// runs: the test under SCHED_LOCK.
///
/// Setup (scenario exit-lwps): pid 2's first LWP computes a quantum and calls exit(2); its two
/// siblings sleep a second in nanosleep() (PCATCH: L_SINTR), one then computes.
///
/// Interleaving: the clock's schedcpu() on the other CPU ends the sibling's sleep (endtsleep():
/// setrunnable(), LSRUN) in the step right before exit_lwps(), whose unlocked read of l_stat does
/// not yet see that store (docs/detectors.md: racy reads see a prefix of the last section's
/// stores); exit_lwps() then takes sched_lock and setrunnable()s an LWP that is already runnable.
///
/// Violated: the kernel's own panic in setrunnable() ("state was %d"); nothing of this bug's own.
/// </summary>
public sealed class ExitSetrunnablesASiblingTheClockAlreadyWoke
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// exit-lwps-tests-stat-unlocked --seed S [--engine coyote]</c>): in-process 80, 52, 117, 42, 7,
    /// 3, 99, 37, 3, 163; Coyote 37, 160, 23, 207, 20, 15, 53, 70, 18, 13 (worst 207). Since exit1()'s
    /// pool_get() of the rusage may block (session 28; one step fewer lies between the clock's
    /// wakeup and exit_lwps()' read less often): in-process 110, 8, 290, 26, 7, 3, 99, 37, 57, 59;
    /// Coyote the same as before (worst 290), so 600.
    /// </summary>
    private const int Budget = 600;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["exit-lwps-tests-stat-unlocked"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void ExitLwpsSetrunnablesARunnableSibling(EngineKind engine)
    {
        Search.AssertFound("exit-lwps", KernelOfTheText, Budget, "panic setrunnable", engine, cx =>
            Assert.Matches("setrunnable: lwp [23] is Run", cx.Violation.Message));
    }

    /// <summary>The test under sched_lock (kern_exit.c 1.149) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TestingUnderSchedLockSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("exit-lwps", Budget, engine);
    }
}
