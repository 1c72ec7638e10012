namespace Uvm.Model;

/// <summary>The switches of the pager and swap paths (model/Pager/SwapOff.cs, model/Pagedaemon/PageoutScan.cs).</summary>
public static partial class Switches
{
    /// <summary>
    /// PR kern/22752: uao_pagein_page() (swapctl -d → uao_swap_off) frees the page's old swap slot
    /// with uvm_swap_free(slot, 1) without checking for 0. Read in <see cref="Uvm.Model.SwapOff"/>.
    /// The fix (approx.: the exact commit is reconstructed) checks the old slot, as uao_dropswap()
    /// does and later revisions use.
    /// </summary>
    public static readonly KernelSwitch Pr22752 = new("pr22752", SwitchKind.Historical, "uao_pagein_page", "shm-swap")
    {
        Origin = "PR kern/22752",
        Title = "uvm_swap_free of slot 0 under SysV shm and heavy paging",
        Description = "uao_pagein_page() (swapctl -d) sleeps in uao_get() with the shm aobj unlocked; a fault brings the page in "
            + "and the pagedaemon drops its swap slot; back under the lock, uao_set_swslot() returns 0 and the unchecked "
            + "uvm_swap_free(0, 1) panics (swapdrum_getsdp(0) == NULL). Exact fix site reconstructed.",
        Expected = "panic uvm_swap_free",
        Budget = 400,
    };

    /// <summary>
    /// Found by the checker (session 20): anon_pagein() (swapctl -d → anon_swap_off) frees the anon's
    /// slot with <c>uvm_swap_free(anon-&gt;an_swslot, 1)</c> unchecked, the anon twin of PR kern/22752:
    /// uvmfault_anonget() drops an_lock to wait for a busy page, the pagedaemon's swap-shortage scan
    /// frees the slot of the page once it is resident and active (<c>an_swslot = 0</c>), and back
    /// under the lock anon_pagein() frees slot 0: panic in uvm_swap_free(). The stored uvm_anon.c
    /// texts of 2002 and 2006 free it unchecked; the 2008 text (uvm_anon_pagein()) checks
    /// <c>if (anon-&gt;an_swslot &gt; 0)</c>, which the default kernel does. Read in <see cref="AnonPager.SwapOff"/>.
    /// </summary>
    public static readonly KernelSwitch AnonPageinFreesSlotZero = new("anon-pagein-frees-slot-zero", SwitchKind.Discovered, "anon_pagein", "anon-swapoff")
    {
        Origin = "uvm_anon.c uvm_anon_pagein() (2008 text)",
        Title = "uvm_swap_free of slot 0 by swapctl -d on anon memory",
        Description = "anon_pagein() sleeps in uvmfault_anonget() with the anon unlocked; the page comes back resident and the "
            + "pagedaemon's swap-shortage scan drops its slot; back under the lock, the unchecked uvm_swap_free(an_swslot, 1) "
            + "frees slot 0 (swapdrum_getsdp(0) == NULL). The anon twin of PR kern/22752.",
        Expected = "panic uvm_swap_free",
        Budget = 600,
    };

    /// <summary>
    /// Found by the checker (session 20): anon_swap_off() of 2002-04 (uvm_anon.c, the 1.21 branch
    /// text) walks every anon and pages in those whose slot lies in the range, holding nothing on the
    /// anon but an_lock, which uvmfault_anonget() drops to wait for a busy page. An anon whose owner
    /// freed it meanwhile (amap_wipeout(): an_ref to 0, then uvm_anfree(), which leaves a page in
    /// pageout PG_RELEASED for aiodoned's uvm_anon_release() to free with the anon) is then relocked
    /// and worked on after it was freed: in 2003-04 a reused or free anon's slot 0 paged in (anons
    /// were static then), later a use after free. With ufi == NULL, anonget has no amap to re-check
    /// the anon against ("VM_PAGER_REFAULT can only mean that the anon was freed" assumes anonget
    /// freed it). The stored 2006 text still walks anons; by the 2008 text amap_swap_off() (uvm_amap.c)
    /// walks amaps instead, and holds the amap
    /// (AMAP_SWAPOFF, a reference; amap_wipeout() backs off) while it pages in its anons; the
    /// default model gives the anon walk that effect: it skips a dying anon (an_ref 0) and holds a
    /// reference on the anon it pages in, dropping it (and freeing the anon if it was the last)
    /// afterwards. Read in <see cref="AnonPager.SwapOff"/>.
    /// </summary>
    public static readonly KernelSwitch AnonSwapOffUnheld = new("anon-swap-off-unheld", SwitchKind.Discovered, "anon_swap_off, anon_pagein", "anon-swapoff")
    {
        Origin = "amap_swap_off() (uvm_amap.c; in the stored 2008 text, not in 2006's)",
        Title = "swapctl -d pages in an anon its owner frees meanwhile",
        Description = "anon_swap_off() holds only an_lock on the anon it pages in, and uvmfault_anonget() drops it to wait for "
            + "a page in pageout; the owner's exit frees the anon meanwhile (aiodoned's uvm_anon_release() of the PG_RELEASED "
            + "page), and swapoff relocks and works on a freed anon. amap_swap_off() later held the amap while paging in.",
        Expected = "detector UseAfterFree",
        Kills = ["UseAfterFree"],
        Budget = 200,
    };

