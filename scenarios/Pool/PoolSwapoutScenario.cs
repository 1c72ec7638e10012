using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Maps;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// pool-swapout: the fork/exit churn of <see cref="PoolDrainScenario"/> with a swap device, so that
/// the pagedaemon's uvm_swapout_threads() swaps out sleeping LWPs while forks allocate their
/// u-areas' kernel_map entries from uvm_map_entry_kmem_pool. Memory is short enough that the pool
/// allocator sleeps in uvm_wait() (three free pages for two u-areas, the proc, lwp and map-entry
/// pools), the clock runs three seconds with maxslp 1 so that a sleeper becomes the pagedaemon's
/// longest sleeper, and the exit section's free target keeps the pagedaemon at work. Studies the
/// switch kernel-map-entry-under-lock ("Found by the checker"), which needs memory gone at a
/// fork's pool_get(). At this size the kernel of the time deadlocks on memory by itself in many
/// schedules (docs/fidelity.md, "Found by the checker": every LWP swapped out and proc0 waiting for more free
/// pages than the pagedaemon can ever free, or two forks each holding part of a child's u-area),
/// so the scenario does not judge <see cref="Uvm.Properties.CycleDetector.EveryFairScheduleEnds"/>
/// (<see cref="Scenario.Unjudged"/>); those schedules run into --max-steps and are cut, as they
/// were before the cycle detector. The rule is judged on the same paths by pool-drain and the exit
/// scenarios, whose memory suffices.
/// </summary>
public static class PoolSwapoutScenario
{
    /// <summary>The scenario.</summary>
    public static Scenario Scenario { get; } = new(
        "pool-swapout",
        "2 CPUs, fork/exit/wait churn with the pools on, a swap device and memory short enough that pool pages are waited for: the pagedaemon swaps out sleepers while forks map their u-areas in kernel_map.",
        ["sched", "exit", "pool", "maps", "vm"],
        Default,
        () => from w in PoolDrainScenario.Scenario.Generator()
              from slots in Gen.Choose(4, 8)
              from free in Gen.Choose(2, 4)
              select Short(w, slots, free))
    {
        Unjudged = new Dictionary<string, string>
        {
            [Uvm.Properties.CycleDetector.EveryFairScheduleEnds.Name] =
                "the kernel of 2003-04 deadlocks on memory at this size: uvm_scheduler() waits for more free pages than the pagedaemon can free (\"XXX: this part is really bogus cuz we could deadlock on memory despite our feeble check\", uvm_glue.c), and concurrent forks each hold part of a child's u-area",
        },
    };

    /// <summary>pool-drain's default churn, three free pages, a six-slot swap device.</summary>
    public static Workload Default() => Short(PoolDrainScenario.Default(), 6, 3);

    /// <summary>
    /// The workload with a swap device of <paramref name="slots"/> slots (a paging section without
    /// processes of its own), <paramref name="free"/> free pages, three seconds of clock, maxslp 1
    /// and three pagedaemon passes under a stated shortage.
    /// </summary>
    private static Workload Short(Workload w, int slots, int free) =>
        w.With(new PagingWorkload { SwapSlots = slots, FreeMin = 1, FreeTarg = 3 }) with { FreePages = free, Seconds = 3, MaxSlp = 1, SwapoutScans = 3 };
}
