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
/// switch kernel-map-entry-under-lock ("Found by the checker"). Many schedules thrash (every
/// thread waiting for a page the pagedaemon cannot find) until --max-steps cuts them.
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
              select Short(w, slots, free));

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
