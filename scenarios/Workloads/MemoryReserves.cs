using FsCheck.Fluent;

namespace Uvm.Scenarios;

/// <summary>
/// The page reserves of uvm_pagealloc_strat() in generated workloads (<see cref="Workload.ReserveKernel"/>):
/// user allocations fail while pages are still free for kernel_object, the pool allocator and the
/// pagedaemon, and the pagedaemon's and aiodoned's wakeups test free against reserve_kernel.
/// </summary>
public static class MemoryReserves
{
    /// <summary>
    /// <paramref name="workloads"/> with, in one in four, 1-2 pages reserved for the kernel, 0-1 of
    /// them for the pagedaemon. The reserve comes on top of the workload's memory and thresholds
    /// (<see cref="Workload.ReserveKernel"/>), so the generators' bounds, such as anon pages
    /// fitting in memory plus swap, still hold.
    /// </summary>
    public static FsCheck.Gen<Workload> Drawn(FsCheck.Gen<Workload> workloads) =>
        from w in workloads
        from kernel in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
        from pagedaemon in Gen.Choose(0, Math.Min(1, kernel))
        select w with { ReserveKernel = kernel, ReservePagedaemon = pagedaemon };

    /// <summary>The workload without reserves (a shrink).</summary>
    public static IEnumerable<Workload> Shrink(Workload w)
    {
        if (w.ReserveKernel > 0) yield return w with { ReserveKernel = 0, ReservePagedaemon = 0 };
    }
}
