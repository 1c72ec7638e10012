namespace Uvm.Model;

/// <summary>The switches of the page and page-queue code (model/Vm/PageQueues.cs).</summary>
public static partial class Switches
{
    /// <summary>uvm_pageactivate() without its wire_count test (session 31's second hunt).</summary>
    public static readonly KernelSwitch PageactivateIgnoresWire = Mutation("pageactivate-ignores-wire", "uvm_pageactivate", "cow-wire",
        "uvm_pageactivate() puts a wired page on the active queue (its \"if (pg->wire_count == 0)\" left out): the pagedaemon may deactivate and page out mlock()ed memory")
        with { Kills = ["PageIsOnExactlyOneQueueUnlessBusyOrWired"], Budget = 200 };

    /// <summary>uvm_pagefree(): an unloaned page goes on the free list still linked to its object.</summary>
    public static readonly KernelSwitch PagefreeKeepsObject = Mutation("pagefree-keeps-object", "uvm_pagefree", "shm-paging",
        "uvm_pagefree() puts an unloaned page on the free list still linked to its object (the uao/vnode page entry not removed: a free page with an owner)")
        with { Kills = ["FreePageHasNoOwner"], Budget = 100 };

    /// <summary>
    /// uvm_anon_release() of a PG_RELEASED anon page (aiodoned after its pageout, uvmfault_anonget()):
    /// uvm_pagefree() before the un-busy, so PG_BUSY and PG_WANTED are cleared on a page the allocator
    /// already has (a page written after uvm_pagefree()). Killed by the use-after-free detector
    /// (ten seeds: in-process within 10 schedules, Coyote within 6).
    /// </summary>
    public static readonly KernelSwitch ReleaseUnbusiesFreedPage = Mutation("release-unbusies-freed-page", "uvm_anon_release", "pagedaemon",
        "uvm_anon_release() frees a PG_RELEASED page and then clears its PG_BUSY (a page written after uvm_pagefree())")
        with { Kills = ["UseAfterFree"], Budget = 50 };

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

    /// <summary>Freeing an anon's page leaves anon->an_page pointing at the free page.</summary>
    public static readonly KernelSwitch PagefreeKeepsAnonPage = Mutation("pagefree-keeps-an-page", "uvm_pagefree", "pagedaemon",
        "freeing an anon's page skips anon->an_page = NULL (the 2003 callers clear it after uvm_pagefree(), e.g. uvmpd_scan_inactive() in uvm_pdaemon.c 1.39, whose clean branch the model now follows; the model's uvm_pagefree does it for the others): the anon keeps a pointer to a free page that the next uvm_pagealloc() hands to someone else")
        with { Kills = ["AnonAndPageLinksAgree"], Budget = 20 };

    /// <summary>uvm_pageremove() of a freed object page clears pg->uobject but leaves the page in the object's hash.</summary>
    public static readonly KernelSwitch PageremoveKeepsHashEntry = Mutation("pageremove-keeps-hash-entry", "uvm_pagefree", "shm-paging",
        "uvm_pagefree()'s uvm_pageremove() clears pg->uobject but skips the removal from the object's page hash: uvm_pagelookup() still finds the freed page at its old offset")
        with { Kills = ["ObjectAndPageLinksAgree"], Budget = 20 };

    /// <summary>uvm_pageactivate(): a page goes on the active queue but uvmexp.active is not incremented.</summary>
    public static readonly KernelSwitch PageactivateSkipsActiveCount = Mutation("pageactivate-skips-active-count", "uvm_pageactivate", "pagedaemon",
        "uvm_pageactivate() links a page on the active queue but does not increment uvmexp.active (a counter update skipped; inactarg, computed from active + inactive, comes out low)")
        with { Kills = ["ActiveCountMatchesActiveQueue"], Budget = 20 };

    /// <summary>uvm_pagefree(): a wired page is freed but uvmexp.wired is not decremented.</summary>
    public static readonly KernelSwitch PagefreeSkipsWiredCount = Mutation("pagefree-skips-wired-count", "uvm_pagefree", "exit-reaperless",
        "uvm_pagefree() of a wired page (uvm_km_free() of a cached u-area) clears wire_count but does not decrement uvmexp.wired (a counter update skipped)")
        with { Kills = ["WiredCountMatchesWiredPages"], Budget = 50 };

    /// <summary>
    /// uvm_fault() case 1A maps and writes an anon page another path has PG_BUSY (the pagedaemon's
    /// pageout in flight) instead of waiting in uvmfault_anonget(): the write lands in a page the
    /// pageout then frees (session-21 mutation hunt; no invariant saw it, the page stays busy and in
    /// pageout). Killed by the PG_BUSY rule of the lock-discipline detector.
    /// </summary>
    public static readonly KernelSwitch FaultUsesBusyAnonPage = Mutation("fault-uses-busy-anon-page", "uvm_fault", "pagedaemon",
        "uvm_fault() maps an anon page that another path has PG_BUSY (a pageout in flight) instead of sleeping in uvmfault_anonget(): the write lands in a page the pageout then frees")
        with { Kills = ["LockDiscipline"], Budget = 50 };

    /// <summary>
    /// Session 30, for the data detector: a write fault maps the page without clearing PG_CLEAN (the
    /// pmap's modified bit lost: neither folded into PG_CLEAN nor consulted by pmap_is_modified()).
    /// A page read in from swap is clean; once written, the pagedaemon frees it unwritten and the
    /// write is gone. Killed by CleanPageEqualsItsBackingStore at the write.
    /// </summary>
    public static readonly KernelSwitch FaultWriteKeepsClean = Mutation("fault-write-keeps-clean", "uvm_fault", "pagedaemon",
        "uvm_fault() enters a write fault's page without clearing PG_CLEAN (the modified bit lost), so a page read in from swap and then written still claims its swap copy is current and may be freed unwritten")
        with { Kills = ["CleanPageEqualsItsBackingStore"], Budget = 100 };

