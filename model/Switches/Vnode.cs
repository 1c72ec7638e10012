namespace Uvm.Model;

/// <summary>The mutations of the vnode pager path (model/Pager/VnodePager.cs, the pgo_put branch of model/Pagedaemon/PageoutScan.cs).</summary>
public static partial class Switches
{
    /// <summary>uvmpd_scan_inactive(): after pgo_put or a cluster write, nextpg is used even if it left the inactive queue.</summary>
    public static readonly KernelSwitch ScanKeepsStaleNextpg = Mutation("scan-keeps-stale-nextpg", "uvmpd_scan_inactive", "swap-errors",
        "after the page queues were unlocked for pgo_put or uvm_swap_put, the scan goes on at nextpg without checking that it is still PQ_INACTIVE: it examines a page that was freed or activated meanwhile");

    /// <summary>genfs_putpages(): a dirty page is freed without being written.</summary>
    public static readonly KernelSwitch PutpagesFreesDirtyPage = Mutation("putpages-frees-dirty-page", "genfs_putpages", "vnode-pageout",
        "genfs_putpages(PGO_CLEANIT|PGO_FREE) frees a dirty page as if it were clean: the file loses the write")
        with { Kills = ["DirtyFilePageIsNeverFreed"], Budget = 200 };

    /// <summary>genfs_putpages(): the page is written without PG_BUSY.</summary>
    public static readonly KernelSwitch PutpagesWritesUnbusiedPage = Mutation("putpages-writes-unbusied-page", "genfs_putpages", "vnode-pageout",
        "genfs_putpages() starts the write of a dirty page without setting PG_BUSY and unlocks the object: a fault can map and dirty the page during the write, and the completion frees it")
        with { Kills = ["PageInPageoutIsBusy"], Budget = 200 };

