using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// wait4-copies-out-before-free, found by this checker once sys_wait4() was read against
/// kern_exit.c 1.121 (2003) and 1.162.2.1 (docs/fidelity.md, "Found by the checker"): after
/// find_stopped_child() finds a zombie, sys_wait4() copyout()s the status and the rusage, which
/// may fault on the caller's page and sleep, and only then proc_free(child)s it, with nothing
/// marking the child as taken. The LWPs of 2003 let two threads of one parent be in wait4() at
/// once: the second finds the same zombie and frees it while the first sleeps, and the first frees
/// it again. The 2007 text (1.169.2.1) finds and frees the child under proclist_lock and copies out
/// after; the default kernel has no copyout between finding and freeing, though the rework's u-area
/// drain still sits there (docs/fidelity.md, "Found by the checker").
///
/// Setup (scenario exit-waiters): pid 2's two LWPs each fork a child that computes a quantum and
/// exits, and each calls wait4(); two CPUs, the reaperless exit.
///
/// Interleaving: a child exits; one LWP's wait4() finds the zombie, and its copyout sleeps; the
/// other LWP's wait4() finds the same zombie and frees it; the first wakes and frees it again.
///
/// Violated: the generic use-after-free detector; nothing of this bug's own.
/// </summary>
public sealed class TwoWaitersCollectTheSameZombie
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// exit-waiters --bug wait4-copies-out-before-free --seed S [--engine coyote]</c>): in-process 3,
    /// 1, 10, 7, 4, 6, 5, 2, 1, 1; Coyote 4, 2, 2, 1, 1, 1, 3, 3, 3, 6 (worst 10).
    /// </summary>
    private const int Budget = 100;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["wait4-copies-out-before-free"]);

    [Fact]
    public void TheSwitchKeepsTheBigLock() => Assert.True(KernelOfTheText.BigLock);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheSecondWaiterFreesTheZombieTheFirstFound(EngineKind engine)
    {
        Search.AssertFound("exit-waiters", KernelOfTheText, Budget, "detector UseAfterFree", engine, cx =>
            Assert.Contains("freed by", cx.Violation.Message));
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s exit-waiters --bug wait4-copies-out-before-free</c>
    /// (seed 0, schedule 3, co-shrunk: workload size 13 -> 9, steps 63 -> 37): the child exits (steps
    /// 15-24); the first LWP's wait4() finds the zombie (26), drains the u-area cache (27-29) and
    /// sleeps in its copyout (30); the second LWP's wait4() finds the same zombie and frees it (33);
    /// the first resumes and touches it (36). It prints:
    /// <code>
    /// BUG FOUND in schedule 3: [detector UseAfterFree] detector: UseAfterFree: use after free: pid 3 freed by cpu0 in proc_free at step 38, touched by cpu1 in Wait4 (in cpu1)
    /// </code>
    /// (the step of the unshrunk schedule; 33 in the pinned one).
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-waiters-wait4-copies-out-before-free-UseAfterFree-seed0.json", "detector UseAfterFree", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Function == "sys_wait4: copyout");
            Assert.Equal(2, replay.Steps.Count(s => s.Function == "find_stopped_child"));
        });
    }

    /// <summary>The default kernel (free, then copy out) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelThatFreesBeforeTheCopyoutSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("exit-waiters", Budget, engine);
    }
}
