using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// The pagedaemon kthread, uvm_pageout() of uvm_pdaemon.c, created asleep (<see cref="Start"/>):
/// sleep on &amp;uvm.pagedaemon (woken
/// by uvm_pagealloc() below the free target, by uvm_wait(), by pageout completion), then run one
/// pass (<see cref="PageoutScan.Pass"/>). Runs forever; an iteration ends with it asleep. With
/// <c>swapoutThreads</c> set it also calls uvm_swapout_threads() when free &lt; freetarg.
/// </summary>
public sealed class PageDaemon : Kthread
{
    /// <summary>Whether a pass calls uvm_swapout_threads() under a shortage.</summary>
    private readonly bool _swapoutThreads;

    private PageDaemon(Kernel kernel, bool swapoutThreads) : base(kernel, "pagedaemon") => _swapoutThreads = swapoutThreads;

    /// <summary>Creates the pagedaemon asleep on &amp;uvm.pagedaemon, as it is from boot.</summary>
    public static PageDaemon Start(Kernel kernel, bool swapoutThreads)
    {
        var pd = new PageDaemon(kernel, swapoutThreads);
        pd.StartAsleep(Pageout.Pagedaemon);
        return pd;
    }

    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        while (true)
        {
            foreach (var s in PageoutScan.Pass(Kernel, this, _swapoutThreads)) yield return s;
            yield return Step.Sleep("uvm_pageout: pass done", Pageout.Pagedaemon);
        }
    }
}
