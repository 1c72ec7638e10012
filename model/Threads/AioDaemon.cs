using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// The aiodone daemon, uvm_aiodone_daemon() → uvm_aio_aiodone() (uvm_pager.c; the 2003 text is not
/// stored, the model follows rev 1.72.2.1 of 2006, still simple_lock based, whose swap branch
/// matches uvm_pdaemon.c 1.39's use of it): completes asynchronous pageout bufs, one per step and
/// in an order the explorer chooses (disks reorder). For each page of the buf it locks the owner
/// (an_lock or vmobjlock) and uvm.pageqlock, handles an I/O error (ENOMEM: clear PG_PAGEOUT with
/// uvmexp.paging--, re-dirty, reactivate, owner slot 0; any other error: owner slot SWSLOT_BAD),
/// frees a PG_PAGEOUT page (uvmexp.paging--, its only copy is now in swap), releases a
/// PG_RELEASED one with its freed anon, wakes PG_WANTED sleepers; then accounts the buf under
/// swap_data_lock: swpgonly += npages unless ENOMEM, and uvm_swap_markbad() (EIO) or
/// uvm_swap_free() (ENOMEM) of its slots. The buf is one step: the daemon never sleeps inside
/// it, and under the 2003 big kernel lock nothing else runs in between; it waits first until no
/// other thread holds one of the buf's owner locks. Which completion fails, and how, is the
/// workload's (<see cref="VmState.IoErrors"/>). As uvm_aiodone_daemon() in uvm_pdaemon.c 1.39, the
/// daemon takes every finished buf at once (<c>bp = TAILQ_FIRST(&amp;uvm.aio_done); TAILQ_INIT(&amp;uvm.aio_done)</c>),
/// reads <c>free = uvmexp.free</c> before it completes them, and after the last one wakes one
/// channel: <c>if (free &lt;= uvmexp.reserve_kernel) wakeup(&amp;uvm.pagedaemon); else
/// wakeup(&amp;uvmexp.free)</c>. Bufs finished meanwhile wait for the next batch.
/// </summary>
public sealed class AioDaemon : Kthread
{
    /// <inheritdoc/>
    internal override bool CompletesIo => true;

    /// <inheritdoc/>
    /// <remarks>uvm_aiodone_daemon(): ltsleep(&amp;uvm.aiodoned, ...) while no buf is queued; asleep with one queued, a wakeup was lost.</remarks>
    public override bool IdlesOn(WaitChannel channel) => channel == Pageout.AioDone && Kernel.Vm.Pending.Count == 0;

    private AioDaemon(Kernel kernel) : base(kernel, "aiodoned") { }