    /// <summary>
    /// Session 30, for the data detector: uvm_fault()'s zero-fill takes a page for a new anon without
    /// uvm_pagezero() (as if uvm_pagealloc() had found it on the zeroed free list, which the 2003
    /// kernel keeps for uvm_pageidlezero()), so the process sees what the page last held: another
    /// process's data. Killed by NoWriteIsLost at the fault.
    /// </summary>
    public static readonly KernelSwitch ZeroFillSkipsPagezero = Mutation("zero-fill-skips-pagezero", "uvm_fault", "pagedaemon",
        "uvm_fault() zero-fills a new anon with a page it does not zero (UVM_PGA_ZERO dropped, or a page taken as pre-zeroed that is not), so the process reads the page's previous contents")
        with { Kills = ["NoWriteIsLost"], Budget = 100 };

    /// <summary>From the session-23 mutation hunt (mutD): munmap() removes the heap's entry and wipes its amap without moving the map's timestamp: a sleeping fault's uvmfault_relock() succeeds (a field not updated). Caught by UseAfterFree (the fault reads the anon munmap freed), schedule 7 with the big lock, 1 without.</summary>
    public static readonly KernelSwitch MunmapKeepsMapTimestamp = Mutation("munmap-keeps-map-timestamp", "uvm_unmap", "anon-munmap",
        "munmap() removes the heap's entry and wipes its amap without moving the map's timestamp: a sleeping fault's uvmfault_relock() succeeds (a field not updated)")
        with { Budget = 20 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): uvm_pageunwire() drops a page's last wiring but does not put it on the active queue. Caught by PageIsOnExactlyOneQueueUnlessBusyOrWired, schedule 1 of seeds 0-2 in pool-swapout; swapout, tagged sched only, does not check the page invariants and cuts most schedules at --max-steps.</summary>
    public static readonly KernelSwitch PageunwireSkipsActivate = Mutation("pageunwire-skips-activate", "uvm_pageunwire", "pool-swapout",
        "uvm_pageunwire() drops a page's last wiring but does not put it on the active queue (a queue insertion skipped): an owned, unwired page on no paging queue")
        with { Kills = ["PageIsOnExactlyOneQueueUnlessBusyOrWired"], Budget = 10 };

    /// <summary>From the session-31 hunt (a survivor then: the schedules ran into --max-steps, which only warned): uvm_pagedeactivate() leaves the page's reference bit set, so the pagedaemon's next look at the inactive queue finds it referenced and re-activates it; every scan moves the same pages back and forth and frees nothing while the faults wait for memory. Caught by EveryFairScheduleEnds.</summary>
    public static readonly KernelSwitch PagedeactivateKeepsReference = Mutation("pagedeactivate-keeps-reference", "uvm_pagedeactivate", "pagedaemon",
        "uvm_pagedeactivate() does not pmap_clear_reference() the page (a call dropped): the scan re-activates every page it deactivates, a livelock under a memory shortage")
        with { Kills = ["EveryFairScheduleEnds"], Budget = 20 };

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): uvm_aiodone_daemon() completes a batch of pageout bufs but skips the wakeup(&amp;uvm.pagedaemon) or wakeup(&amp;uvmexp.free) that ends it. Caught by MemoryShortageWithReclaimablePagesEventuallyEnds at schedule 1 (seed 0; without the big lock schedule 2); seeds 1 and 2 report EverySleeperIsEventuallyWoken first, at schedules 3 and 2.</summary>
    public static readonly KernelSwitch AiodoneSkipsBatchWakeup = Mutation("aiodone-skips-batch-wakeup", "uvm_aiodone_daemon", "pagedaemon",
        "uvm_aiodone_daemon() completes a batch of pageout bufs but skips the wakeup of &uvm.pagedaemon or &uvmexp.free that ends it (a wakeup dropped)")
        with { Kills = ["MemoryShortageWithReclaimablePagesEventuallyEnds"], Budget = 5 };

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): uvmpd_scan() calls uvm_swapout_threads() with uvm.pageqlock still held. uvm_fault_unwire() then takes the lock again: simple_lock's panic at schedule 1 (seed 0), 2, 1 (seeds 1, 2), with or without the big lock. No Kills: a panic is no property.</summary>
    public static readonly KernelSwitch ScanSwapoutsWithPageqLocked = Mutation("scan-swapouts-with-pageq-locked", "uvmpd_scan", "swapout",
        "uvmpd_scan() calls uvm_swapout_threads() without the uvm_unlock_pageq() before it and the uvm_lock_pageq() after it (a lock held across a call that takes it and sleeps)")
        with { Budget = 5 };


    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): uvm_wait() sleeps on &amp;uvmexp.free without wakeup(&amp;uvm.pagedaemon). Caught by MemoryShortageWithReclaimablePagesEventuallyEnds at schedules 1, 5, 4 (seeds 0-2); without the big lock schedule 2.</summary>
    public static readonly KernelSwitch UvmWaitSkipsPagedaemonWakeup = Mutation("uvm-wait-skips-pagedaemon-wakeup", "uvm_wait", "pagedaemon",
        "uvm_wait() sleeps on &uvmexp.free without the wakeup(&uvm.pagedaemon) before it (a wakeup dropped): nobody is asked to free the memory it waits for")
        with { Kills = ["MemoryShortageWithReclaimablePagesEventuallyEnds"], Budget = 10 };
}
