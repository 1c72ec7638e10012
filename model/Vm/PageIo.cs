namespace Uvm.Model.Vm;

/// <summary>
/// An asynchronous pageout in flight: one buf of uvm_swap_put(swslot, pps, npages, B_ASYNC), the
/// cluster's pages written to the contiguous slots from <paramref name="Slot"/> on.
/// </summary>
public sealed record PageIo(IReadOnlyList<Page> Pages, int Slot)
{
    /// <summary>A pageout of one page to one slot.</summary>
    public PageIo(Page page, int slot) : this([page], slot) { }

    /// <summary>The first page (a one-page pageout's only page).</summary>
    public Page Page => Pages[0];
}