    /// <summary>
    /// Found by the checker (session 19): uao_pagein_page() of 2002 (uvm_aobj.c 1.39.2.6) un-busies
    /// the page it paged in for swapctl -d with <c>pg-&gt;flags &amp;= ~(PG_BUSY|PG_CLEAN|PG_FAKE)</c>: no
    /// <c>if (pg-&gt;flags &amp; PG_WANTED) wakeup(pg)</c>, and PG_WANTED stays set. A thread that found
    /// the page busy while uao_get() read it (a shm fault's uao_get, the last shmdt's uao_detach,
    /// a u-area swapin through kernel_object) sleeps on it until something else un-busies the
    /// page. The later text (1.93.2.1, 2008) wakes them (<c>if (pg-&gt;flags &amp; PG_WANTED)
    /// wakeup(pg); pg-&gt;flags &amp;= ~(PG_WANTED|PG_BUSY|PG_CLEAN|PG_FAKE)</c>), which the default
    /// kernel does; when the wakeup came in is not confirmed. Read in <see cref="SwapOff"/>.
    /// </summary>
    public static readonly KernelSwitch PageinPageSkipsWakeup = new("pagein-page-skips-wakeup", SwitchKind.Discovered, "uao_pagein_page", "shm-swap")
    {
        Origin = "uvm_aobj.c 1.93.2.1 (2008; the revision that added the wakeup is not confirmed)",
        Title = "uao_pagein_page() un-busies the page without waking its waiters",
        Description = "swapctl -d pages an shm aobj's page in through uao_get(), which sleeps with the page busy; a process "
            + "faulting on the page, or detaching the segment, finds it busy, sets PG_WANTED and sleeps. uao_pagein_page() "
            + "clears PG_BUSY but neither wakes it nor clears PG_WANTED: the sleeper waits for a wakeup that no path owes it.",
        Expected = "invariant NoSleeperWaitsForWhatIsAlreadyThere",
        Budget = 1000,
    };

    /// <summary>
    /// Found by the checker (session 32, once uvm_pagedeactivate() kept its "caller did not check
    /// wire count" panic): uao_pagein_page() of the 2002 text (and anon_pagein() of the same era)
    /// calls uvm_pagedeactivate() on the page it paged in without testing wire_count. A u-area page
    /// of kernel_object keeps its swap slot after a swap-in reads it back, so swapctl -d's
    /// uao_swap_off() pages it in too; its uao_get() sleeps on the page while proc0's uvm_swapin()
    /// reads it, uvm_fault_wire() wires it, and swap_off's deactivation of the wired page panics
    /// (DIAGNOSTIC; without it, a wired page lands on the inactive queue for the pagedaemon). The
    /// later texts test it (`if (pg->wire_count == 0) uvm_pagedeactivate(pg)`, uvm_anon.c of 2008),
    /// which the default kernel does. Read in <see cref="SwapOff"/> and <see cref="AnonPager"/>.
    /// </summary>
    public static readonly KernelSwitch PageinDeactivatesWired = new("pagein-deactivates-wired", SwitchKind.Discovered, "uao_pagein_page, anon_pagein", "swapout-swapctl")
    {
        Origin = "uvm_anon.c of 2008 (1.48.6.2): if (pg->wire_count == 0) uvm_pagedeactivate(pg); the revision that added the test is not found",
        Title = "swapctl -d deactivates a u-area page that a swap-in wired while swap_off slept on it",
        Description = "uao_swap_off() pages in every slot of the device, kernel_object's u-area pages among them: a page read "
            + "back by a swap-in keeps its slot. uao_pagein_page()'s uao_get() sleeps on the page proc0's uvm_swapin() is "
            + "reading; uvm_fault_wire() wires it; back awake, uao_pagein_page() calls uvm_pagedeactivate() on the wired page "
            + "and panics (\"caller did not check wire count\").",
        Expected = "panic uvm_pagedeactivate",
        Budget = 100,
    };

    /// <summary>uao_get(): the synchronous swap read runs with the object still locked.</summary>
    public static readonly KernelSwitch UaoGetReadsLocked = Mutation("uao-get-reads-locked", "uao_get", "shm-swap",
        "uao_get() calls uvm_swap_get(.., PGO_SYNCIO), whose biowait() sleeps, without the simple_unlock(&uobj->vmobjlock) before it (a sleep with a simple lock held)")
        with { Kills = ["SleepWithSpinLock"], Budget = 200 };

    /// <summary>
    /// uvmfault_anonget(): the page read from swap is un-busied (PG_BUSY, PG_WANTED and PG_FAKE
    /// cleared, its waiters woken) before simple_lock(&amp;anon-&gt;an_lock) retakes the anon, where
    /// uvm_fault.c 1.69 does it after. Killed by the lock-discipline detector's check of uvm_page.h's
    /// "flags: [O]" (session 26), and by nothing before it.
    /// </summary>
    public static readonly KernelSwitch AnongetUnbusiesBeforeRelock = Mutation("anonget-unbusies-before-relock", "uvmfault_anonget", "pagedaemon",
        "uvmfault_anonget() clears PG_BUSY|PG_WANTED of the page it read in before it relocks the anon (pg->flags written without the owner's lock, uvm_page.h: flags [O])")
        with { Kills = ["LockDiscipline"], Budget = 200 };

    /// <summary>uvmfault_anonget(): the synchronous swap read runs with the anon still locked.</summary>
    public static readonly KernelSwitch AnongetReadsLocked = Mutation("anonget-reads-locked", "uvmfault_anonget", "pagedaemon",
        "uvmfault_anonget() calls uvm_swap_get(.., PGO_SYNCIO), whose biowait() sleeps, with an_lock still held (uvmfault_unlockall() leaves the anon locked: a sleep with a simple lock held)")
        with { Kills = ["SleepWithSpinLock"], Budget = 200 };

