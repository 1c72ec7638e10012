using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.VnodePageoutScenario;

namespace Uvm.Scenarios;

/// <summary>
/// The vnode-sync scenario (session 36): beside a process that faults file pages in and dirties
/// them while the pagedaemon pages them out, another process runs the callers of genfs_putpages()
/// that are not the pagedaemon (model/Pager/GenfsPutpages.cs): the syncer's asynchronous flush,
/// fsync(2) (synchronous writes, "genput" on busy pages, "genput2" and "vflushbuf" waits for
/// v_numoutput) and msync(MS_INVALIDATE) (PG_RELEASED pages freed when their write ends).
/// </summary>
public static class VnodeSyncScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "vnode-sync",
        "3 free pages, no swap; a process writes and reads 2 files (MAP_SHARED) while another flushes one through the syncer, fsync(2) and msync(MS_INVALIDATE), and the pagedaemon pages file pages out.",
        ["vm", "vnode"],
        Default,
        () => MemoryReserves.Drawn(VnodePageoutScenario.Generate(syncers: true)));

    /// <summary>The default workload: 3 file pages in 3 pages of memory, one faulting user and one syncing user.</summary>
    public static Workload Default() => VnodePageoutScenario.InThreePages(new VnodeWorkload
    {
        Files = [2, 1],
        Users =
        [
            [W(0, 0), W(1, 0), W(0, 1), R(0, 0)],
            [W(0, 1), Sync(0, FileSync.Syncer), Sync(0, FileSync.Fsync), W(0, 0), Sync(0, FileSync.MsyncInvalidate)],
        ],
    });

    /// <summary>A putpages call on <paramref name="file"/>.</summary>
    internal static FileTouch Sync(int file, FileSync op) => new(file, 0, Write: false) { Sync = op };
}
