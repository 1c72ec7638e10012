using Uvm.Model.Core;
using Uvm.Model.Exit;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// The pagedaemon kthread, uvm_pageout() of uvm_pdaemon.c (read against 1.39, 2001, the nearest
/// stored revision: no 2003-04 text was found, docs/kernel-sources.md): one thread that scans,
/// swaps out and drains. It sleeps on
/// &amp;uvm.pagedaemon (woken by uvm_pagealloc() below the free target, by uvm_wait(), by pageout
/// completion), then runs one pass: under uvm.pageqlock, uvmpd_scan() when short of free or
/// inactive pages, which first calls uvm_swapout_threads() with the page queues unlocked when
/// free &lt; freetarg and a swap device is configured (<see cref="PageoutScan.Pass"/>); wakeup(&amp;uvmexp.free); unlock; then,
/// with no lock held, pool_drain(0) and, since the exit rework of 2004-01-04 ("uvm_uarea_drain()
/// ... called by parent within wait4(), or by pagedaemon on memory shortage"), uvm_uarea_drain(TRUE).
/// A workload asks for the parts it exercises (<see cref="PagedaemonJobs"/>). Runs forever; an
/// iteration ends with it asleep.
/// <para>
/// Simplified: the drain runs only under a shortage (free &lt; freetarg), and ends with a second
/// wakeup(&amp;uvmexp.free) for the memory it freed (paging is always 0 in the workloads that drain);
/// the workload's shortage passes (<see cref="PagedaemonJobs.ShortagePasses"/>) run back to back.
/// </para>
/// </summary>
public sealed class PageDaemon : Kthread
{
    /// <inheritdoc/>
    /// <remarks>uvm_pageout(): UVM_UNLOCK_AND_WAIT(&amp;uvm.pagedaemon, ...) after every pass, with no timeout, shortage or not: the allocators wake it.</remarks>
    public override bool IdlesOn(WaitChannel channel) => channel == Pageout.Pagedaemon;

    /// <summary>What it does; every boot step that needs it has asked before it first runs.</summary>
    private PagedaemonJobs _jobs;

    private PageDaemon(Kernel kernel, PagedaemonJobs jobs) : base(kernel, "pagedaemon") => _jobs = jobs;

    /// <summary>
    /// The pagedaemon with <paramref name="jobs"/> added: the kernel's one pagedaemon if a boot
    /// step already created it, else a new one, asleep on &amp;uvm.pagedaemon as it is from boot,
    /// or runnable when the workload states a shortage (<see cref="PagedaemonJobs.ShortagePasses"/>).
    /// </summary>
    public static PageDaemon Boot(Kernel kernel, PagedaemonJobs jobs)
    {
        if (jobs.DrainsUareas) kernel.Uareas.PagedaemonDrains = true;
        if (Existing(kernel) is { } pd)
        {
            if (jobs.ShortagePasses > 0)
                throw new InvalidOperationException("shortage passes are asked for when the pagedaemon is created");
            pd._jobs = pd._jobs.With(jobs);
            return pd;
        }
        pd = new PageDaemon(kernel, jobs);
        if (jobs.ShortagePasses == 0) pd.StartAsleep(Pageout.Pagedaemon);
        return pd;
    }

    /// <summary>The kernel's pagedaemon if a boot step created it, else null (a loop: LINQ would allocate at every boot).</summary>
    private static PageDaemon? Existing(Kernel kernel)
    {
        PageDaemon? found = null;
        foreach (var t in kernel.Threads)
        {
            if (t is not PageDaemon pd) continue;
            if (found is not null) throw new InvalidOperationException("more than one pagedaemon");
            found = pd;
        }
        return found;
    }

    /// <summary>Whether the workload booted a pagedaemon (the exit scenarios may leave it out).</summary>
    public static bool Runs(Kernel kernel) => Existing(kernel) is not null;

    /// <summary>A pagedaemon that scans the page queues, asleep on &amp;uvm.pagedaemon.</summary>
    public static PageDaemon Start(Kernel kernel) => Boot(kernel, new());

    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        int shortagePasses = _jobs.ShortagePasses;
        while (true)
        {
            bool stated = shortagePasses > 0;
            if (stated) shortagePasses--;
            foreach (var s in PageoutScan.Pass(Kernel, this, stated)) yield return s;
            if (_jobs.DrainsUareas)
                foreach (var s in Drain()) yield return s;
            if (shortagePasses > 0) continue;
            yield return Step.Sleep("uvm_pageout: pass done", Pageout.Pagedaemon);
        }
    }

    /// <summary>
    /// uvm_pageout() after the scan, no lock held: under a shortage, pool_drain(0), then
    /// uvm_uarea_drain(TRUE) ("free any cached u-areas we don't need"), then wakeup(&amp;uvmexp.free);
    /// with none, the drain owed to a wakeup is moot.
    /// </summary>
    private IEnumerable<Step> Drain()
    {
        if (!PagedaemonWakeup.Shortage(Kernel))
        {
            Kernel.Uareas.DrainWanted = false;
            yield break;
        }
        if (Kernel.Pools.Enabled)
            foreach (var s in Pool.PoolOps.Drain(Kernel, AsSelf)) yield return s;
        foreach (var s in Kernel.Uareas.Drain(Kernel, AsSelf, empty: true)) yield return s;
        if (!Kernel.Config.Has(Switches.DrainSkipsFreeWakeup)) Tsleep.Wakeup(Kernel, this, Pageout.FreeMemory); // drain-skips-free-wakeup
    }
}
