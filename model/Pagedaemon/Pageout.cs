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
