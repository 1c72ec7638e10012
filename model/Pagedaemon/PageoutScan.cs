using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Sched;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// One pass of the pagedaemon: the body of the uvm_pageout() loop, uvmpd_scan(),
/// uvmpd_scan_inactive() and the active-queue scan of sys/uvm/uvm_pdaemon.c rev 1.39 (2001), as
/// docs/kernel-sources.md (pagedaemon scan) sums it up. uvm.pageqlock is held for the whole pass except where the
/// kernel drops it: around uvm_swapout_threads() and around each pageout's uvm_pager_put(). So a
/// pass is one step plus one step per pageout. Owners are only try-locked (lock order is
/// owner → pageq); a page whose owner lock is held is skipped. An ownerless page that an anon
/// borrows (an O->A loan whose object let the page go) is taken over by that anon here
/// (KASSERT(loan_count &gt; 0), loan_count--, PQ_ANON), and a queued page with neither object nor
/// anon trips KASSERT(anon != NULL). A page of an object that is not swap-backed (the shared zero
/// page of uvm_loanzero_object, whose pager came with uvm_loan.c rev 1.41, 2003) goes to the
/// object's pgo_put with the page queues unlocked, as uvm_pdaemon.c does for vnode pages, and the
/// scan restarts at the head if its next page left the queue; vnode pages (model/Pager/VnodePager.cs)
/// go the same way. Dirty swap-backed pages are gathered into clusters of contiguous slots
/// (<see cref="SwapCluster"/>), written when full or at the end of the scan. Left out: dirtyreacts
/// limits, the anonmin/vnodemin/vtextmin reactivation thresholds, pool draining.
/// </summary>
public static class PageoutScan
{
    /// <summary>What the inactive scan did with one page.</summary>
    private enum Outcome { Skipped, Freed, AddedToCluster, ClusterFull, PgoPut }

    /// <summary>
    /// The uvm_pageout() loop body after a wakeup: recompute inactarg, scan if short of free or
    /// inactive pages, and wake &amp;uvmexp.free waiters. Ends inside a step (the caller's sleep).
    /// With <paramref name="statedShortage"/>, uvmpd_scan() finds the shortage the workload states
    /// (Threads.PagedaemonJobs.ShortagePasses).
    /// </summary>
    internal static IEnumerable<Step> Pass(Kernel k, KernelThread self, bool statedShortage = false)
    {
        var ux = k.Uvmexp;
        var vm = k.Vm;
        vm.PageQueueLock.Acquire(self);
        ux.PdWoke++;
        ux.InactTarg = Math.Max((ux.Active + ux.Inactive) / 3, ux.FreeTarg + 1);
        if (statedShortage || ux.Free + ux.Paging < ux.FreeTarg || ux.Inactive < ux.InactTarg)
            foreach (var s in Scan(k, self, statedShortage)) yield return s;
        if ((ux.Free > ux.ReserveKernel || ux.Paging == 0) && !k.Config.Has(Switches.PagedaemonSkipsFreeWakeup))
            Tsleep.Wakeup(k, self, Pageout.FreeMemory); // kernel threads and LWPs alike (an LWP's fork waits in uvm_wait too)
        vm.PageQueueLock.Release(self);
    }