    /// <summary>genfs_getpages(): a thread sleeps on a busy page without setting PG_WANTED.</summary>
    public static readonly KernelSwitch GetpagesSleepsWithoutWanted = Mutation("getpages-sleeps-without-wanted", "genfs_getpages", "vnode-pageout",
        "uvn_findpage() sleeps on a busy page without setting PG_WANTED: the owner un-busies it without a wakeup and the faulting thread sleeps for ever")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 200 };

    /// <summary>
    /// uvm_fault() on a file page: pmap_enter() moved after the page is un-busied and the object
    /// unlocked. Since the fault only maps (session 36) the window is one the big lock closes: the
    /// fault does not sleep in it, so the mutant selects a kernel without the big lock, where the
    /// lock-discipline detector sees pmap_enter() of a page whose object lock is not held.
    /// </summary>
    public static readonly KernelSwitch FileFaultDirtiesAfterUnlock = Mutation("file-fault-dirties-after-unlock", "uvm_fault", "vnode-pageout",
        "uvm_fault() on a MAP_SHARED file page un-busies it and unlocks the object before pmap_enter(): the pagedaemon may free the page in between, and the pmap then maps a free page")
        with { BigLock = false };

    /// <summary>genfs_putpages(): pmap_page_protect(pg, VM_PROT_NONE) skipped before the page is cleaned or freed.</summary>
    public static readonly KernelSwitch PutpagesSkipsPmapPageProtect = Mutation("putpages-skips-pmap-page-protect", "genfs_putpages", "vnode-pageout",
        "genfs_putpages(PGO_FREE) cleans or frees a page without pmap_page_protect(pg, VM_PROT_NONE): a file user's pmap keeps mapping a page that is freed and reused, and its stores land there")
        with { Kills = ["PmapMapsOnlyPagesItsMappingsOwn"], Budget = 200 };

    /// <summary>genfs_putpages(): needs_clean tests PG_CLEAN alone, without pmap_clear_modify().</summary>
    public static readonly KernelSwitch PutpagesIgnoresPmapModified = Mutation("putpages-ignores-pmap-modified", "genfs_putpages", "vnode-pageout",
        "genfs_putpages() decides needs_clean from PG_CLEAN alone, without pmap_clear_modify(): a page a process mapped on a read fault and then stored to through its pmap is freed as clean, and the file loses the store")
        with { Kills = ["DirtyFilePageIsNeverFreed"], Budget = 200 };

    /// <summary>exit1() → uvmspace_free() of a file user: uvm_unmap_remove()'s pmap_remove() left out (session 31's second hunt).</summary>
    public static readonly KernelSwitch ExitSkipsPmapRemove = Mutation("exit-skips-pmap-remove", "uvmspace_free", "vnode-pageout",
        "uvmspace_free() destroys the pmap without uvm_unmap_remove()'s pmap_remove() of the process's mappings: pmap_destroy() of a pmap that still maps pages, whose pv entries name a dead pmap")
        with { Kills = ["PmapMapsOnlyPagesItsMappingsOwn"], Budget = 200 };
    /// <summary>genfs_gop_write(): v_numoutput counts the buf once instead of twice (session 36).</summary>
    public static readonly KernelSwitch GopWriteCountsOnce = Mutation("gop-write-counts-once", "genfs_gop_write", "vnode-sync",
        "genfs_gop_write() adds 1 to v_numoutput instead of 2, though biodone() and uvm_aio_aiodone() each call vwakeup(): the count runs out one vwakeup() early (and the second one panics \"vwakeup: neg numoutput\")")
        with { Kills = ["VnodeOutputCountMatchesOwedVwakeups"], Budget = 200 };

    /// <summary>uvm_aio_aiodone(): the B_AGE vwakeup() after uvm_page_unbusy() left out (session 36).</summary>
    public static readonly KernelSwitch AiodoneSkipsVwakeup = Mutation("aiodone-skips-vwakeup", "uvm_aio_aiodone", "vnode-sync",
        "uvm_aio_aiodone() of a vnode write releases the buf without its \"if (write && (bp->b_flags & B_AGE) != 0) vwakeup(bp)\": v_numoutput never returns to 0, and fsync() waits for ever")
        with { Kills = ["VnodeOutputCountMatchesOwedVwakeups"], Budget = 200 };

    /// <summary>vwakeup(): v_numoutput reaches 0 with VBWAIT set, the flag is cleared but the waiters are not woken (session 36).</summary>
    public static readonly KernelSwitch VwakeupSkipsWakeup = Mutation("putpages-skips-numoutput-wakeup", "vwakeup", "vnode-sync",
        "vwakeup() decrements v_numoutput to 0 and clears VBWAIT without wakeup(&vp->v_numoutput): a thread in genfs_putpages()'s \"genput2\" or vflushbuf()'s wait sleeps on with nothing left to wait for")
        with
        {
            Equivalent = "as good as unreachable in the default kernel: a synchronous flush waits on every page another thread "
                + "writes (sync-skips-pageout-in-flight's fix) and aiodoned un-busies a buf's pages and pays both its vwakeup()s in "
                + "one step, so a thread sleeps on &v_numoutput only when a pagedaemon write begins after fsync's walk passed its "
                + "page: once in 30000 vnode-sync schedules (seed 3000009, schedule 1002), where NoSleeperWaitsForWhatIsAlreadyThere "
                + "reports it; with the 1.101 skip (sync-skips-pageout-in-flight) genput2 waits for the pagedaemon's writes at once",
        };

    /// <summary>
    /// Found by the checker (session 36, once fsync(2) and msync(2) were modelled and
    /// SyncWritesWhatWasWrittenBefore stated their contract): genfs_putpages() of 2003-05
    /// (genfs_vnops.c 1.101) skips a page that is PG_PAGEOUT (the pagedaemon's write of it) with
    /// <c>wasclean = FALSE</c> and counts on the "genput2" wait for v_numoutput; but the pagedaemon
    /// raises v_numoutput only in genfs_gop_write(), after uvm_pagermapin(UVMPAGER_MAPIN_WAITOK),
    /// which may sleep, and after it unlocked the object. A PGO_SYNCIO caller that comes in between
    /// finds the page in pageout, v_numoutput still 0, and returns: fsync() or msync() reports the
    /// data on disk while the only write of it has not started. The later genfs_do_putpages()
    /// (genfs_io.c) waits on such a busy page when it syncs for integrity ("if we are asked to sync
    /// for integrity, we should wait on pages being written back by another threads as well"); the
    /// default does. Read in <see cref="GenfsPutpages"/>.
    /// </summary>
    public static readonly KernelSwitch SyncSkipsPageoutInFlight = new("sync-skips-pageout-in-flight", SwitchKind.Discovered, "genfs_putpages (vflushbuf, uvm_map_clean)", "vnode-sync")
    {
        Origin = "genfs_do_putpages()'s integrity_sync wait on pages another thread writes (genfs_io.c, later texts; revision not found)",
        Title = "fsync or msync returns while the pagedaemon's write of a page it dirtied has not started",
        Description = "The pagedaemon marks a dirty file page PG_PAGEOUT, unlocks the object and sleeps in GOP_WRITE's "
            + "uvm_pagermapin() before genfs_gop_write() raises v_numoutput. A synchronous genfs_putpages() (fsync(2), "
            + "msync(MS_INVALIDATE)) skips the PG_PAGEOUT page with wasclean = FALSE and waits only while v_numoutput is "
            + "not 0, which it still is: it returns with the page's data not in the file.",
        Expected = "invariant SyncWritesWhatWasWrittenBefore",
        Kills = ["SyncWritesWhatWasWrittenBefore"],
        Budget = 1000,
    };

    /// <summary>genfs_putpages(): a caller that is not the pagedaemon sleeps "genput" on a busy page without PG_WANTED (session 36).</summary>
    public static readonly KernelSwitch PutpagesSleepsWithoutWanted = Mutation("putpages-sleeps-without-wanted", "genfs_putpages", "vnode-sync",
        "genfs_putpages() sleeps \"genput\" on a busy page without setting PG_WANTED: the owner's un-busy wakes nobody and fsync() or msync() sleeps for ever")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 200 };

    /// <summary>genfs_putpages(PGO_FREE): the page being written is freed instead of marked PG_RELEASED (session 36).</summary>
    public static readonly KernelSwitch PutpagesFreesBusyPage = Mutation("putpages-frees-busy-page", "genfs_putpages", "vnode-sync",
        "genfs_putpages(PGO_CLEANIT|PGO_FREE) frees the page it has just busied for its write rather than setting freeflag (PG_RELEASED) for whoever un-busies it: the page and its changes are gone before the write has carried them to the file")
        with { Kills = ["NoWriteIsLost"], Budget = 200 };

    /// <summary>uvm_aio_aiodone() of a vnode write: a PG_RELEASED page is un-busied instead of freed (session 36).</summary>
    public static readonly KernelSwitch AiodoneUnbusiesReleasedVnodePage = Mutation("aiodone-unbusies-released-vnode-page", "uvm_page_unbusy", "vnode-sync",
        "uvm_page_unbusy() at the end of a vnode write clears PG_BUSY of a PG_RELEASED page instead of freeing it: msync(MS_INVALIDATE)'s page stays, released and idle")
        with { Kills = ["ReleasedPageIsBusy"], Budget = 200 };

    /// <summary>uvm_aio_aiodone() in aiodoned: the page of a write that is not the pagedaemon's is left busy (session 36).</summary>
    public static readonly KernelSwitch AiodoneLeavesSyncedPageBusy = Mutation("aiodone-leaves-synced-page-busy", "uvm_aio_aiodone", "vnode-sync",
        "aiodoned's uvm_aio_aiodone() of an asynchronous write started by the syncer (no PG_PAGEOUT) skips uvm_page_unbusy(): the page stays PG_BUSY for ever, and whoever wants it sleeps for ever")
        with { Kills = ["NoPageStaysBusy"], Budget = 200 };

    /// <summary>uvn_findpage(UFP_DIRTYONLY) for genfs_putpages()'s cluster: the pmap modified bit is cleared but not counted (session 36).</summary>
    public static readonly KernelSwitch FindpageDirtyonlyDropsPmapModified = Mutation("findpage-dirtyonly-drops-pmap-modified", "uvn_findpage", "vnode-pageout",
        "uvn_findpage(UFP_DIRTYONLY) decides dirty from PG_CLEAN alone but still calls pmap_clear_modify() and sets PG_CLEAN: a neighbour a process stored to through its mapping leaves the cluster unwritten and looks clean, and the file loses the store")
        with { Kills = ["CleanPageEqualsItsBackingStore"], Budget = 200 };

    /// <summary>genfs_putpages(): the forward uvn_findpages() of the cluster is not counted into npages (session 36).</summary>
    public static readonly KernelSwitch PutpagesClusterLeavesForwardPagesBusy = Mutation("putpages-cluster-leaves-forward-pages-busy", "genfs_putpages", "vnode-pageout",
        "genfs_putpages() busies and cleans the dirty pages after the one it was handed (uvn_findpages() forward) but hands GOP_WRITE only the backward part and the page: the forward pages are never written nor un-busied")
        with { Kills = ["NoPageStaysBusy"], Budget = 200 };

    /// <summary>genfs_putpages(PGO_FREE): pmap_page_protect() of the cluster's neighbours skipped (session 36).</summary>
    public static readonly KernelSwitch PutpagesClusterSkipsPmapPageProtect = Mutation("putpages-cluster-skips-pmap-page-protect", "genfs_putpages", "vnode-sync",
        "genfs_putpages(PGO_CLEANIT|PGO_FREE) of msync(MS_INVALIDATE) removes the mappings of the page it was handed but not of the dirty neighbours its cluster took: they are PG_RELEASED and freed when the write completes while a process still maps them")
        with { Kills = ["PmapMapsOnlyPagesItsMappingsOwn"], Budget = 200 };

    /// <summary>A file user's store after its write fault goes through a TLB entry pmap_page_protect() should have shot down (session 36).</summary>
    public static readonly KernelSwitch FileStoreThroughStaleTlb = Mutation("file-store-through-stale-tlb", "pmap_page_protect", "vnode-pageout",
        "the store a write fault was taken for runs through the translation the fault entered even when pmap_page_protect(VM_PROT_NONE) removed it before the store (a TLB shootdown missed): it lands on a page being written or already freed")
        with { Kills = ["UseAfterFree"], Budget = 200 }; // session 37: the file users' exit vrele()s moved the schedules; the store on a freed page is now the first report (DirtyFilePageIsNeverFreed keeps putpages-frees-dirty-page and putpages-ignores-pmap-modified)
}