    /// <summary>Creates the aiodone daemon asleep on &amp;uvm.aio_done, as it is from boot.</summary>
    public static AioDaemon Start(Kernel kernel)
    {
        var d = new AioDaemon(kernel);
        d.StartAsleep(Pageout.AioDone);
        return d;
    }

    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        var vm = Kernel.Vm;
        var batch = new List<PageIo>();
        while (true)
        {
            // Wait for finished bufs and take them all, with uvmexp.free as it is now.
            foreach (var s in WaitForIo()) yield return s;
            batch.AddRange(vm.Pending);
            int free = Kernel.Uvmexp.Free;
            while (batch.Count > 0)
            {
                // Pick a buf of the batch (the explorer chooses); while another thread holds one of
                // its pages' owner locks, wait for it and pick again.
                int i = Pick(batch.Count);
                var io = batch[i];
                if (HeldOwnerLock(io) is { } held)
                {
                    yield return Step.Sleep("uvm_aio_aiodone: simple_lock", held.Channel);
                    continue;
                }
                batch.RemoveAt(i);
                vm.Pending.Remove(io);
                Complete(io);
                // aiodone-skips-batch-wakeup: the batch ends without uvm_aiodone_daemon()'s wakeup.
                if (batch.Count == 0 && !Kernel.Config.Has(Switches.AiodoneSkipsBatchWakeup)) WakeWaiters(free);
                yield return Step.Ran("uvm_aio_aiodone");
            }
        }
    }

    /// <summary>uvm_aiodone_daemon(): sleep until some pageout has finished.</summary>
    private IEnumerable<Step> WaitForIo()
    {
        while (Kernel.Vm.Pending.Count == 0)
            yield return Step.Sleep("uvm_aiodone_daemon", Pageout.AioDone);
    }

    /// <summary>Which of the batch's <paramref name="count"/> bufs to complete next: disks reorder, so the explorer chooses.</summary>
    private int Pick(int count) => count > 1 ? Kernel.Choice.Integer(count) : 0;

    /// <summary>An owner lock of the buf's pages that some thread holds, or null.</summary>
    private static SimpleLock? HeldOwnerLock(PageIo io)
    {
        for (int i = 0; i < io.Pages.Count; i++)
            if (io.Pages[i].OwnerLock is { Held: true } l) return l;
        return null;
    }

    /// <summary>uvm_aio_aiodone() of one pageout buf.</summary>
    private void Complete(PageIo io)
    {
        var ux = Kernel.Uvmexp;
        var error = Kernel.Vm.IoErrors.GetValueOrDefault(++Kernel.Vm.IoCompletions);
        bool swap = io.Slot != 0; // a vnode's buf (genfs_do_io) has no slots
        // biodone() (vfs_bio.c) calls vwakeup(bp) for a write before b_iodone, at interrupt time:
        // in the model the disk's completion and aiodoned's are this one step.
        var vnode = !swap && io.Page.Object is { IsVnode: true } v ? v : null;
        if (vnode is not null) GenfsPutpages.Vwakeup(Kernel, this, vnode, io);
        int freed = 0;
        for (int i = 0; i < io.Pages.Count; i++)
        {
            var p = io.Pages[i];
            var ownerLock = p.OwnerLock!;
            ownerLock.Acquire(this);
            // The write reached the device: the slot, or the vnode's file block, now holds what the page held when it started.
            if (error == PageoutError.None)
            {
                if (swap) Kernel.Vm.Swap.Store(io.Slot + i, io.Data[i]);
                else if (p.Object is { IsVnode: true } vn) vn.StoreBlock(p.Index, io.Data[i]);
            }
            else if (error == PageoutError.Eio && !swap && p.Object is { IsVnode: true } lost)
                lost.SetWritten(p.Index, lost.Block(p.Index)); // the page is freed clean and its data dropped: the loss is the I/O error's, as SWSLOT_BAD's is for swap
            if (CompletePage(p, swap ? io.Slot + i : 0, error)) freed++;
            // aiodone-error-keeps-owner-locked: the failed write's branch returns without the unlock.
            if (error != PageoutError.Eio || !Kernel.Config.Has(Switches.AiodoneErrorKeepsOwnerLocked)) ownerLock.Release(Kernel, this);
        }
        if (!swap)
        {
            // uvm_aio_aiodone() after uvm_page_unbusy() and simple_unlock(slock): "if (write &&
            // (bp->b_flags & B_AGE) != 0) vwakeup(bp)" (genfs_gop_write() sets B_AGE), then putiobuf(bp).
            if (vnode is null) return;
            if (!Kernel.Config.Has(Switches.AiodoneSkipsVwakeup)) GenfsPutpages.Vwakeup(Kernel, this, vnode, io);
            vnode.RemoveOutput(io);
            return;
        }
        // These pages are now only in swap (swap_data_lock).
        var space = Kernel.Vm.Swap;
        if (error == PageoutError.None) ux.SwpgOnly += freed;
        else if (error == PageoutError.Eio)
        {
            ux.SwpgOnly += io.Pages.Count;
            if (!Kernel.Config.Has(Switches.AiodoneSkipsMarkbad)) space.MarkBad(this, io.Slot, io.Pages.Count, ux, skipCount: Kernel.Config.Has(Switches.MarkbadSkipsNpgbad));
        }
        else space.Free(this, io.Slot, io.Pages.Count);
    }

    /// <summary>
    /// uvm_aiodone_daemon() after a batch: <paramref name="free"/> is uvmexp.free as the batch was
    /// taken; at or below the kernel's reserve only the pagedaemon is woken (its pass wakes the
    /// memory waiters when it ends), else the &amp;uvmexp.free waiters are.
    /// </summary>
    private void WakeWaiters(int free) =>
        Tsleep.Wakeup(Kernel, this, free <= Kernel.Uvmexp.ReserveKernel ? Pageout.Pagedaemon : Pageout.FreeMemory);

    /// <summary>
    /// One page of the buf, owner locked; uvm.pageqlock taken here. <paramref name="slot"/> is the
    /// page's swap slot, 0 for a vnode page. Returns true when a page the pagedaemon paged out was
    /// freed (not a released anon's).
    /// </summary>
    private bool CompletePage(Page p, int slot, PageoutError error)
    {
        var ux = Kernel.Uvmexp;
        var vm = Kernel.Vm;
        vm.PageQueueLock.Acquire(this);
        if (error != PageoutError.None) WriteFailed(p, slot, error);
        bool pageout = (p.Flags & PageFlags.Pageout) != 0;
        if (pageout)
        {
            p.Flags &= ~PageFlags.Pageout;
            if (!((p.Flags & PageFlags.Released) != 0 && Kernel.Config.Has(Switches.AiodoneReleasedSkipsPagingDecrement))) ux.Paging--;
            // Rev 1.72.2.1 also counts uvmexp.pdfreed++ here; left out: the 2003 text is not stored,
            // the counter only feeds uvmpd_scan()'s swap-shortage test (pages_freed), and counting
            // it moves the pinned PR kern/22752 schedule (regressions/schedules), which would need
            // re-pinning once a 2003 revision shows the line.
        }
        if ((p.Flags & PageFlags.Released) != 0 && p.OwnerAnon is { } released)
        {
            if (Kernel.Config.Has(Switches.AiodoneUnbusiesReleasedPage))
            {
                // aiodone-unbusies-released-page: un-busied as a page nobody freed, neither freed nor released.
                PageQueues.Unbusy(Kernel, p);
                vm.PageQueueLock.Release(this);
                return false;
            }
            vm.PageQueueLock.Release(this);
            AnonPager.Release(Kernel, this, released, p); // uvm_anfree() ran while the page was busy
            return false;
        }
        // A write by a caller that is not the pagedaemon (no PG_PAGEOUT): uvm_page_unbusy(), which
        // frees a PG_RELEASED page and un-busies any other.
        if (!pageout && p.Object is { IsVnode: true } written)
        {
            if (!Kernel.Config.Has(Switches.AiodoneLeavesSyncedPageBusy)) GenfsPutpages.PageUnbusy(Kernel, written, p);
            vm.PageQueueLock.Release(this);
            return false;
        }
        PageQueues.Unbusy(Kernel, p);
        if (pageout && p.Object is { IsVnode: true } vn) VnodePager.MemqChanged(Kernel, vn, p.Index);
        if (pageout) PageQueues.Free(Kernel, p);
        vm.PageQueueLock.Release(this);
        return pageout;
    }

    /// <summary>
    /// The write failed: ENOMEM is transient (PG_PAGEOUT off with uvmexp.paging--, PG_CLEAN off,
    /// uvm_pageactivate(), slot 0: the page will be written again); any other error is permanent
    /// (slot SWSLOT_BAD: the data is lost). A swap page's owner gets the new slot after
    /// KASSERT(its slot is swslot + i); a vnode page has none.
    /// </summary>
    private void WriteFailed(Page p, int slot, PageoutError error)
    {
        int to = SwapSpace.SwslotBad;
        if (error == PageoutError.Enomem)
        {
            if ((p.Flags & PageFlags.Pageout) != 0)
            {
                p.Flags &= ~PageFlags.Pageout;
                if (!Kernel.Config.Has(Switches.AiodoneEnomemSkipsPaging)) Kernel.Uvmexp.Paging--;
            }
            p.Flags &= ~PageFlags.Clean;
            PageQueues.Activate(Kernel, p);
            to = Kernel.Config.Has(Switches.AiodoneEnomemKeepsSlot) ? slot : 0;
        }
        if (slot == 0) return;
        int old = p.Object is { } obj ? obj.SetSwslot(p.Index, to) : p.Anon!.SwSlot;
        if (old != slot)
            throw new KernelPanicException("uvm_aio_aiodone", $"KASSERT(swslot == swslot + i) failed: {p}'s owner records slot {old}, the buf wrote slot {slot}");
        if (p.Object is null) p.Anon!.SwSlot = to;
    }
}