    /// <summary>
    /// uvmpd_scan(), entered and left with uvm.pageqlock held. It swaps LWPs out first, with the
    /// page queues unlocked, when "free &lt; freetarg &amp;&amp; uvmexp.nswapdev != 0" (uvm_pdaemon.c
    /// 1.39): never without a swap device, whose slots the unwired u-area pages need to leave
    /// memory. With no LWP in the workload the walk finds only the kernel threads (P_SYSTEM,
    /// skipped), but the page queues are still dropped around it, as in the kernel: a window in
    /// which other threads take them between the pass's start and the inactive scan.
    /// </summary>
    private static IEnumerable<Step> Scan(Kernel k, KernelThread self, bool statedShortage)
    {
        var ux = k.Uvmexp;
        var vm = k.Vm;
        if ((statedShortage || ux.Free < ux.FreeTarg) && vm.Swap.NSwapDev != 0)
        {
            bool keep = k.Config.Has(Switches.ScanSwapoutsWithPageqLocked); // scan-swapouts-with-pageq-locked: no uvm_unlock_pageq() around the call
            if (!keep) vm.PageQueueLock.Release(self);
            foreach (var s in Swapout.SwapoutThreads(k, self)) yield return s;
            if (!keep) vm.PageQueueLock.Acquire(self);
        }
        int freedBefore = ux.PdFreed;
        foreach (var s in ScanInactive(k, self)) yield return s;
        int pagesFreed = ux.PdFreed - freedBefore;

        int inactiveShortage = ux.InactTarg - ux.Inactive;
        int swapShortage = 0;
        var swap = vm.Swap;
        if (ux.Free < ux.FreeTarg && swap.InUse == swap.SwPages && ux.SwpgOnly < swap.SwPages && pagesFreed == 0)
            swapShortage = ux.FreeTarg - ux.Free;
        ScanActive(k, self, inactiveShortage, swapShortage);
    }

    /// <summary>
    /// uvmpd_scan_inactive(): walk the inactive queue from the head with nextpg saved; free clean
    /// pages, hand pages that are not swap-backed to their pager's pgo_put, and gather dirty ones
    /// into a swap cluster, written with uvm.pageqlock dropped once it is full, or at the end of
    /// the queue or of the scan (the final pageout). After each drop of the page queues the scan
    /// restarts at the head if nextpg left the inactive queue meanwhile. It stays in the loop while
    /// it has a page to look at or a cluster to write, and stops looking at pages once
    /// free + paging reaches 4 * freetarg.
    /// </summary>
    private static IEnumerable<Step> ScanInactive(Kernel k, KernelThread self)
    {
        var vm = k.Vm;
        var ux = k.Uvmexp;
        var p = vm.InactiveQ.Count > 0 ? vm.InactiveQ[0] : null;
        while (p is not null || vm.Cluster is not null)
        {
            Page? next = null;
            if (p is not null && ux.Free + ux.Paging >= ux.FreeTarg << 2)
            {
                if (vm.Cluster is null) break;
                p = null; // met the target: write the partial cluster (the final pageout)
            }
            if (p is not null)
            {
                int at = vm.InactiveQ.IndexOf(p);
                next = at + 1 < vm.InactiveQ.Count ? vm.InactiveQ[at + 1] : null;
                var outcome = Examine(k, self, p);
                if (outcome == Outcome.PgoPut)
                {
                    // Not swap-backed: uvm_unlock_pageq(); pgo_put(uobj, off, off + PAGE_SIZE,
                    // PGO_CLEANIT|PGO_FREE), which returns with the object unlocked; uvm_lock_pageq();
                    // restart at the head if nextpg left the inactive queue meanwhile.
                    // No sleep before pgo_put: it is entered with the object locked, and a pager
                    // that may sleep unlocks it first (VnodePager.Put, before GOP_WRITE).
                    vm.PageQueueLock.Release(self);
                    yield return Step.Ran("uvmpd_scan_inactive: pgo_put");
                    foreach (var s in p.Object!.PgoPut!(k, self, p)) yield return s;
                    vm.PageQueueLock.Acquire(self);
                    p = Restart(k, next);
                    continue;
                }
                if (outcome != Outcome.ClusterFull)
                {
                    p = next;
                    continue;
                }
            }
            foreach (var s in WriteCluster(k, self)) yield return s;
            p = Restart(k, next);
        }
    }

    /// <summary>nextpg, or the head of the inactive queue if nextpg left it while the page queues were unlocked.</summary>
    private static Page? Restart(Kernel k, Page? next) =>
        next is not null && next.Queue != PageQueue.Inactive && !k.Config.Has(Switches.ScanKeepsStaleNextpg)
            ? (k.Vm.InactiveQ.Count > 0 ? k.Vm.InactiveQ[0] : null)
            : next;

