using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Sched;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// genfs_putpages() for a caller that is not the pagedaemon, genfs_gop_write() and the
/// v_numoutput accounting (genfs_vnops.c 1.101, the text docs/fidelity.md names for putpages;
/// vwakeup() and vflushbuf() of vfs_subr.c 1.171; uvm_aio_aiodone() of uvm_pager.c 1.72.2.1).
/// freeflag is PG_RELEASED (no PG_PAGEOUT, no uvmexp.paging, no uvm_pagedequeue()); a busy page
/// that is not PG_RELEASED or PG_PAGEOUT is waited for (PG_WANTED, "genput", the object unlocked,
/// then looked up again); one that is, is skipped with wasclean = FALSE; a dirty page is busied
/// and written by GOP_WRITE with the object unlocked; with PGO_FREE a page that is not busy is
/// freed and a busy one (the one being written) marked PG_RELEASED for whoever un-busies it;
/// with PGO_SYNCIO the write is synchronous (biowait(), then uvm_aio_aiodone() in the caller) and
/// the call ends waiting for v_numoutput to reach 0 ("genput2"). A page that needs cleaning is
/// written with the dirty pages contiguous with it (<see cref="Cluster"/>), and the walk goes on
/// after the cluster ("off += (npages - nback) &lt;&lt; PAGE_SHIFT"); with PGO_FREE every page of
/// the cluster is in the range (the whole file) and gets pmap_page_protect() and PG_RELEASED. Left out: the by_list walk with
/// its curmp/endmp marker pages (the model walks by offset, genfs_putpages()'s uvm_pagelookup()
/// branch; the files are a few pages), PGO_DEACTIVATE, PGO_BUSYFAIL, the SPCF_SHOULDYIELD preempt(), the
/// syncer-list and g_dirtygen bookkeeping with its write-protect of the pages of a clean vnode,
/// and "genput2"'s one-tick timeout ("XXX - try to recover from missed wakeups"): the model's
/// sleep has none, so a missed wakeup shows as a hang. A synchronous write never fails here.
/// </summary>
public static class GenfsPutpages
{
    /// <summary>
    /// VOP_PUTPAGES(vp, 0, 0, flags) of the whole file by a caller that is not the pagedaemon,
    /// entered with vmobjlock held; returns with it unlocked, inside the caller's step.
    /// </summary>
    internal static IEnumerable<Step> Putpages(Kernel k, KernelThread self, AObj vn, bool cleanIt, bool free, bool syncIo)
    {
        var vm = k.Vm;
        bool wasclean = vn.NumOutput == 0; // under global_v_numoutput_slock
        for (int off = 0; off < vn.Size;)
        {
            var pg = vn.PageAt(off);
            // A page in another thread's write (PG_PAGEOUT, PG_RELEASED) is skipped with wasclean
            // FALSE, and "genput2" waits for v_numoutput (1.101). A synchronous caller waits on it
            // instead, as the later genfs_do_putpages() does when it syncs for integrity: the
            // pagedaemon raises v_numoutput only after uvm_pagermapin() may have slept
            // (sync-skips-pageout-in-flight runs the 1.101 skip for every caller).
            bool inOthersWrite = pg is not null && (pg.Flags & (PageFlags.Released | PageFlags.Pageout)) != 0;
            if (pg is null || inOthersWrite && (!syncIo || k.Config.Has(Switches.SyncSkipsPageoutInFlight)))
            {
                if (pg is not null) wasclean = false; // someone else's write: genput2 waits for it
                off++;
                continue;
            }
            if (pg.Busy)
            {
                // "if the current page needs to be cleaned and it's busy, wait for it to become unbusy."
                if (!k.Config.Has(Switches.PutpagesSleepsWithoutWanted)) PageQueues.Want(pg);
                vn.Lock.Release(k, self);
                yield return Step.Sleep("genfs_putpages: page busy (genput)", pg.Channel);
                foreach (var s in Locks.Take(vn.Lock, self, "genfs_putpages: relock after genput")) yield return s;
                continue; // pg = uvm_pagelookup(uobj, off)
            }
            k.Discipline.Write(vn.Lock, pg, "pg->flags", (long)pg.Flags);
            if (free) Pmap.PageProtectNone(k, pg);
            bool needsClean = false;
            if (cleanIt)
            {
                needsClean = pg.PmapModified || (pg.Flags & PageFlags.Clean) == 0; // pmap_clear_modify(pg) || !PG_CLEAN
                pg.PmapModified = false;
                pg.Flags |= PageFlags.Clean;
            }
            int at = pg.Index;
            int nback = 0;
            IReadOnlyList<Page> cluster = [pg];
            if (needsClean)
            {
                wasclean = false;
                PageQueues.Busy(pg, "genfs_putpages");
                cluster = Cluster(k, vn, pg, out nback);
            }
            if (free)
            {
                // The range is the whole file (PGO_ALLPAGES): every page of the cluster is in it.
                k.Vm.PageQueueLock.Acquire(self);
                for (int i = 0; i < cluster.Count; i++)
                {
                    // The page handed in lost its mappings before its clean test, above.
                    // putpages-cluster-skips-pmap-page-protect: only that page loses them.
                    if (cluster[i] != pg && !k.Config.Has(Switches.PutpagesClusterSkipsPmapPageProtect)) Pmap.PageProtectNone(k, cluster[i]);
                    FreeOrRelease(k, vn, cluster[i]);
                }
                k.Vm.PageQueueLock.Release(self);
            }
            if (needsClean)
            {
                vn.Lock.Release(k, self);
                // GOP_WRITE → uvm_pagermapin(UVMPAGER_MAPIN_WAITOK) may sleep with the object unlocked.
                self.MaySleep();
                yield return Step.Ran("genfs_putpages: simple_unlock before GOP_WRITE");
                foreach (var s in GopWrite(k, self, vn, cluster, syncIo)) yield return s;
                foreach (var s in Locks.Take(vn.Lock, self, "genfs_putpages: relock after GOP_WRITE")) yield return s;
            }
            off = at + cluster.Count - nback; // off += (npages - nback) << PAGE_SHIFT; pg = uvm_pagelookup(uobj, off)
        }
        if (!wasclean && syncIo)
            foreach (var s in WaitForOutput(k, self, vn, "genfs_putpages: v_numoutput (genput2)", "genfs_putpages: relock after genput2")) yield return s;
        vn.Lock.Release(k, self);
    }

