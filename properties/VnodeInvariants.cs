using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// Rules of the vnode pager and of pages in I/O (genfs_putpages(), genfs_getpages(),
/// uvm_aio_aiodone(); model/Pager/VnodePager.cs): a file page's changes reach the file before the
/// page is freed, a page in pageout is busy, and a thread asleep on a busy page is woken when it
/// is un-busied.
/// </summary>
public static class VnodeInvariants
{
    /// <summary>A dirty file page is written before it is freed (checked where pages are freed).</summary>
    public static readonly Invariant DirtyFilePageIsNeverFreed = Invariant.AtEvent(
        nameof(DirtyFilePageIsNeverFreed),
        "A vnode page is never freed while it holds changes its file does not (uvm_pagefree of a page without PG_CLEAN).", "vnode");

    /// <summary>
    /// fsync(2) and msync(MS_INVALIDATE) return with the file holding what was written before the
    /// call (checked where they return): vflushbuf(vp, 1) puts every page with PGO_CLEANIT|
    /// PGO_ALLPAGES|PGO_SYNCIO and waits for v_numoutput (vfs_subr.c 1.171), and genfs_putpages()
    /// waits for a busy page that needs cleaning, looks it up again and writes it (genfs_vnops.c
    /// 1.101), so a page not written again since the call began has its data in its file block.
    /// (A write the syncer started earlier that failed with EIO also breaks it: docs/fidelity.md,
    /// the EIO clean-page finding.)
    /// </summary>
    public static readonly Invariant SyncWritesWhatWasWrittenBefore = Invariant.AtEvent(
        nameof(SyncWritesWhatWasWrittenBefore),
        "When fsync(2) or msync(MS_INVALIDATE) returns, every page of the file not written again since the call began has its data in the file: vflushbuf()'s PGO_SYNCIO put and v_numoutput wait, genfs_putpages()'s wait for a busy page and its second look-up.", "vnode");

    /// <summary>PG_PAGEOUT is set only on a page its pager owns (PG_BUSY) until the write completes.</summary>
    public static readonly Invariant PageInPageoutIsBusy = Invariant.ForAll(
        nameof(PageInPageoutIsBusy),
        "A page with PG_PAGEOUT set is PG_BUSY: nobody else may map, change or free it while it is written.",
        "vnode", k => k.Vm.Pages,
        p => (p.Flags & PageFlags.Pageout) == 0 || p.Busy,
        p => $"{p} is in pageout but not busy") with { Reads = StateDomain.Pages };

    /// <summary>Every vnode invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [DirtyFilePageIsNeverFreed, SyncWritesWhatWasWrittenBefore, PageInPageoutIsBusy];

    /// <summary>Every vnode liveness property.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [];
}