    /// <summary>
    /// The end of a cluster, page queues locked: uvm_swap_free() the unused tail slots, then
    /// uvm_unlock_pageq(), uvm_swap_put(swslot, swpps, swcpages, B_ASYNC) (the buf goes to the
    /// aiodone daemon when the write finishes), uvm_lock_pageq(); swslot = 0.
    /// </summary>
    private static IEnumerable<Step> WriteCluster(Kernel k, KernelThread self)
    {
        var vm = k.Vm;
        var cluster = vm.Cluster!;
        int used = cluster.Pages.Count;
        if (used < cluster.Allocated && !k.Config.Has(Switches.ClusterKeepsTailSlots))
            vm.Swap.Free(self, cluster.Slot + used, cluster.Allocated - used);
        vm.Cluster = null;
        k.Uvmexp.PdPageouts++;
        vm.Pending.Add(new PageIo([.. cluster.Pages], cluster.Slot));
        // uvm_aio_biodone() of the async write: the buf goes on uvm.aio_done, wakeup(&uvm.aiodoned).
        if (!k.Config.Has(Switches.BiodoneSkipsAiodonedWakeup)) k.SleepQueues.Wakeup(Pageout.AioDone);
        vm.PageQueueLock.Release(self);
        // uvm_swap_io() maps the pages (uvm_pagermapin) and allocates the buf before the async
        // VOP_STRATEGY; where the 2004 text is not stored, the model lets it sleep there (and
        // release the big lock), which adds interleavings and never removes any.
        self.MaySleep();
        yield return Step.Ran("uvmpd_scan_inactive: uvm_swap_put");
        vm.PageQueueLock.Acquire(self);
    }

    /// <summary>One page of uvmpd_scan_inactive(), uvm.pageqlock held: try-lock the owner, then free, page out or skip.</summary>
    private static Outcome Examine(Kernel k, KernelThread self, Page p)
    {
        if (p.Referenced)
        {
            PageQueues.Activate(k, p); // pmap_is_referenced(): still in use
            return Outcome.Skipped;
        }
        if (TryLockOwner(k, p, self, "uvmpd_scan_inactive") is not { } ownerLock) return Outcome.Skipped;
        if (!p.Busy && p.Object?.PgoPut is not null) return Outcome.PgoPut; // the owner stays locked for pgo_put
        // "the page is swap-backed. remove all the permissions from the page so we can sync the
        // modified info without any race conditions": pmap_page_protect(p, VM_PROT_NONE) before
        // the clean page is freed or the dirty one paged out (or skipped, its mappings gone all the same).
        if (!p.Busy && !k.Config.Has(Switches.PageoutSkipsPmapPageProtect)) Pmap.PageProtectNone(k, p);
        // "if ((p->flags & PG_CLEAN) && pmap_clear_modify(p)) p->flags &= ~(PG_CLEAN);"
        if (!p.Busy && (p.Flags & PageFlags.Clean) != 0 && p.PmapModified)
        {
            p.PmapModified = false;
            p.Flags &= ~PageFlags.Clean;
        }
        var outcome = p.Busy ? Outcome.Skipped : CleanOrPageout(k, self, p);
        ownerLock.Release(k, self);
        return outcome;
    }

