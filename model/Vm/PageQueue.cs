namespace Uvm.Model.Vm;

/// <summary>Which paging queue a page is on: PQ_FREE, PQ_ACTIVE, PQ_INACTIVE, or none.</summary>
public enum PageQueue
{
    /// <summary>On no queue: busy in a fault or I/O, wired, or loaned to the kernel.</summary>
    None,

    /// <summary>PQ_FREE: on the free list (uvm.page_free, under uvm.fpageqlock).</summary>
    Free,

    /// <summary>PQ_ACTIVE: recently used, under uvm.pageqlock.</summary>
    Active,

    /// <summary>PQ_INACTIVE: candidate for reclaim by the pagedaemon, under uvm.pageqlock.</summary>
    Inactive,
}
