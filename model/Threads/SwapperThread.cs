using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// The pagedaemon's call into uvm_swapout_threads() under a memory shortage (uvmpd_scan():
/// "free &lt; freetarg: unlock the page queues, swap out threads, relock"), repeated a bounded
/// number of times. The page scan around it belongs to the pagedaemon model.
/// </summary>
public sealed class SwapperThread(Kernel kernel, int scans) : Kthread(kernel, "swapper")
{
    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        for (int i = 0; i < scans; i++)
            foreach (var s in Swapout.SwapoutThreads(Kernel, this)) yield return s;
        yield return Step.Exit("uvmpd_scan: done");
    }
}
