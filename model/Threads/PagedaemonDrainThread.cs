using Uvm.Model.Core;
using Uvm.Model.Exit;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// Stands for the pagedaemon's call into uvm_uarea_drain() under a memory shortage (uvm_pageout()
/// after 2004: once the page scan is done and the locks dropped, "free any cached u-areas we don't
/// need"; uvm_uarea_drain(TRUE), approx.), then wakeup(&amp;uvmexp.free) (paging is always 0 here).
/// It sleeps on &amp;uvm.pagedaemon until an allocator wakes it. The page scan belongs to the
/// pagedaemon model; <see cref="UareaCache.Drain"/> is the sub-path it will call.
/// </summary>
public sealed class PagedaemonDrainThread : Kthread
{
    private PagedaemonDrainThread(Kernel kernel) : base(kernel, "pagedaemon-drain") => kernel.Uareas.PagedaemonDrains = true;

    /// <summary>Creates it asleep on &amp;uvm.pagedaemon, as the pagedaemon is from boot.</summary>
    public static PagedaemonDrainThread Start(Kernel kernel)
    {
        var t = new PagedaemonDrainThread(kernel);
        t.StartAsleep(Pageout.Pagedaemon);
        return t;
    }

    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        while (true)
        {
            if (!PagedaemonWakeup.Shortage(Kernel))
            {
                Kernel.Uareas.DrainWanted = false;
                yield return Step.Sleep("uvm_pageout: no shortage", Pageout.Pagedaemon);
                continue;
            }
            // uvm_pageout(): pool_drain(0) once the locks are dropped, then the u-areas.
            if (Kernel.Pools.Enabled)
                foreach (var s in Pool.PoolOps.Drain(Kernel, () => this)) yield return s;
            foreach (var s in Kernel.Uareas.Drain(Kernel, () => this, empty: true)) yield return s;
            Tsleep.Wakeup(Kernel, this, Pageout.FreeMemory);
            yield return Step.Sleep("uvm_pageout", Pageout.Pagedaemon);
        }
    }
}