    /// <summary>uvmpd_scan_inactive(): the page's owner is locked with simple_lock() instead of simple_lock_try().</summary>
    public static readonly KernelSwitch PagedaemonLocksOwner = Mutation("pagedaemon-locks-owner", "uvmpd_scan_inactive", "pagedaemon",
        "uvmpd_scan_inactive() and uvmpd_scan() hold uvm.pageqlock and lock a page's anon or object with simple_lock() where the kernel uses simple_lock_try() and skips the page, against the order owner before page queues that every fault and free keeps (a lock order reversed)")
        with { Kills = ["LockOrder"], Budget = 200 };

    /// <summary>uvmpd_scan_inactive(): a dirty page gets a new swap slot without its old one being released.</summary>
    public static readonly KernelSwitch PageoutKeepsOldSwapSlot = Mutation("pageout-keeps-old-swap-slot", "uvmpd_scan_inactive", "cow-fork",
        "uvmpd_scan_inactive() gives a dirty page a new swap slot without releasing its old one (uao_dropswap() / the an_swslot free skipped): the old slot stays allocated with no owner")
        with { Kills = ["AllocatedSlotsAreExactlyTheReferencedSlots"], Budget = 200 };

    /// <summary>uao_pagein_page(): the old slot is freed but the page is left PG_CLEAN.</summary>
    public static readonly KernelSwitch PageinPageStaysClean = Mutation("pagein-page-stays-clean", "uao_pagein_page", "shm-swap",
        "uao_pagein_page() (swapctl -d) frees the page's swap slot but does not clear PG_CLEAN, so the pagedaemon may free the only copy (a flag not cleared)")
        with { Kills = ["CleanPageHasSwapCopy"], Budget = 200 };

    /// <summary>
    /// uvmfault_anonget(): after the read from swap, the PG_RELEASED test is skipped, so the page
    /// of an anon freed during the read (by another LWP's munmap) is activated and the anon is
    /// never freed. From the third (mutC) mutation hunt, where no workload reached it: it takes
    /// a munmap by one LWP while another's fault reads the anon's page in, which anon-munmap's
    /// default workload makes. Caught by AnonRefsEqualTheirHolders at the end of the schedule
    /// until session 35; since, by ReleasedPageIsBusy at the activation itself: schedules 1, 3, 5,
    /// 12, 15, 3, 1, 11, 11, 6 (seeds i*1000003, i = 0-9) with the big lock, 32, 17, 15, 12, 3,
    /// 39, 54, 18, 32, 41 without (wipeout-skips-unref-of-swapped-anon still designates
    /// AnonRefsEqualTheirHolders).
    /// </summary>
    public static readonly KernelSwitch AnongetSkipsReleasedCheck = Mutation("anonget-skips-released-check", "uvmfault_anonget", "anon-munmap",
        "uvmfault_anonget() does not test PG_RELEASED after uvm_swap_get(): the page of an anon freed while it was read in is activated, and the anon, which uvm_anfree() left to the reader, is never freed (a re-check missing after a sleep)")
        with { Kills = ["ReleasedPageIsBusy"], Budget = 50 };

    /// <summary>
    /// uvmpd_scan(), the active-queue scan: a PG_BUSY page is deactivated (and its swap slot freed
    /// on a swap shortage) like any other. From the third (mutC) mutation hunt, which found it
    /// unreached: a busy page sits on the active queue with its owner unlocked in cow-file, where
    /// uvm_fault() activates the page pgo_get() returned busy and then waits in uvmfault_relock()
    /// for the map, but with the 2004 big lock the fault keeps the CPU there unless the other LWP
    /// holds the map across a sleep, which no workload makes; without it the pagedaemon meets the
    /// page on another CPU. Killed by the lock-discipline detector (a busy page deactivated by a
    /// path that did not busy it).
    /// </summary>
    public static readonly KernelSwitch ScanActiveDeactivatesBusy = Mutation("scan-active-deactivates-busy", "uvmpd_scan", "cow-file",
        "uvmpd_scan()'s active-queue loop does not skip a PG_BUSY page: it frees the swap slot of, and deactivates, a page another thread holds busy (a flag not tested)")
        with { Kills = ["LockDiscipline"], Budget = 20, BigLock = false };

    /// <summary>
    /// uao_get(), the unlocked case: a page that never existed is zero-filled but keeps PG_CLEAN.
    /// From the third (mutC) mutation hunt, where no workload reached it: it takes a fault on a
    /// never-touched shm page while no page is free (uao_get(PGO_LOCKED) fails, uvm_wait("uao_getpage")),
    /// which shm-paging's default workload makes.
    /// </summary>
    public static readonly KernelSwitch UaoGetZeroKeepsClean = Mutation("uao-get-zero-keeps-clean", "uao_get", "shm-paging",
        "uao_get() zero-fills a page that never existed (uvm_pagezero()) but leaves PG_CLEAN set, so the pagedaemon may free it as if swap held a copy (a flag not cleared)")
        with { Kills = ["CleanPageHasSwapCopy"], Budget = 20 };

