namespace Uvm.Model.Threads;

/// <summary>
/// What the one pagedaemon of a workload does (<see cref="PageDaemon"/>): uvm_pageout() scans,
/// swaps out and drains, and a workload asks for the parts it exercises. Boot steps that need
/// the pagedaemon each ask for theirs (<see cref="PageDaemon.Boot"/>) and get the same thread.
/// </summary>
public sealed record PagedaemonJobs
{
    /// <summary>
    /// Passes made from boot, back to back, under a memory shortage the workload states rather
    /// than builds (its swapoutScans): each pass's uvmpd_scan() finds free &lt; freetarg and, with
    /// a swap device configured, calls uvm_swapout_threads(). No modelled allocator fills memory in these workloads; the shortage's
    /// allocators, outside the workload, woke the pagedaemon at boot and wake it again as soon as
    /// it sleeps, so the sleep between these passes is left out.
    /// </summary>
    public int ShortagePasses { get; init; }

    /// <summary>
    /// After a pass under a shortage (free &lt; freetarg), pool_drain(0) and uvm_uarea_drain(TRUE):
    /// the pagedaemon of the exit rework (2004-01-04) frees cached u-areas on memory shortage.
    /// </summary>
    public bool DrainsUareas { get; init; }

    /// <summary>Both sets of jobs: the pagedaemon does each part either asks for.</summary>
    public PagedaemonJobs With(PagedaemonJobs more) => new()
    {
        ShortagePasses = ShortagePasses + more.ShortagePasses,
        DrainsUareas = DrainsUareas || more.DrainsUareas,
    };
}
