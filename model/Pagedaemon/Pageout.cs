using Uvm.Model.Core;

namespace Uvm.Model;

/// <summary>The sleep channels of the memory allocator and the pagedaemon (uvm_pdaemon.c).</summary>
public static class Pageout
{
    /// <summary>&amp;uvmexp.free: uvm_wait() sleeps here until memory is freed.</summary>
    public static readonly WaitChannel FreeMemory = new("&uvmexp.free");

    /// <summary>&amp;uvm.pagedaemon: the pagedaemon sleeps here until woken by a shortage.</summary>
    public static readonly WaitChannel Pagedaemon = new("&uvm.pagedaemon");

    /// <summary>&amp;uvm.aio_done: the aiodone daemon sleeps here until an asynchronous pageout completes.</summary>
    public static readonly WaitChannel AioDone = new("&uvm.aio_done");

    /// <summary>
    /// The test of uvm_fault.c 1.69's cases 1B and 2B when uvm_pagealloc() finds no page: <c>if (anon
    /// == NULL || uvmexp.swpgonly == uvmexp.swpages) return ENOMEM</c> ("out of swap"; trap() kills
    /// the process) rather than uvm_wait() and ReFault: with every swap page holding a page's only
    /// copy, or no swap at all, the pagedaemon has nowhere to put a dirty anon page. The model's
    /// uvm_analloc() never fails. Later texts ask uvm_reclaimable() instead (2006).
    /// </summary>
    internal static bool OutOfSwap(Kernel k)
    {
        if (k.Uvmexp.SwpgOnly > k.Vm.Swap.SwPages)
            throw new KernelPanicException("uvm_fault", $"KASSERT(uvmexp.swpgonly <= uvmexp.swpages) failed: {k.Uvmexp.SwpgOnly} > {k.Vm.Swap.SwPages}");
        return k.Uvmexp.SwpgOnly == k.Vm.Swap.SwPages;
    }

    /// <summary>The step of a fault that returns ENOMEM, everything unlocked (cases 1B and 2B, <see cref="OutOfSwap"/>).</summary>
    internal static Step OutOfSwapStep => Step.Ran("uvm_fault: out of swap, ENOMEM");

    /// <summary>
    /// uvm_wait(msg): wake the pagedaemon and sleep on &amp;uvmexp.free, as one critical section
    /// (pagedaemon_lock held), so a wakeup between the two is not lost.
    /// </summary>
    internal static Step Wait(Kernel k, string msg)
    {
        if (!k.Config.Has(Switches.UvmWaitSkipsPagedaemonWakeup)) k.SleepQueues.Wakeup(Pagedaemon); // uvm-wait-skips-pagedaemon-wakeup
        // The model's clock idles while nothing waits for time; a sleeper in uvm_wait() may (ClockThread.TimeStillMatters).
        k.SleepQueues.Wakeup(Threads.ClockThread.Idle);
        return Step.Sleep($"uvm_wait: {msg}", FreeMemory);
    }
}
