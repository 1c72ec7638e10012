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

    /// <summary>PG_PAGEOUT is set only on a page its pager owns (PG_BUSY) until the write completes.</summary>
    public static readonly Invariant PageInPageoutIsBusy = Invariant.ForAll(
        nameof(PageInPageoutIsBusy),
        "A page with PG_PAGEOUT set is PG_BUSY: nobody else may map, change or free it while it is written.",
        "vnode", k => k.Vm.Pages,
        p => (p.Flags & PageFlags.Pageout) == 0 || p.Busy,
        p => $"{p} is in pageout but not busy") with { Reads = StateDomain.Pages };

    /// <summary>
    /// A stale pmap mapping of a file page: genfs_putpages() with PGO_FREE removes a page's
    /// mappings (pmap_page_protect(pg, VM_PROT_NONE)) before it writes or frees it, so a file
    /// user's pmap maps only a page that is still the page of its file at that offset.
    /// </summary>
    public static readonly Invariant FilePmapMapsOnlyItsFilesPages = new(
        nameof(FilePmapMapsOnlyItsFilesPages),
        "A MAP_SHARED file mapping in a pmap names the page its file holds at that offset, never a free page or one the file no longer holds (genfs_putpages() removes the mappings with pmap_page_protect() before it cleans or frees a page).",
        "vnode", k =>
        {
            var pmaps = k.Vm.FilePmaps;
            for (int i = 0; i < pmaps.Count; i++)
            {
                var pmap = pmaps[i];
                for (int f = 0; f < pmap.Files.Count; f++)
                    for (int n = 0; n < pmap.Files[f].Size; n++)
                        if (pmap.Mapped(f, n) is { } p && (p.Queue == PageQueue.Free || p.Object != pmap.Files[f] || p.Index != n || pmap.Files[f].PageAt(n) != p))
                            return $"{pmap} maps page {n} of {pmap.Files[f]} to {p}, which is {(p.Queue == PageQueue.Free ? "free" : "no longer that page of the file")}";
            }
            return null;
        })
    {
        Reads = StateDomain.CowMaps | StateDomain.Pages | StateDomain.Objects,
    };

    /// <summary>Every vnode invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [DirtyFilePageIsNeverFreed, PageInPageoutIsBusy, FilePmapMapsOnlyItsFilesPages];

    /// <summary>Every vnode liveness property.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [];
}