    /// <summary>uvm_anon_dropswap() → uvm_swap_free(): the slot goes back to the extent but uvmexp.swpginuse is not lowered.</summary>
    public static readonly KernelSwitch DropswapSkipsSwpginuse = Mutation("dropswap-skips-swpginuse", "uvm_anon_dropswap", "cow-fork",
        "uvm_swap_free(), called from uvm_anon_dropswap(), returns the slot to the extent but skips uvmexp.swpginuse -= nslots (a counter decrement skipped on one path)")
        with { Kills = ["SwapInUseMatchesAllocatedSlots"], Budget = 200 };

    /// <summary>
    /// uvm_swap_free(): swpginuse is decremented after simple_unlock(&amp;uvm.swap_data_lock). The
    /// lock is taken and dropped inside one step, so only the lock-discipline check on the swap
    /// counts sees it (session 29).
    /// </summary>
    public static readonly KernelSwitch SwapFreeCountsAfterUnlock = Mutation("swap-free-counts-after-unlock", "uvm_swap_free", "cow-fork",
        "uvm_swap_free(), called from uvm_anon_dropswap(), decrements uvmexp.swpginuse after simple_unlock(&uvm.swap_data_lock) (a counter written after the unlock)")
        with { Kills = ["LockDiscipline"], Budget = 20 };

    /// <summary>
    /// swap_off(): the device is removed although slots on it are still in use (the EBUSY test left
    /// out). Found by the session-29 adversarial hunt: until NoSwapSlotOutlivesItsDevice only the
    /// later uvm_swap_free() panic of a slot on the removed device reported it, tens of schedules on.
    /// </summary>
    public static readonly KernelSwitch SwapOffIgnoresBusy = Mutation("swap-off-ignores-busy", "swap_off", "anon-swapoff",
        "swap_off() removes the swap device although slots on it are still allocated (a test left out)")
        // A slot left in use at the end of the walk needs a pageout in flight then: one schedule in
        // a few hundred (seeds 0..5000: schedules 31-311 before the anon user's pmap of session 31,
        // 60-861 after it, since a resident page is no longer faulted and re-activated on a re-touch).
        with { Kills = ["NoSwapSlotOutlivesItsDevice"], Budget = 1000 };

    /// <summary>swap_off(): the page-in walks stop one slot short of the device's end (session 31's hunt).</summary>
    public static readonly KernelSwitch SwapOffWalkMissesLastSlot = Mutation("swap-off-walk-misses-last-slot", "swap_off", "anon-swapoff",
        "swap_off() passes uao_swap_off() and amap_swap_off() a range that ends one slot short of the device: a page swapped to the last slot is never paged in, and every swapctl -d fails with EBUSY while it is there")
        with { Kills = ["SwapOffPagesInEverySwappedPage"], Budget = 200 };

    /// <summary>swap_off(): the EBUSY return leaves SWF_ENABLE cleared (session 31's hunt).</summary>
    public static readonly KernelSwitch SwapOffEbusyStaysDisabled = Mutation("swap-off-ebusy-stays-disabled", "swap_off", "anon-swapoff",
        "swap_off() fails with EBUSY but does not set SWF_ENABLE again: the device stays configured and is never allocated from again, and swapctl -a of it fails with EBUSY")
        with { Kills = ["SwapDeviceIsEnabledUnlessSwapOffRuns"], Budget = 1000 };

    /// <summary>uvmpd_scan_inactive(): the final pageout of a partial cluster keeps its unused tail slots.</summary>
    public static readonly KernelSwitch ClusterKeepsTailSlots = Mutation("cluster-keeps-tail-slots", "uvmpd_scan_inactive", "swap-errors",
        "the final pageout of a swap cluster skips uvm_swap_free(swslot + swcpages, swnpages - swcpages): the unused tail slots stay allocated with no owner");

    /// <summary>uao_pagein_page(): the page is dirtied and deactivated but left PG_BUSY.</summary>
    public static readonly KernelSwitch PageinPageStaysBusy = Mutation("pagein-page-stays-busy", "uao_pagein_page", "shm-swap",
        "uao_pagein_page() (swapctl -d) dirties and deactivates the page it brought in but skips pg->flags &= ~(PG_WANTED|PG_BUSY) and UVM_PAGE_OWN(pg, NULL) (an un-busy missing on one path): nobody may use or page out the page again")
        with { Kills = ["NoPageStaysBusy"], Budget = 200 };

    /// <summary>uvm_swap_markbad(): the slots are marked bad but swd_npgbad is not counted up.</summary>
    public static readonly KernelSwitch MarkbadSkipsNpgbad = Mutation("markbad-skips-npgbad", "uvm_swap_markbad", "swap-errors",
        "uvm_swap_markbad() marks the failed pageout's slots bad but skips swd_npgbad += nslots (a counter increment skipped)")
        with { Kills = ["SwapBadCountMatchesBadSlots"], Budget = 200 };

    /// <summary>uvm_aio_aiodone(): a permanent write error skips uvm_swap_markbad().</summary>
    public static readonly KernelSwitch AiodoneSkipsMarkbad = Mutation("aiodone-skips-markbad", "uvm_aio_aiodone", "swap-errors",
        "a pageout that fails with EIO sets the owners' slots to SWSLOT_BAD but skips uvm_swap_markbad(): swpgonly keeps the lost pages and the slots stay allocated, neither owned nor marked bad");

