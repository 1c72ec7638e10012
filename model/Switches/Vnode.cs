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

    /// <summary>uvm_fault() on a file page: pmap_enter's modify of the page moved after the object is unlocked.</summary>
    public static readonly KernelSwitch FileFaultDirtiesAfterUnlock = Mutation("file-fault-dirties-after-unlock", "uvm_fault", "vnode-pageout",
        "uvm_fault() on a MAP_SHARED file page un-busies it and unlocks the object before pmap_enter marks it referenced and modified: pg->flags is written without vmobjlock, and the pagedaemon may clean the page in between");

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
}
