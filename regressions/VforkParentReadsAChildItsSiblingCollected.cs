using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// vfork-waits-on-child-flag: fork1() of 2003-04 (kern_fork.c 1.111, 2003-09) ends a vfork() with
/// <c>while (p2-&gt;p_flag &amp; P_PPWAIT) tsleep(p1, PWAIT, "ppwait", 0)</c>: after every wakeup
/// the parent LWP reads the child's p_flag. exit1() (kern_exit.c 1.121) clears P_PPWAIT and wakes
/// the parent "early to avoid deadlock", goes on to SZOMB and wakes the parent's proc again; the
/// parent's other LWPs may be in wait4(), on the same channel. Later NetBSD has the child clear the
/// parent LWP's own l_vforkwaiting (sys/lwp.h, p_vforklwp) and waits on that; the default kernel
/// runs that form (docs/fidelity.md, "Found by the checker").
///
/// Setup (scenario vfork): pid 2's first LWP vfork()s a child that computes a quantum and exits;
/// its second LWP forks a child that computes a quantum and exits, computes a quantum and calls
/// wait4() twice.
///
/// Interleaving: the vfork child's exit1() clears P_PPWAIT and wakes pid 2's proc: both LWPs of
/// pid 2 become runnable. The sibling runs first (or the vforking LWP's CPU is busy), finds the
/// child a zombie and proc_free()s it; the vforking LWP then tests p2-&gt;p_flag of the freed
/// struct proc.
///
/// Violated: the generic use-after-free detector; nothing of this bug's own.
/// </summary>
public sealed class VforkParentReadsAChildItsSiblingCollected
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// vfork-waits-on-child-flag --seed S [--engine coyote]</c>): in-process 13, 8, 5, 2, 2, 20, 3,
    /// 13, 3, 13; Coyote 6, 11, 12, 10, 9, 5, 4, 6, 5, 4 (worst 20). Since exit1()'s pool_get() of
    /// the rusage may block (session 28): in-process 13, 8, 11, 7, 2, 4, 8, 13, 3, 13; Coyote 6, 11,
    /// 4, 10, 9, 6, 2, 8, 5, 2. Since the sibling forks a child of its own first (session 33: the
    /// default's second wakeup of the channel): in-process 9, 2, 4, 8, 5, 10, 4, 3, 1, 1; Coyote 2,
    /// 2, 2, 9, 1, 5, 2, 12, 12, 1.
    /// </summary>
    private const int Budget = 100;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["vfork-waits-on-child-flag"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheVforkParentTestsAFreedChild(EngineKind engine)
    {
        Search.AssertFound("vfork", KernelOfTheText, Budget, "detector UseAfterFree", engine, cx =>
            Assert.Matches(@"pid \d+ freed by cpu\d in proc_free .* in StillWaits", cx.Violation.Message));
    }

    /// <summary>The parent LWP's own l_vforkwaiting (later NetBSD) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void WaitingOnItsOwnFlagSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("vfork", Budget, engine);
    }
}
