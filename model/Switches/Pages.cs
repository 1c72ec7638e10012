namespace Uvm.Model;

/// <summary>The switches of the page and page-queue code (model/Vm/PageQueues.cs).</summary>
public static partial class Switches
{
    /// <summary>uvm_pagefree(): an unloaned page goes on the free list still linked to its object.</summary>
    public static readonly KernelSwitch PagefreeKeepsObject = Mutation("pagefree-keeps-object", "uvm_pagefree", "shm-swap",
        "uvm_pagefree() puts an unloaned page on the free list still linked to its object (the uao/vnode page entry not removed: a free page with an owner)")
        with { Kills = ["FreePageHasNoOwner"], Budget = 100 };

    /// <summary>uvm_pagefree(): uvmexp.free is not incremented.</summary>
    public static readonly KernelSwitch PagefreeSkipsFreeCount = Mutation("pagefree-skips-free-count", "uvm_pagefree", "pagedaemon",
        "uvm_pagefree() puts the page on the free list but does not increment uvmexp.free (a counter update skipped)")
        with { Kills = ["FreeCountMatchesFreeQueue"], Budget = 20 };

    /// <summary>uvm_pageout(): the scan frees pages but wakeup(&amp;uvmexp.free) is skipped.</summary>
    public static readonly KernelSwitch PagedaemonSkipsFreeWakeup = Mutation("pagedaemon-skips-free-wakeup", "uvm_pageout", "pagedaemon",
        "uvm_pageout() scans and frees pages but skips wakeup(&uvmexp.free), so a thread in uvm_wait() sleeps on with memory to be had (a lost wakeup)")
        with { Kills = ["MemoryShortageWithReclaimablePagesEventuallyEnds"], Budget = 100 };

    /// <summary>uvm_pagedequeue(): an inactive page is marked as on no queue but left linked.</summary>
    public static readonly KernelSwitch PagedequeueSkipsInactiveRemoval = Mutation("pagedequeue-skips-inactive-removal", "uvm_pagedequeue", "pagedaemon",
        "uvm_pagedequeue() marks an inactive page as on no queue but leaves it linked on the inactive queue (a queue removal skipped)")
        with { Kills = ["PageIsOnExactlyOneQueueUnlessBusyOrWired"], Budget = 20 };

    /// <summary>uvm_pagedequeue(): an inactive page leaves the queue but uvmexp.inactive is not decremented.</summary>
    public static readonly KernelSwitch PagedequeueSkipsInactiveCount = Mutation("pagedequeue-skips-inactive-count", "uvm_pagedequeue", "pagedaemon",
        "uvm_pagedequeue() takes a page off the inactive queue but does not decrement uvmexp.inactive (a counter update skipped; the pagedaemon then sees no inactive shortage)")
        with { Kills = ["InactiveCountMatchesInactiveQueue"], Budget = 20 };
}
