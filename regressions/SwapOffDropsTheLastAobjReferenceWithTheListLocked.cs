using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// uao-swap-off-detach-list-locked, found by this checker once uao_swap_off() was modelled as the
/// 2002-04 text reads (docs/fidelity.md, "Found by the checker"). Kernel: sys/uvm/uvm_aobj.c
/// (rev 1.39.2.6, the text the model follows), uao_swap_off() and uao_detach_locked(); fixed
/// later: NetBSD's walk references the next aobj under uao_list_lock and drops the current one
/// with the list unlocked (read in the mutex-era text; the revision was not confirmed), and
/// OpenBSD defers the detach ("that could cause lock recursion in the case where we reduce the
/// refcount to 0"). The big lock does not close it: the recursion is one thread's.
///
/// Setup (scenario shm-swap): two processes share a 4-page shm segment under heavy paging while
/// swapctl -d/-a runs.
///
/// Interleaving: swapctl -d walks uao_list, references the segment's aobj and pages it in,
/// sleeping in uao_get(); meanwhile the segment is removed (shmctl(IPC_RMID), then the last
/// process's exit drops its mapping), so swapoff holds the last reference. Back under uao_list_lock
/// it calls uao_detach_locked(), which unlinks the aobj with simple_lock(&amp;uao_list_lock).
///
/// Violated: the lock is this CPU's already (the model's spin locks panic on it, as LOCKDEBUG's
/// "locking against myself" does; a MULTIPROCESSOR kernel without LOCKDEBUG spins forever).
/// </summary>
public sealed class SwapOffDropsTheLastAobjReferenceWithTheListLocked
{
    /// <summary>
    /// Iterations per seed: over the ten seeds of <see cref="Search.Seeds"/> the in-process engine
    /// found it at schedules 340, 33, 119, 312, 20, 258, 170, 116, 99, 146 and Coyote at 12, 193,
    /// 53, 282, 81, 49, 29, 154, 220, 444 (measured with <c>uvmcheck run --bug
    /// uao-swap-off-detach-list-locked --seed S [--engine coyote]</c>, once synchronous swap reads
    /// released the big lock). Since kernel_object is on uao_list, first, the walk pages it in and
    /// leaves its UVM_OBJ_KERN reference alone before the shm aobj: in-process 555, 240, 332, 262,
    /// 11, 83, 309, 48, 348, 257; Coyote 103, 61, 260, 109, 101, 10, 52, 145, 56, 41 (worst 555).
    /// Since the pagedaemon's scan drops the page queues around its swapout walk in shm-swap (session
    /// 18): in-process 186, 116, 686, 259, 310, 424, 631, 122, 33, 187; Coyote 209, 114, 25, 2, 55,
    /// 4, 207, 15, 610, 5 (worst 686). Since aiodoned wakes one channel per batch (session 19):
    /// in-process 5, 310, 220, 134, 124, 187, 362, 116, 33, 191; Coyote 82, 41, 21, 43, 13, 11, 38, 15,
    /// 223, 88 (worst 362). Since a shmget() of a new key ends a step at its malloc() (session 32):
    /// in-process 22, 224, 106, 75, 128, 90, 89, 122, 105, 12; Coyote 32, 58, 28, 17, 106, 103, 35,
    /// 34, 97, 49 (worst 224).
    /// </summary>
    private const int Budget = 1000;

    /// <summary>The 2002-04 walk (uvm_aobj.c 1.39.2.6).</summary>
    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["uao-swap-off-detach-list-locked"]);

    [Fact]
    public void TheSwitchKeepsTheBigLock() => Assert.True(KernelOfTheText.BigLock);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheOldWalkRetakesTheListLockItHolds(EngineKind engine)
    {
        Search.AssertFound("shm-swap", KernelOfTheText, Budget, "panic simple_lock", engine, cx =>
        {
            Assert.Contains("uao_list_lock already held by swapctl, wanted by swapctl", cx.Violation.Message);
            Assert.Equal("swapctl", cx.Steps[^1].Thread);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug uao-swap-off-detach-list-locked</c> (seed 0,
    /// schedule 177 before synchronous swap reads released the big lock, co-shrunk: workload size
    /// 32 -> 9, steps 105 -> 31; it replays the same on the later model); re-pinned when
    /// kernel_object joined uao_list (seed 0, schedule 555, co-shrunk: workload size 32 -> 8, steps
    /// 126 -> 30), and when the pagedaemon's scan dropped the page queues around its swapout walk in
    /// workloads without LWPs (session 18: seed 0, schedule 186, co-shrunk: workload size 32 -> 9,
    /// steps 123 -> 36), and when aiodoned came to wake one channel per batch, as uvm_aiodone_daemon()
    /// does (session 19: seed 0, schedule 5, co-shrunk: workload size 32 -> 11, steps 131 -> 40), and
    /// when shmget() came to end a step at its malloc() (session 32: seed 0, schedule 22, co-shrunk:
    /// workload size 32 -> 10, steps 125 -> 36), and when uao_create() came to put a new aobj at the
    /// head of uao_list (session 34: seed 0, schedule 81, co-shrunk: workload size 32 -> 9, steps
    /// 117 -> 34). It prints:
    /// <code>
    /// BUG FOUND in schedule 81: [panic simple_lock] panic: simple_lock: uao_list_lock already held
    /// by swapctl, wanted by swapctl (in swapctl)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("shm-swap-uao-swap-off-detach-list-locked-simple_lock-seed0.json", "panic simple_lock");
    }

    /// <summary>
    /// The default kernel (the later walk) survives ten times the bug's budget on each seed. The
    /// same search under Coyote is <see cref="SwapFreeOfSlotZeroUnderShm"/>'s (same scenario,
    /// budget and kernel), not run twice.
    /// </summary>
    [Fact]
    public void DefaultKernelWithTheLaterWalkSurvivesTheSearch()
    {
        Search.AssertClean("shm-swap", Budget, EngineKind.Direct);
    }
}