    /// <summary>
    /// PGO_FREE, page queues locked (the caller holds them): a busy page gets freeflag
    /// (PG_RELEASED), any other is freed ("page is not busy implies that npages is 1 and
    /// needs_clean is false").
    /// </summary>
    private static void FreeOrRelease(Kernel k, AObj vn, Page pg)
    {
        if (pg.Busy && !k.Config.Has(Switches.PutpagesFreesBusyPage)) pg.Flags |= PageFlags.Released;
        else
        {
            VnodePager.MemqChanged(k, vn, pg.Index);
            PageQueues.Free(k, pg); // uvm_pagefree()
        }
    }

    /// <summary>Most pages one GOP_WRITE carries: MAXPHYS &gt;&gt; PAGE_SHIFT (64 KB of 4 KB pages).</summary>
    private const int MaxPages = 16;

    /// <summary>
    /// genfs_putpages() with needs_clean, vmobjlock held, <paramref name="pg"/> busied by the caller
    /// (genfs_vnops.c 1.101): "if we're cleaning, build a cluster. the cluster will consist of pages
    /// which are currently dirty, but they will be returned to us marked clean". uvn_findpages()
    /// backward from off - PAGE_SIZE (at most min(maxpages &gt;&gt; 1, off) pages), then forward from
    /// off + PAGE_SIZE (maxpages - nback - 1), with UFP_NOWAIT|UFP_NOALLOC|UFP_DIRTYONLY, each
    /// stopping at the first page uvn_findpage() does not take. Returns the pages in offset order,
    /// <paramref name="nback"/> of them before <paramref name="pg"/>.
    /// </summary>
    internal static IReadOnlyList<Page> Cluster(Kernel k, AObj vn, Page pg, out int nback)
    {
        int off = pg.Index;
        var back = new List<Page>();
        for (int i = 0, n = Math.Min(MaxPages >> 1, off); i < n && FindDirty(k, vn, off - 1 - i) is { } p; i++) back.Add(p);
        nback = back.Count;
        back.Reverse();
        back.Add(pg);
        bool dropForward = k.Config.Has(Switches.PutpagesClusterLeavesForwardPagesBusy);
        for (int i = 0, n = MaxPages - nback - 1; i < n && off + 1 + i < vn.Size && FindDirty(k, vn, off + 1 + i) is { } p; i++)
            if (!dropForward) back.Add(p); // putpages-cluster-leaves-forward-pages-busy: busied and cleaned, not written
        return back;
    }