    /// <summary>
    /// The owner try-lock of both scans: vmobjlock of an object page, else an_lock of the page's
    /// anon (KASSERT(anon != NULL): a queued page always has one or the other). An ownerless page
    /// that its anon only borrowed becomes that anon's: KASSERT(loan_count &gt; 0), loan_count--,
    /// PQ_ANON. Returns the lock taken, or null when it is held elsewhere.
    /// </summary>
    private static SimpleLock? TryLockOwner(Kernel k, Page p, KernelThread self, string site)
    {
        var ownerLock = p.OwnerLock
            ?? throw new KernelPanicException(site, $"KASSERT(anon != NULL) failed: {p} is on the {p.Queue} queue with neither object nor anon");
        // pagedaemon-locks-owner: simple_lock() where the kernel uses simple_lock_try() (only when
        // the lock is free, as a simple_lock() that did not have to spin).
        if (k.Config.Has(Switches.PagedaemonLocksOwner) && !ownerLock.Held) ownerLock.Acquire(self);
        else if (!ownerLock.TryAcquire(self)) return null;
        if (p.Object is null && !p.PqAnon)
        {
            if (p.LoanCount <= 0)
                throw new KernelPanicException(site, $"KASSERT(p->loan_count > 0) failed: ownerless {p}");
            p.LoanCount--;
            p.PqAnon = true; // anon now owns it
        }
        return ownerLock;
    }

    /// <summary>
    /// The pagedaemon is about to free or page out <paramref name="p"/>: a page on loan to the
    /// kernel is in use by it (the loan-kernel-page-queued fix keeps such pages off the queues),
    /// so reclaiming one breaks the rule of the loan invariants of that name.
    /// </summary>
    private static void CheckNotLoanedToTheKernel(Kernel k, Page p, string how)
    {
        if (p.KernelLoans > 0)
            k.Events.Break("PagedaemonNeverReclaimsAPageLoanedToTheKernel", $"the pagedaemon {how} {p} while the kernel held {p.KernelLoans} loan(s) on it");
    }

    /// <summary>The owner is locked and the page not busy: free it if clean, else set up its pageout.</summary>
    private static Outcome CleanOrPageout(Kernel k, KernelThread self, Page p)
    {
        var ux = k.Uvmexp;
        var swap = k.Vm.Swap;
        // uvm_pdaemon.c 1.39 (and every later text): anon = p->uanon, whether the anon owns the page
        // or borrows it from its object; the default takes the owner's only (see the switch).
        var anon = k.Config.Has(Switches.PageoutTakesBorrowerForOwner) ? p.Anon : p.OwnerAnon;
        if ((p.Flags & PageFlags.Clean) != 0)
        {
            if (anon is { SwSlot: 0 })
                throw new KernelPanicException("uvmpd_scan_inactive", $"KASSERT(anon->an_swslot != 0) failed: clean {p} of {anon} has no swap copy");
            if (!k.Config.Has(Switches.PageoutCleanSkipsSwpgonly)) ux.SwpgOnly++; // this page now lives only in swap
            CheckNotLoanedToTheKernel(k, p, "freed");
            PageQueues.Free(k, p);
            ux.PdFreed++;
            // "for anons, we need to remove the page from the anon ourselves": uvm_pagefree() did for
            // an owner; a borrower loses the page it still borrows, under its object's lock only.
            if (anon is not null && anon.Page == p) anon.Page = null;
            return Outcome.Freed;
        }
        if (ux.Free + ux.Paging > ux.FreeTarg << 2) return Outcome.Skipped;
        // uvm_pdaemon.c 1.39: "free any swap space allocated to the page since we'll have to write
        // it again with its new data", before the swap-full test, so a page reactivated there
        // loses its stale slot too (1.23 tested first and freed the slot only when swpginuse ==
        // swpages; the model kept that order until session 19).
        if (!k.Config.Has(Switches.PageoutKeepsOldSwapSlot)) ReleaseSlot(k, self, p);
        if (ux.SwpgOnly > swap.SwPages)
            throw new KernelPanicException("uvmpd_scan_inactive", $"KASSERT(uvmexp.swpgonly <= uvmexp.swpages) failed: {ux.SwpgOnly} > {swap.SwPages}");
        if (ux.SwpgOnly == swap.SwPages)
        {
            PageQueues.Activate(k, p); // swap is full of swap-only pages: reactivate
            return Outcome.Skipped;
        }
        PageQueues.Busy(p, "scan_inactive");
        if (k.Vm.Cluster is not { } cluster)
        {
            // Start a new swap pageout cluster: swnpages = MAXBSIZE >> PAGE_SHIFT, fewer if no
            // run that long is free (lessok).
            int n = k.Vm.ClusterPages;
            int first = swap.Alloc(self, ref n, lessok: true);
            if (first == 0)
            {
                if (!k.Config.Has(Switches.PageoutNoSwapKeepsBusy)) PageQueues.Unbusy(k, p); // no swap? give up! (pageout-no-swap-keeps-busy skips it)
                return Outcome.Skipped;
            }
            k.Vm.Cluster = cluster = new SwapCluster(first, n, k.Versions);
        }
        int slot = cluster.Slot + cluster.Pages.Count;
        if (anon is not null) anon.SwSlot = slot;
        else p.Object!.SetSwslot(p.Index, slot);
        CheckNotLoanedToTheKernel(k, p, "paged out");
        p.Flags |= PageFlags.Pageout;
        ux.Paging++;
        if (!k.Config.Has(Switches.PageoutLeavesPageQueued)) PageQueues.Dequeue(k, p); // pageout-leaves-page-queued
        cluster.PageList.Add(p);
        return cluster.HasRoom ? Outcome.AddedToCluster : Outcome.ClusterFull;
    }