    /// <summary>uvm_aio_aiodone(): the permanent-error branch leaves the page's owner locked.</summary>
    public static readonly KernelSwitch AiodoneErrorKeepsOwnerLocked = Mutation("aiodone-error-keeps-owner-locked", "uvm_aio_aiodone", "swap-errors",
        "uvm_aio_aiodone() handles a page whose pageout failed with EIO (SWSLOT_BAD in its owner) and goes on without the simple_unlock() of the owner's lock (an unlock missing on an error path): the next thread that needs the anon or object waits for ever")
        with { Kills = ["SleepWithSpinLock"], Budget = 200 };

    /// <summary>uvm_aio_biodone(): a finished swap pageout is queued for the aiodone daemon, which is not woken.</summary>
    public static readonly KernelSwitch BiodoneSkipsAiodonedWakeup = Mutation("biodone-skips-aiodoned-wakeup", "uvm_aio_biodone", "pagedaemon",
        "uvm_aio_biodone() puts a finished swap pageout's buf on uvm.aio_done but skips wakeup(&uvm.aiodoned) (a wakeup skipped): the pages stay busy until some later pageout wakes the daemon, and a fault that waits for one of them may wait for ever")
        with { Kills = ["EverySleeperIsEventuallyWoken"], Budget = 200 };

    /// <summary>uvm_aio_aiodone(): the ENOMEM branch clears PG_PAGEOUT without uvmexp.paging--.</summary>
    public static readonly KernelSwitch AiodoneEnomemSkipsPaging = Mutation("aiodone-enomem-skips-paging", "uvm_aio_aiodone", "swap-errors",
        "the transient-error (ENOMEM) branch clears PG_PAGEOUT but skips uvmexp.paging--: paging counts a page that is no longer in pageout");

    /// <summary>uvm_aio_aiodone(): the ENOMEM branch leaves the owner's slot in place.</summary>
    public static readonly KernelSwitch AiodoneEnomemKeepsSlot = Mutation("aiodone-enomem-keeps-slot", "uvm_aio_aiodone", "swap-errors",
        "the transient-error (ENOMEM) branch re-dirties the page but leaves the owner's slot in place (no uao_set_swslot(.., 0) / an_swslot = 0) before uvm_swap_free() of the buf's slots: the owner records a freed slot");

    /// <summary>uvm_aio_aiodone(): uvmexp.paging-- is skipped for a PG_RELEASED page. Killed by the accounting detector.</summary>
    public static readonly KernelSwitch AiodoneReleasedSkipsPagingDecrement = Mutation("aiodone-released-skips-paging-decrement", "uvm_aio_aiodone", "pagedaemon",
        "uvm_aio_aiodone() skips uvmexp.paging-- when the page was PG_RELEASED (a counter decrement skipped on one branch)")
        with { Kills = ["PagingCountMatchesPagesInPageout"], Budget = 200 };

    /// <summary>
    /// uvmpd_scan_inactive(): a clean page is freed but uvmexp.swpgonly++ is skipped. Killed by the
    /// accounting detector: at schedules 513, 101 and 448 of seeds 0, 1000003 and 2000006 since the
    /// scan drops the page queues around its swapout walk in the pagedaemon scenario (session 18).
    /// </summary>
    public static readonly KernelSwitch PageoutCleanSkipsSwpgonly = Mutation("pageout-clean-skips-swpgonly", "uvmpd_scan_inactive", "pagedaemon",
        "uvmpd_scan_inactive() frees a clean page whose data lives only in swap but skips uvmexp.swpgonly++ (a counter increment skipped on one branch)")
        with { Kills = ["SwapOnlyCountMatchesSwappedOutPages"], Budget = 1000 };

    /// <summary>uvm_anfree(): uvmexp.swpgonly-- is skipped when the freed anon's page was only in swap. Killed by the accounting detector.</summary>
    public static readonly KernelSwitch AnfreeSkipsSwpgonly = Mutation("anfree-skips-swpgonly", "uvm_anfree", "pagedaemon",
        "uvm_anfree() frees the swap slot of an anon whose page was only in swap but skips uvmexp.swpgonly-- (a counter decrement skipped on one branch)");

    /// <summary>
    /// uao_pagein_page(): the page's swap slot is cleared before vmobjlock is retaken after uao_get().
    /// Killed by the lock-discipline detector.
    /// </summary>
    public static readonly KernelSwitch PageinPageClearsSlotUnlocked = Mutation("pagein-page-clears-slot-unlocked", "uao_pagein_page", "shm-swap",
        "uao_pagein_page() (swapctl -d) clears the page's swap slot with uao_set_swslot() before it relocks the object (a protected write moved out of its section)")
        with { Kills = ["LockDiscipline"], Budget = 200 };

    /// <summary>
    /// uao_swap_off() of 2002-04 (uvm_aobj.c 1.39.2.6) drops its reference on each aobj with
    /// uao_detach_locked() while it holds uao_list_lock; dropping the last one re-takes the list
    /// lock. Found by this checker once the walk was modelled as written (the model's walk had
    /// released the list lock and ended at an unlinked next aobj). Fixed later: NetBSD references
    /// the next aobj under the list lock and detaches the current one with the list unlocked;
    /// OpenBSD defers the detach (prevaobj) to "avoid lock recursion". Read in <see cref="Uvm.Model.SwapOff"/>.
    /// </summary>
    public static readonly KernelSwitch UaoSwapOffDetachesListLocked = new("uao-swap-off-detach-list-locked", SwitchKind.Discovered, "uao_swap_off, uao_detach_locked", "shm-swap")
    {
        Origin = "uvm_aobj.c uao_swap_off(): later NetBSD (next aobj referenced, detach unlocked); OpenBSD prevaobj",
        Title = "uao_swap_off drops the last reference of an aobj with uao_list_lock held: uao_detach_locked takes it again",
        Description = "swapctl -d pages an shm segment's aobj in while holding a reference; meanwhile the segment is removed "
            + "(shmctl(IPC_RMID) or the last shmdt/exit), so swapoff's reference is the last. Back under uao_list_lock it "
            + "calls uao_detach_locked(), which unlinks the aobj with simple_lock(&uao_list_lock): a lock this CPU already "
            + "holds (LOCKDEBUG panics \"locking against myself\"; MULTIPROCESSOR without it spins forever).",
        Expected = "panic simple_lock",
        Budget = 1000,
    };

