namespace Uvm.Model;

/// <summary>The switches of the page and page-queue code (model/Vm/PageQueues.cs).</summary>
public static partial class Switches
{
    /// <summary>uvm_pagefree(): an unloaned page goes on the free list still linked to its object.</summary>
    public static readonly KernelSwitch PagefreeKeepsObject = Mutation("pagefree-keeps-object", "uvm_pagefree", "pagedaemon",
        "uvm_pagefree() puts an unloaned page on the free list still linked to its object (the uao/vnode page entry not removed: a free page with an owner)");

    /// <summary>uvm_pagefree(): uvmexp.free is not incremented.</summary>
    public static readonly KernelSwitch PagefreeSkipsFreeCount = Mutation("pagefree-skips-free-count", "uvm_pagefree", "pagedaemon",
        "uvm_pagefree() puts the page on the free list but does not increment uvmexp.free (a counter update skipped)");

    /// <summary>uvm_pagedequeue(): an inactive page is marked as on no queue but left linked.</summary>
    public static readonly KernelSwitch PagedequeueSkipsInactiveRemoval = Mutation("pagedequeue-skips-inactive-removal", "uvm_pagedequeue", "pagedaemon",
        "uvm_pagedequeue() marks an inactive page as on no queue but leaves it linked on the inactive queue (a queue removal skipped)");
}