    /// <summary>The dirty page's old copy is stale: anon: free a nonzero an_swslot; aobj: uao_dropswap().</summary>
    private static void ReleaseSlot(Kernel k, KernelThread self, Page p)
    {
        if (p.OwnerAnon is { } anon) AnonPager.DropSwap(k, self, anon);
        else if (p.Object is { } obj) AObjPager.DropSwap(k, self, obj, p.Index);
    }

    /// <summary>
    /// The active-queue scan of uvmpd_scan(), uvm.pageqlock held: skip busy pages, try-lock the
    /// owner; under a swap shortage free the page's slot (it becomes dirty); under an inactive
    /// shortage deactivate it.
    /// </summary>
    private static void ScanActive(Kernel k, KernelThread self, int inactiveShortage, int swapShortage)
    {
        foreach (var p in k.Vm.ActiveQ.ToArray())
        {
            if (inactiveShortage <= 0 && swapShortage <= 0) break;
            // scan-active-deactivates-busy: neither PG_BUSY test ("quick check before trying to
            // lock", and "skip this page if it's busy" under the owner's lock) is made.
            bool ignoreBusy = k.Config.Has(Switches.ScanActiveDeactivatesBusy);
            if ((p.Busy && !ignoreBusy) || TryLockOwner(k, p, self, "uvmpd_scan") is not { } ownerLock) continue;
            if (!p.Busy || ignoreBusy)
            {
                if (swapShortage > 0 && FreeSlotForShortage(k, self, p)) swapShortage--;
                if (inactiveShortage > 0)
                {
                    PageQueues.Deactivate(k, p);
                    inactiveShortage--;
                }
            }
            ownerLock.Release(k, self);
        }
    }

    /// <summary>Swap shortage: free the page's slot and mark it dirty; true if it had one.</summary>
    private static bool FreeSlotForShortage(Kernel k, KernelThread self, Page p)
    {
        int slot;
        if (p.OwnerAnon is { } anon)
        {
            slot = anon.SwSlot;
            if (slot == 0) return false;
            k.Vm.Swap.Free(self, slot, 1);
            anon.SwSlot = 0;
        }
        else
        {
            slot = p.Object!.SetSwslot(p.Index, 0);
            if (slot == 0) return false;
            k.Vm.Swap.Free(self, slot, 1);
        }
        if (!k.Config.Has(Switches.SlotShortageKeepsClean)) p.Flags &= ~PageFlags.Clean; // slot-shortage-keeps-clean
        return true;
    }
}