    /// <summary>
    /// uvn_findpage(uobj, offset, &amp;pg, UFP_NOWAIT|UFP_NOALLOC|UFP_DIRTYONLY) (uvm_vnode.c 1.81.2.4,
    /// the same in 1.99): no page, "noalloc"; a busy page, "nowait"; otherwise "dirty =
    /// pmap_clear_modify(pg) || (pg->flags &amp; PG_CLEAN) == 0; pg->flags |= PG_CLEAN;", a clean
    /// one stops the cluster ("dirtonly") and a dirty one is busied. Nothing else is looked at:
    /// not the queue, the reference bit, wire_count or loan_count, so a wired, active or loaned
    /// dirty neighbour is taken as any other.
    /// </summary>
    private static Page? FindDirty(Kernel k, AObj vn, int index)
    {
        var p = vn.PageAt(index);
        if (p is null || p.Busy) return null;
        k.Discipline.Write(vn.Lock, p, "pg->flags", (long)p.Flags);
        bool dirty = (p.Flags & PageFlags.Clean) == 0;
        if (!k.Config.Has(Switches.FindpageDirtyonlyDropsPmapModified)) dirty |= p.PmapModified;
        p.PmapModified = false;
        p.Flags |= PageFlags.Clean;
        if (!dirty) return null;
        PageQueues.Busy(p, "uvn_findpage");
        return p;
    }

    /// <summary>
    /// "while (vp->v_numoutput != 0) { vp->v_flag |= VBWAIT; sleep on &amp;vp->v_numoutput }", entered
    /// and left with vmobjlock held: genfs_putpages()'s "genput2", which unlocks it for the sleep.
    /// vflushbuf()'s wait, where the kernel holds only splbio, is its own loop (model/Threads/FileUser.cs).
    /// </summary>
    internal static IEnumerable<Step> WaitForOutput(Kernel k, KernelThread self, AObj vn, string sleep, string relock)
    {
        while (vn.NumOutput != 0)
        {
            vn.VbWait = true;
            vn.Lock.Release(k, self);
            yield return Step.Sleep(sleep, vn.NumOutputChannel);
            foreach (var s in Locks.Take(vn.Lock, self, relock)) yield return s;
        }
    }

