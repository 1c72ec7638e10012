namespace Uvm.Model.Vm;

/// <summary>
/// An asynchronous pageout in flight: one buf of uvm_swap_put(swslot, pps, npages, B_ASYNC), the
/// cluster's pages written to the contiguous slots from <paramref name="Slot"/> on, or
/// genfs_gop_write()'s buf of a vnode page and the dirty neighbours of its cluster (slot 0).
/// </summary>
public sealed record PageIo(IReadOnlyList<Page> Pages, int Slot)
{
    /// <summary>A pageout of one page to one slot.</summary>
    public PageIo(Page page, int slot) : this([page], slot) { }

    /// <summary>The first page (a one-page pageout's only page).</summary>
    public Page Page => Pages[0];

    /// <summary>
    /// The pages' data as the write was started: the device copies the pages while the I/O runs,
    /// and they are PG_BUSY meanwhile. A page the write will free is unmapped first
    /// (pmap_page_protect(VM_PROT_NONE)), so a store to it after this point is a bug the write
    /// does not carry; a page the write only cleans (a cluster's neighbour, the syncer's page)
    /// may stay mapped, and a store through its mapping sets the pmap modified bit, which keeps
    /// it dirty for the next write. Taken at the start, the
    /// earliest the device may read, so that such a store leaves the page and its copy apart.
    /// </summary>
    public IReadOnlyList<Content?> Data { get; } = [.. Pages.Select(p => p.Data)];

    /// <summary>
    /// A vnode buf's vwakeup()s still owed (genfs_gop_write() counts 2 in v_numoutput; biodone()
    /// and uvm_aio_aiodone() each pay one); 0 for a swap buf. Recounted against
    /// <see cref="AObj.NumOutput"/> by properties/AccountingDetector.cs.
    /// </summary>
    public int Owed { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"buf of {string.Join(" and ", Pages)}" + (Slot != 0 ? $" to slot {Slot}" : $" owing {Owed} vwakeup()s");
}
