using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.VnodePageoutScenario;

namespace Uvm.Scenarios;

/// <summary>
/// The vnode-recycle scenario (session 37): the vnode lifecycle of vfs_subr.c 1.222 against the
/// pager paths (model/Pager/VnodeLifecycle.cs). File users dirty MAP_SHARED file pages, fsync one
/// file, unlink another, and exit, which vrele()s their vnodes onto the free list (the unlinked
/// one is vrecycle()d and freed by its VOP_INACTIVE); a namei process opens a file no vnode holds,
/// so getnewvnode() recycles a free vnode whose pages may still be cached or in the pagedaemon's
/// pageout, and opens a cached file again (vget() of a free vnode, or of one being cleaned).
/// </summary>
public static class VnodeRecycleScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "vnode-recycle",
        "3 free pages, no swap; two processes dirty 2 files (MAP_SHARED), one unlinks the first, the other fsyncs the second, and both exit (vrele); two namei processes open new files (getnewvnode() recycles free vnodes: vclean() against the pagedaemon's pageout and the fsync) and reopen them and the second file (vget()).",
        ["vm", "vnode"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>
    /// The default workload: 3 file pages in 3 pages of memory, 2 file users and 2 namei
    /// processes. File 0 is unlinked: the last exit's vrele() vrecycle()s its vnode, which stays
    /// on the free list with VXLOCK while vclean() sleeps; files 2 and 3 have no vnode, so their
    /// opens recycle free vnodes once desiredvnodes (2) are allocated; the second namei process
    /// reopens file 3 and file 1 (vget() of a free vnode, or of one being cleaned).
    /// </summary>
    public static Workload Default() => VnodePageoutScenario.InThreePages(new VnodeWorkload
    {
        Files = [2, 1],
        Users =
        [
            [W(0, 0), W(0, 1), W(1, 0), VnodeSyncScenario.Sync(0, FileSync.Unlink)],
            [W(1, 0), VnodeSyncScenario.Sync(1, FileSync.Fsync)],
        ],
        Opens = [[2, 3], [3, 1]],
    });

    /// <summary>
    /// A vnode-pageout workload (syncs in one in four) whose users may unlink a file, with 1-3
    /// opens by the namei process of its files or of files past them.
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from w in VnodePageoutScenario.Generate()
        from unlink in Gen.Elements(true, false)
        from nnamei in Gen.Choose(1, 2)
        from opens in Gen.ListOf(GenOpens(w.Section<VnodeWorkload>()!.Files.Count), nnamei)
        select WithOpens(w, unlink, [.. opens]);

    private static FsCheck.Gen<IReadOnlyList<int>> GenOpens(int files) =>
        from n in Gen.Choose(1, 3)
        from opens in Gen.ListOf(Gen.Choose(0, files + 1), n)
        select (IReadOnlyList<int>)[.. opens];

    private static Workload WithOpens(Workload w, bool unlink, IReadOnlyList<IReadOnlyList<int>> opens)
    {
        var vn = w.Section<VnodeWorkload>()!;
        var users = vn.Users;
        if (unlink && users.Count > 0)
        {
            int file = vn.Files.Count - 1;
            users = [.. users.Take(users.Count - 1), [.. users[^1], VnodeSyncScenario.Sync(file, FileSync.Unlink)]];
        }
        return w.With(vn with { Users = users, Opens = opens });
    }
}