    /// <summary>
    /// genfs_gop_write() of the busy pages of a cluster, contiguous in the file, the object unlocked
    /// (the caller's step ended in uvm_pagermapin()'s may-sleep): v_numoutput += 2 before
    /// pool_get(&amp;bufpool, PR_WAITOK), which may sleep; then VOP_STRATEGY of one buf for them all
    /// (the model's file blocks are pages, so no sub-bufs). Asynchronous (B_CALL|B_ASYNC): the buf
    /// is queued for aiodoned and the caller goes on in the same step. With PGO_SYNCIO: biowait()
    /// until the disk's biodone() (its vwakeup() paid here), then uvm_aio_aiodone(mbp) in the caller.
    /// </summary>
    internal static IEnumerable<Step> GopWrite(Kernel k, KernelThread self, AObj vn, IReadOnlyList<Page> pages, bool sync)
    {
        vn.NumOutput += k.Config.Has(Switches.GopWriteCountsOnce) ? 1 : 2;
        var io = new PageIo(pages, 0) { Owed = 2 };
        vn.AddOutput(io);
        self.MaySleep(); // pool_get(&bufpool, PR_WAITOK)
        yield return Step.Ran("genfs_gop_write: v_numoutput += 2, pool_get");
        if (!sync)
        {
            k.Vm.Pending.Add(io); // genfs_do_io(B_ASYNC): b_iodone = uvm_aio_biodone
            k.SleepQueues.Wakeup(Pageout.AioDone);
            // The caller's relock of vmobjlock is a section of its own: the write may complete
            // (another CPU's aiodoned, without the big lock) before genfs_putpages() relocks and
            // looks at the page again (hunt36: a PG_CLEAN set after that relock went unseen).
            yield return Step.Ran("genfs_gop_write: VOP_STRATEGY (B_ASYNC)");
            yield break;
        }
        for (int i = 0; i < pages.Count; i++) vn.StoreBlock(pages[i].Index, io.Data[i]); // the write reached the device
        Vwakeup(k, self, vn, io); // biodone(): "if write, vwakeup(bp)"
        self.MaySleep(); // biowait(mbp)
        yield return Step.Ran("genfs_gop_write: VOP_STRATEGY, biowait");
        foreach (var s in Locks.Take(vn.Lock, self, "uvm_aio_aiodone: simple_lock")) yield return s;
        k.Vm.PageQueueLock.Acquire(self);
        for (int i = 0; i < pages.Count; i++) PageUnbusy(k, vn, pages[i]); // uvm_page_unbusy(pgs, npages)
        k.Vm.PageQueueLock.Release(self);
        vn.Lock.Release(k, self);
        Vwakeup(k, self, vn, io); // "if (write && (bp->b_flags & B_AGE) != 0) vwakeup(bp)"
        vn.RemoveOutput(io); // putiobuf(bp)
        yield return Step.Ran("uvm_aio_aiodone (synchronous write)");
    }

    /// <summary>
    /// uvm_page_unbusy() of a written vnode page, vmobjlock and page queues held: wake PG_WANTED
    /// sleepers; a PG_RELEASED page is freed, any other un-busied.
    /// </summary>
    internal static void PageUnbusy(Kernel k, AObj vn, Page pg)
    {
        if ((pg.Flags & PageFlags.Released) != 0 && !k.Config.Has(Switches.AiodoneUnbusiesReleasedVnodePage))
        {
            if ((pg.Flags & PageFlags.Wanted) != 0) Tsleep.WakeupPage(k, pg.Channel);
            pg.Flags &= ~PageFlags.Released;
            VnodePager.MemqChanged(k, vn, pg.Index);
            PageQueues.Free(k, pg);
            return;
        }
        PageQueues.Unbusy(k, pg);
    }

    /// <summary>
    /// vwakeup(bp) (vfs_subr.c 1.171): "if (--vp->v_numoutput &lt; 0) panic(...); if ((vp->v_flag &amp;
    /// VBWAIT) &amp;&amp; vp->v_numoutput &lt;= 0) { vp->v_flag &amp;= ~VBWAIT; wakeup(&amp;vp->v_numoutput); }".
    /// </summary>
    internal static void Vwakeup(Kernel k, KernelThread self, AObj vn, PageIo io)
    {
        if (--vn.NumOutput < 0) throw new KernelPanicException("vwakeup", $"neg numoutput, vp {vn}");
        io.Owed--;
        if (!vn.VbWait || vn.NumOutput > 0) return;
        vn.VbWait = false;
        if (!k.Config.Has(Switches.VwakeupSkipsWakeup)) Tsleep.Wakeup(k, self, vn.NumOutputChannel);
    }
}
