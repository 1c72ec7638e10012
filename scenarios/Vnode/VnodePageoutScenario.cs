using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The vnode-pageout scenario: processes write and read pages of MAP_SHARED files in less memory
/// than the files need, so the pagedaemon hands dirty file pages to the vnode pager's pgo_put with
/// the page queues unlocked (restarting its scan when its next page left the queue meanwhile),
/// the aiodone daemon frees them when their writes complete, and faults sleep on pages in I/O.
/// </summary>
public static class VnodePageoutScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "vnode-pageout",
        "3 free pages, no swap; 2 processes write and read 2 files of 2 pages (MAP_SHARED) while the pagedaemon cleans and frees file pages through pgo_put.",
        ["vm", "vnode"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload: 4 file pages in 3 pages of memory.</summary>
    public static Workload Default() => InThreePages(new VnodeWorkload
    {
        Files = [2, 2],
        Users =
        [
            [W(0, 0), W(0, 1), W(1, 0), R(0, 0)],
            [W(1, 1), R(0, 1), W(0, 1), W(0, 0)],
        ],
    });

    /// <summary>
    /// The vnode scenarios' default machine: one CPU, 3 free pages, no swap, the pagedaemon's
    /// targets at 1 and 2 free pages, running <paramref name="vnodes"/>.
    /// </summary>
    internal static Workload InThreePages(VnodeWorkload vnodes) => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 3,
        Sections = [new PagingWorkload { SwapSlots = 0, FreeMin = 1, FreeTarg = 2 }, vnodes],
    };

    /// <summary>
    /// 1-2 files of 1-3 pages, 1-3 users of 1-5 touches, in 2-5 free pages; one workload in three on
    /// two CPUs, where the pagedaemon and aiodoned run at once (on one, a daemon woken early waits
    /// for the CPU and cannot act before its waker is done: session 32's hunt planted a wakeup of
    /// aiodoned sent before its buf was queued, which only two CPUs reach); one in three has its
    /// file writes fail with EIO or ENOMEM at chosen completions (as cow-fork's pageouts do), so the
    /// error branches of uvm_aio_aiodone() for vnode pages run (session 35's second hunt left PG_CLEAN
    /// set on one, reached by no workload).
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() => Generate(syncers: false);

    /// <summary>
    /// <see cref="Generate()"/>; one workload in four (every one with <paramref name="syncers"/>)
    /// has its last user also flush a file through the syncer, fsync(2) or msync(MS_INVALIDATE)
    /// (session 36: genfs_putpages() for a caller that is not the pagedaemon).
    /// </summary>
    public static FsCheck.Gen<Workload> Generate(bool syncers) =>
        from w in Base()
        from sync in syncers ? Gen.Constant(true) : Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from ops in Gen.ListOf(GenSync(w.Section<VnodeWorkload>()!.Files.Count), 2)
        select sync ? WithSyncs(w, ops) : w;

    /// <summary>The last user's program with <paramref name="ops"/> put after its first touch and at its end.</summary>
    private static Workload WithSyncs(Workload w, IReadOnlyList<FileTouch> ops)
    {
        var vn = w.Section<VnodeWorkload>()!;
        var last = vn.Users[^1];
        IReadOnlyList<FileTouch> program = [.. last.Take(1), ops[0], .. last.Skip(1), ops[1]];
        return w.With(vn with { Users = [.. vn.Users.Take(vn.Users.Count - 1), program] });
    }

    private static FsCheck.Gen<FileTouch> GenSync(int files) =>
        from file in Gen.Choose(0, files - 1)
        from op in Gen.Elements(FileSync.Fsync, FileSync.Syncer, FileSync.MsyncInvalidate)
        select VnodeSyncScenario.Sync(file, op);

    private static FsCheck.Gen<Workload> Base() =>
        from cpus in Gen.Frequency((2, Gen.Constant(1)), (1, Gen.Constant(2)))
        from free in Gen.Choose(2, 5)
        from nfiles in Gen.Choose(1, 2)
        from files in Gen.ListOf(Gen.Choose(1, 3), nfiles)
        from nusers in Gen.Choose(1, 3)
        from users in Gen.ListOf(GenUser([.. files]), nusers)
        from errors in CowOps.GenPageoutFaults()
        select new Workload
        {
            Cpus = cpus, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                new PagingWorkload { SwapSlots = 0, FreeMin = 1, FreeTarg = 2 },
                new VnodeWorkload { Files = [.. files], Users = [.. users] },
                .. CowOps.PageoutFaults(errors),
            ],
        };

    private static FsCheck.Gen<IReadOnlyList<FileTouch>> GenUser(int[] files) =>
        from n in Gen.Choose(1, 5)
        from touches in Gen.ListOf(GenTouch(files), n)
        select (IReadOnlyList<FileTouch>)[.. touches];

    private static FsCheck.Gen<FileTouch> GenTouch(int[] files) =>
        from file in Gen.Choose(0, files.Length - 1)
        from page in Gen.Choose(0, files[file] - 1)
        from write in Gen.Elements(true, true, false)
        select new FileTouch(file, page, write);

    /// <summary>A store to page <paramref name="page"/> of file <paramref name="file"/>.</summary>
    internal static FileTouch W(int file, int page) => new(file, page, Write: true);

    /// <summary>A load from page <paramref name="page"/> of file <paramref name="file"/>.</summary>
    internal static FileTouch R(int file, int page) => new(file, page, Write: false);
}
