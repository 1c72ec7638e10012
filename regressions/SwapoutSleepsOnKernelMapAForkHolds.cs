using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// kernel-map-entry-under-lock, found by this checker once uvm_km_alloc()'s kernel_map entry was
/// modelled as uvm_map() of 1999-2004 takes it (docs/fidelity.md, "Found by the checker"): with
/// kernel_map locked, from uvm_map_entry_kmem_pool with PR_WAITOK, so the pool's page allocator
/// sleeps in uvm_wait() holding the map when memory is short. uvm_map.c 1.222 (2006) allocates the
/// entry before locking the map (the stored 2008 text: in-kernel maps' entries "before locking the
/// map"); the default model does so.
///
/// Setup (scenario pool-swapout): a process forks with the pools on, a swap device configured and
/// three free pages; the pagedaemon runs its passes under a stated shortage.
///
/// Interleaving: fork1()'s uvm_uarea_alloc() finds no cached u-area and calls uvm_km_alloc(), which
/// locks kernel_map and asks uvm_map_entry_kmem_pool for an entry; the pool has no page and memory
/// is gone, so it sleeps in uvm_wait("plpg") holding kernel_map, before fork1()'s PHOLD(l1). The
/// pagedaemon's uvm_swapout_threads() walks alllwp with proclist_lock read-held, finds the forker
/// asleep and calls uvm_swapout() on it inside the walk, whose uvm_fault_unwire() sleeps on
/// kernel_map with proclist_lock still held. The forker waits for memory that only the pagedaemon
/// frees, and the pagedaemon for kernel_map that only the forker releases: a deadlock.
///
/// Violated: the generic sleep-with-a-spin-lock detector (kern_lock.c's spinlock_switchcheck() in
/// mi_switch()) as the pagedaemon goes to sleep; no invariant of its own.
/// </summary>
public sealed class SwapoutSleepsOnKernelMapAForkHolds
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// pool-swapout --bug kernel-map-entry-under-lock --seed S [--engine coyote]</c>): in-process 36,
    /// 71, 221, 54, 115, 101, 122, 44, 124, 127 (worst 221). Coyote found it on none of the first
    /// six seeds within 300 schedules: most schedules of this scenario thrash until --max-steps cuts
    /// them (every thread waiting for a page), and Coyote's random choices over its own decisions
    /// reach the window less often. So the search runs in-process; under Coyote the pinned schedule
    /// replays (tests/Regressions' schedule corpus replays every committed file under both engines).
    /// </summary>
    private const int Budget = 300;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["kernel-map-entry-under-lock"]);

    [Fact]
    public void TheSwitchKeepsTheBigLock() => Assert.True(KernelOfTheText.BigLock);

    [Fact]
    public void ThePagedaemonSleepsOnKernelMapWithProclistLockHeld()
    {
        Search.AssertFound("pool-swapout", KernelOfTheText, Budget, "detector SleepWithSpinLock", EngineKind.Direct, cx =>
        {
            Assert.Contains("pagedaemon sleeps on kernel_map in uvm_fault_unwire", cx.Violation.Message);
            Assert.Contains("proclist_lock", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s pool-swapout --bug kernel-map-entry-under-lock</c>
    /// (seed 0, schedule 36, co-shrunk: workload size 29 -> 9, steps 42 -> 20): the fork's pool_get()s
    /// take the last free pages (steps 9-11), its uvm_km_alloc() sleeps for an entry page holding
    /// kernel_map, and the pagedaemon's uvm_swapout() of the forker (18) sleeps on kernel_map (19):
    /// <code>
    /// BUG FOUND in schedule 36: [detector SleepWithSpinLock] detector: SleepWithSpinLock: pagedaemon
    /// sleeps on kernel_map in uvm_fault_unwire: vm_map_lock_read(kernel_map) holding spin lock proclist_lock
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("pool-swapout-kernel-map-entry-under-lock-SleepWithSpinLock-seed0.json", "detector SleepWithSpinLock");
    }

    /// <summary>
    /// The default uvm_map() (the entry allocated before kernel_map is locked) finds no violation in
    /// the same search. Most of its schedules thrash (every thread waiting for a page the pagedaemon
    /// cannot find) until --max-steps cuts them, unchecked beyond the cut: 1722-1781 of 3000 per seed
    /// at ten times this budget. So this states less than the other regressions' clean runs: no
    /// violation in the steps explored, not every schedule run to its end.
    /// </summary>
    [Fact]
    public void EntryAllocatedBeforeTheLockFindsNoViolationInTheSameSearch()
    {
        int cut = Search.AssertNoViolationInTheSameSearch("pool-swapout", Budget, EngineKind.Direct);
        Assert.True(cut < 10 * Budget, $"every schedule was cut at --max-steps ({cut})");
    }
}