    /// <summary>
    /// uao_swap_off() drops the walk's reference (uao_detach_locked) only on the branch that paged
    /// something in: an aobj with no slot in the range keeps uo_refs one too high and is never
    /// freed (session-21 mutation hunt). Killed by the leak checks at the end.
    /// </summary>
    public static readonly KernelSwitch UaoSwapOffKeepsRef = Mutation("uao-swap-off-keeps-ref", "uao_swap_off", "shm-swap",
        "uao_swap_off() takes a reference on each aobj (uao_reference) but on the branch where the aobj has no slot in the range it only unlocks it: uo_refs stays one too high and the segment is never freed")
        with { Kills = ["ShmObjectRefsEqualTheirHolders"], Budget = 20 };

    /// <summary>
    /// shm_delete_mapping() decides on SHMSEG_REMOVED as read before uao_detach(), which may sleep
    /// on a busy page: an IPC_RMID in between (seeing shm_nattch &gt; 0) and this last detach both
    /// leave the segment allocated, and it leaks with its aobj (session-21 mutation hunt). Reached
    /// without the big lock. Killed by the leak checks at the end.
    /// </summary>
    public static readonly KernelSwitch ShmdtReadsRemovedBeforeDetach = Mutation("shmdt-reads-removed-before-detach", "shm_delete_mapping", "shm-swap",
        "shmdt() reads SHMSEG_REMOVED before uvm_deallocate()/uao_detach() and decides on that stale value after it, so an IPC_RMID that ran in between (seeing shm_nattch > 0) and this last detach both leave the segment allocated: it and its aobj leak (a value not revalidated after the lock was dropped)")
        with { Kills = ["RemovedShmSegmentIsDeallocated"], Budget = 100, BigLock = false };

    /// <summary>
    /// anon_pagein() puts the page on the inactive queue without uvm.pageqlock (session-21 mutation
    /// hunt; inside one step the missing lock changes nothing the model can see). Killed by the
    /// lock-discipline detector's paging-queue rule.
    /// </summary>
    public static readonly KernelSwitch AnonPageinDeactivatesUnlocked = Mutation("anon-pagein-deactivates-unlocked", "anon_pagein", "anon-swapoff",
        "anon_pagein() calls uvm_pagedeactivate() without uvm_lock_pageq(): the page moves onto the inactive queue under no lock, racing the pagedaemon's scan of that queue (a write outside its lock)")
        with { Kills = ["LockDiscipline"], Budget = 50 };

    /// <summary>
    /// From the session-22 mutation hunt: the active scan frees a page's swap slot under a swap
    /// shortage but leaves PG_CLEAN set (a flag not cleared). Caught by CleanPageHasSwapCopy
    /// (pagedaemon, with the big lock; the branch is rare in the generated workloads).
    /// </summary>
    public static readonly KernelSwitch SlotShortageKeepsClean = Mutation("slot-shortage-keeps-clean", "uvmpd_scan", "pagedaemon",
        "the active scan frees a page's swap slot under a swap shortage but leaves PG_CLEAN set (a flag not cleared)");

    /// <summary>
    /// From the session-22 mutation hunt: uvmpd_scan_inactive(): no swap for the cluster, give up, but
    /// the page keeps PG_BUSY (an error branch skips the undo). Caught by the sleeper detector's
    /// NoPageStaysBusy (pagedaemon, with the big lock).
    /// </summary>
    public static readonly KernelSwitch PageoutNoSwapKeepsBusy = Mutation("pageout-no-swap-keeps-busy", "uvmpd_scan_inactive", "pagedaemon",
        "uvmpd_scan_inactive(): no swap for the cluster, give up, but the page keeps PG_BUSY (an error branch skips the undo)");

    /// <summary>
    /// From the session-22 mutation hunt: a page added to a pageout cluster stays on the inactive queue
    /// (a list entry left). Caught by the link check PageInPageoutIsOnNoPagingQueue (designated):
    /// PG_BUSY exempts the page from the queue check.
    /// </summary>
    public static readonly KernelSwitch PageoutLeavesPageQueued = Mutation("pageout-leaves-page-queued", "uvmpd_scan_inactive", "pagedaemon",
        "a page added to a pageout cluster stays on the inactive queue (a list entry left)")
        with { Kills = ["PageInPageoutIsOnNoPagingQueue"], Budget = 20 };

    /// <summary>
    /// From the session-22 mutation hunt: uvm_anon_release() frees the PG_RELEASED page and the anon
    /// but not its swap slot (an error branch leaks a slot). Caught by
    /// AllocatedSlotsAreExactlyTheReferencedSlots.
    /// </summary>
    public static readonly KernelSwitch AnonReleaseSkipsDropswap = Mutation("anon-release-skips-dropswap", "uvm_anon_release", "pagedaemon",
        "uvm_anon_release() frees the PG_RELEASED page and the anon but not its swap slot (an error branch leaks a slot)");

