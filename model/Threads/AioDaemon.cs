using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// The aiodone daemon, uvm_aiodone_daemon() → uvm_aio_aiodone() of uvm_pager.c (2002): completes
/// asynchronous pageouts, one per step and in an order the explorer chooses (disks reorder). For
/// each page it locks the owner (an_lock or vmobjlock), frees a PG_PAGEOUT page (its only copy is
/// now in swap; an anon keeps an_swslot), releases a PG_RELEASED one with its freed anon, wakes
/// PG_WANTED sleepers, and then wakes the pagedaemon and the &amp;uvmexp.free waiters (approx.:
/// the exact wakeup conditions of the period are reconstructed). I/O errors are left out.
/// </summary>
public sealed class AioDaemon : Kthread
{
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
        while (true)
        {
            // Wait for a finished I/O, pick one (the explorer chooses), and lock its page's owner;
            // after waiting for that lock, start over: the list may have changed.
            int i = 0;
            foreach (var s in Locks.TakeAfter(WaitForIo, () => vm.Pending[i = Pick()].Page.OwnerLock!, this, "uvm_aio_aiodone: simple_lock"))
                yield return s;
            var io = vm.Pending[i];
            var ownerLock = io.Page.OwnerLock!;
            vm.Pending.RemoveAt(i);
            Complete(io.Page);
            ownerLock.Release(Kernel, this);
            yield return Step.Ran("uvm_aio_aiodone");
        }
    }

    /// <summary>uvm_aiodone_daemon(): sleep until some pageout has finished.</summary>
    private IEnumerable<Step> WaitForIo()
    {
        while (Kernel.Vm.Pending.Count == 0)
            yield return Step.Sleep("uvm_aiodone_daemon", Pageout.AioDone);
    }

    /// <summary>Which finished pageout to complete next: disks reorder, so the explorer chooses.</summary>
    private int Pick() => Kernel.Vm.Pending.Count > 1 ? Kernel.Choice.Integer(Kernel.Vm.Pending.Count) : 0;

    /// <summary>The page's pageout finished: owner locked, uvm.pageqlock taken here.</summary>
    private void Complete(Page p)
    {
        var ux = Kernel.Uvmexp;
        bool released0 = (p.Flags & PageFlags.Released) != 0;
        if (!(released0 && Kernel.Config.Has(Switches.AiodoneReleasedSkipsPagingDecrement))) ux.Paging--;
        if (released0 && p.OwnerAnon is { } released)
        {
            AnonPager.Release(Kernel, this, released, p);
        }
        else
        {
            Kernel.Vm.PageQueueLock.Acquire(this);
            PageQueues.Unbusy(Kernel, p);
            PageQueues.Free(Kernel, p);
            Kernel.Vm.PageQueueLock.Release(this);
            ux.SwpgOnly++;
        }
        if (ux.Free + ux.Paging < ux.FreeTarg) Kernel.SleepQueues.Wakeup(Pageout.Pagedaemon);
        Kernel.SleepQueues.Wakeup(Pageout.FreeMemory);
    }
}