    /// <summary>From the session-23 mutation hunt (mutD): uvmfault_anonget() maps the page it read although uvmfault_relock() failed after the I/O (an error path not taken). Caught by FaultEntersNoMappingOfARemovedEntry (designated), schedule 5 without the big lock; with it the relock never fails in anon-munmap.</summary>
    public static readonly KernelSwitch AnongetIgnoresRelockFailure = Mutation("anonget-ignores-relock-failure", "uvmfault_anonget", "anon-munmap",
        "uvmfault_anonget() maps the page it read although uvmfault_relock() failed after the I/O (an error path not taken)")
        with { Kills = ["FaultEntersNoMappingOfARemovedEntry"], Budget = 20, BigLock = false };

    /// <summary>
    /// From session 35's mutation hunt (plant 1): uvm_fault()'s zero-fill goes round again after
    /// uvm_wait("flt_noram5") without uvmfault_relock(), so it puts a new anon into the amap of a heap
    /// another LWP unmapped meanwhile (a re-check missing after a sleep). Reached 141 times in
    /// anon-munmap and judged by nothing while FaultEntersNoMappingOfARemovedEntry looked only at a
    /// relock that failed; it now counts a lookup stale from a sleep until a relock holds.
    /// </summary>
    public static readonly KernelSwitch ZeroFillSkipsRelock = Mutation("zero-fill-skips-relock", "uvm_fault", "anon-munmap",
        "uvm_fault()'s zero-fill retries after uvm_wait(\"flt_noram5\") without uvmfault_relock() (a re-check missing after a sleep)");

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): uao_detach() sleeps on a busy page without setting PG_WANTED. Caught by NoSleeperWaitsForWhatIsAlreadyThere, schedules 427, 426, 425 (seeds 0-2) in shm-swap; since shmget() ends a step at its malloc() (session 32) 2427, 2426, 2425 there, and 4, 3, 2 in shm-paging, its scenario now.</summary>
    public static readonly KernelSwitch UaoDetachSleepsWithoutWanted = Mutation("uao-detach-sleeps-without-wanted", "uao_detach", "shm-paging",
        "uao_detach() sleeps on a busy page without setting PG_WANTED (PG_WANTED handling dropped): the pageout's unbusy wakes nobody")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 50 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): uao_free() drops the slot of a page that lived only in swap but does not decrement uvmexp.swpgonly. Caught by SwapOnlyCountMatchesSwappedOutPages, schedules 325, 324, 323 (seeds 0-2).</summary>
    public static readonly KernelSwitch UaoFreeSkipsSwpgonly = Mutation("uao-free-skips-swpgonly", "uao_free", "shm-swap",
        "uao_free() drops the slot of a page that lived only in swap but does not decrement uvmexp.swpgonly (a counter update skipped)")
        with { Kills = ["SwapOnlyCountMatchesSwappedOutPages"], Budget = 1200 }; // seed 0: schedule 850 since shmget() may sleep in malloc() (session 37)

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): uao_create() never links the new aobj on uao_list.</summary>
    public static readonly KernelSwitch UaoCreateSkipsListInsert = Mutation("uao-create-skips-list-insert", "uao_create", "shm-swap",
        "uao_create() never does LIST_INSERT_HEAD(&uao_list, aobj, u_list) (a list insertion skipped): swapoff's uao_swap_off() never sees the aobj's swap slots")
        with { Kills = ["AObjIsOnUaoListExactlyWhileReferenced"], Budget = 5 };

    /// <summary>
    /// Found by the checker (session 34, once ShmNattchCountsAttachments also asked that a freed
    /// segment be attached by nobody, after a mutation hunt's IPC_RMID off-by-one went unseen):
    /// sys_shmat() of 2002-04 (sysv_shm.c 1.49 of 1998 has the same order) finds the segment,
    /// <c>uao_reference()</c>s its aobj and calls <c>uvm_map()</c>, which may sleep (vm_map_lock(),
    /// uvm_mapent_alloc()'s pool_get(PR_WAITOK)), and only then does <c>shmmap_s-&gt;shmid = ...;
    /// shmseg-&gt;shm_nattch++</c>. shmctl(IPC_RMID) meanwhile sees shm_nattch 0 and
    /// shm_deallocate_segment()s it (SHMSEG_FREE): shmat then attaches a freed slot, which the next
    /// shmget() may reuse, and its shmdt() drops another segment's count. The shm_lock rework (read
    /// in 1.128 of 2015) counts the attach and links the entry under shm_lock before uvm_map(). The
    /// default counts first. Read in <see cref="Threads.ShmUser"/> and <see cref="Threads.LoanClient"/>.
    /// </summary>
    public static readonly KernelSwitch ShmatCountsAfterUvmMap = new("shmat-counts-after-uvm-map", SwitchKind.Discovered, "sys_shmat", "shm-paging")
    {
        Origin = "sysv_shm.c shm_lock rework (2007-08; read in 1.128 of 2015): shm_nattch++ under shm_lock before uvm_map()",
        Title = "shmat() counts its attach only after uvm_map(), which may sleep: IPC_RMID meanwhile frees the segment it attaches",
        Description = "sys_shmat() references the segment's aobj and maps it before shm_nattch++; uvm_map() may sleep. "
            + "A shmctl(IPC_RMID) in that window sees shm_nattch 0 and frees the segment (SHMSEG_FREE), "
            + "and shmat then records an attachment of the freed slot and counts it there.",
        Expected = "invariant ShmNattchCountsAttachments",
        Budget = 500,
    };

    /// <summary>
    /// From session 34's mutation hunt (plant 07): shmctl(IPC_RMID) keeps the segment only while
    /// someone else is attached (<c>shm_nattch &gt; 1</c>, an off-by-one), so it frees a segment one
    /// process still has attached. Reached in about half of shm-swap's and shm-paging's schedules and
    /// judged by nothing until ShmNattchCountsAttachments asked that a freed segment be attached by
    /// nobody (schedule 2).
    /// </summary>
    public static readonly KernelSwitch ShmRmidFreesAttached = Mutation("shm-rmid-frees-attached", "shmctl (IPC_RMID)", "shm-paging",
        "shmctl(IPC_RMID) deallocates the segment unless more than one attach is counted (an off-by-one): a segment one process has attached is freed")
        with { Kills = ["ShmNattchCountsAttachments"], Budget = 50 };

    /// <summary>
    /// From hunt36: shmctl(IPC_RMID) sets SHMSEG_REMOVED only on the branch that deallocates, so a
    /// segment still attached is never marked and its last shmdt() never frees it (a flag set on one
    /// branch only). Judged by nothing while RemovedShmSegmentIsDeallocated keyed on the flag itself;
    /// now on the successful IPC_RMID too (shm-paging schedule 2, shm-swap 2; 1 without the big lock).
    /// </summary>
    public static readonly KernelSwitch ShmRmidMarksOnlyUnattached = Mutation("shm-rmid-marks-only-unattached", "shmctl (IPC_RMID)", "shm-paging",
        "shmctl(IPC_RMID) sets SHMSEG_REMOVED only when it deallocates at once, so an attached segment is never freed by its last shmdt() (a flag set on one branch only)")
        with { Kills = ["RemovedShmSegmentIsDeallocated"], Budget = 50 };

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): uao_get() sleeps on a busy page without setting PG_WANTED. Caught by NoSleeperWaitsForWhatIsAlreadyThere at schedules 6, 5, 4 (seeds 0-2); without the big lock schedule 40.</summary>
    public static readonly KernelSwitch UaoGetSleepsWithoutWanted = Mutation("uao-get-sleeps-without-wanted", "uao_get", "shm-swap",
        "uao_get() sleeps on a busy page without setting PG_WANTED (PG_WANTED handling dropped): the unbusy that follows wakes nobody")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 10 };

    /// <summary>shmget_allocate_segment() ends without the wakeup of a shmget() of the same key that set SHMSEG_WANTED while it slept in malloc() (session 32, with the modelled SHMSEG_WANTED handshake). Caught by EverySleeperIsEventuallyWoken at schedule 2 of shm-swap and shm-paging without the big lock; with it, the other shmget() cannot enter the kernel while the allocation holds the big lock across a malloc() that does not sleep.</summary>
    public static readonly KernelSwitch ShmgetSkipsWantedWakeup = Mutation("shmget-skips-wanted-wakeup", "shmget_allocate_segment", "shm-swap",
        "shmget_allocate_segment() ends without waking a shmget() of the same key that set SHMSEG_WANTED while it slept in malloc() (a wakeup dropped): that process sleeps \"shmget\" for good")
        with { Kills = ["EverySleeperIsEventuallyWoken"], Budget = 50, BigLock = false }; // the malloc() cut keeps the big lock unless malloc() sleeps, which the model does not make it do

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): sys_shmat() maps the segment but does not count the attach. Caught by ShmObjectRefsEqualTheirHolders at schedules 270, 269, 268 (seeds 0-2: one schedule), without the big lock 244; in shm-swap's default workload 1000 schedules stay clean with the big lock. Since session 29 ShmNattchCountsAttachments names it at the shmat() step.</summary>
    public static readonly KernelSwitch ShmatSkipsNattch = Mutation("shmat-skips-nattch", "sys_shmat", "shm-paging",
        "sys_shmat() takes its uao_reference() and maps the segment but skips shm_nattch++ (a counter update skipped): IPC_RMID and shmdt() misjudge whether the segment is still attached")
        with { Kills = ["ShmNattchCountsAttachments"], Budget = 300 };

    /// <summary>
    /// From the session-35 hunt for general rules: uvm_aio_aiodone() un-busies a PG_RELEASED anon
    /// page as it would any other (uvm_page_unbusy()'s un-busy branch) instead of uvm_anon_release():
    /// the page of an anon freed during its pageout is neither freed nor released, and the anon,
    /// which uvm_anfree() left to aiodoned, is never freed. Read in <see cref="Threads.AioDaemon"/>.
    /// Caught by ReleasedPageIsBusy (designated) at schedules 14, 4, 1, 1, 2, 4, 1, 2, 6, 2 (seeds
    /// i*1000003, i = 0-9) with the big lock, 3, 2, 1, 1, 3, 6, 4, 2, 1, 2 without.
    /// </summary>
    public static readonly KernelSwitch AiodoneUnbusiesReleasedPage = Mutation("aiodone-unbusies-released-page", "uvm_aio_aiodone", "pagedaemon",
        "uvm_aio_aiodone() clears PG_BUSY of a PG_RELEASED anon page without uvm_anon_release() (a PG_RELEASED test skipped): the page of an anon freed during its pageout stays, owned by a freed anon, and neither is ever freed")
        with { Kills = ["ReleasedPageIsBusy"], Budget = 30 };
}
