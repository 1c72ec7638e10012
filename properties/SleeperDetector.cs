using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Properties;

/// <summary>
/// The sleeper detector: when nothing more can run, every kernel thread still asleep is a daemon
/// waiting for work in its main loop (<see cref="KernelThread.IdlesOn"/>: the pagedaemon on
/// &amp;uvm.pagedaemon, an idle CPU on whichqs, proc0 on &amp;proc0, ...). Any other sleeper waits
/// for a wakeup or a lock release that will never come: a wakeup() skipped or sent before the
/// sleep, a lock a path kept when it returned, two paths each holding what the other waits for, a
/// PG_WANTED never answered. tsleep() without a timeout has no other way out (kern_synch.c), so a
/// rule stated once catches each of these wherever it happens, on any channel. Judged after the
/// properties that name a channel (map locks, pages, memory), so those report first; subsystem
/// <c>detector</c>, checked in every scenario.
/// </summary>
public static class SleeperDetector
{
    /// <summary>Every thread asleep at the end is idle in its own main loop.</summary>
    public static readonly LivenessProperty EverySleeperIsEventuallyWoken = new(
        nameof(EverySleeperIsEventuallyWoken),
        "Every kernel thread asleep once nothing more can run is a daemon waiting for work in its main loop; any other sleeper, on a lock, a page, memory or an event, waits for a release or wakeup that never comes.",
        Detector.Subsystem, k =>
        {
            for (int i = 0; i < k.Threads.Count; i++)
                if (k.Threads[i] is { Exited: false, SleepingOn: { } channel } t && !t.IdlesOn(channel))
                    return $"{t} sleeps on {channel}{Held(k, channel)}";
            return null;
        });

    /// <summary>Every page busied by a path is un-busied by it (or by the I/O completion it waits for).</summary>
    public static readonly LivenessProperty NoPageStaysBusy = new(
        nameof(NoPageStaysBusy),
        "Every PG_BUSY page is eventually un-busied: once nothing more can run, no I/O is pending and no path is left to clear PG_BUSY, so a busy page that no declared holder keeps (a pool page stays busy by design) was left busy by a path that returned.",
        Detector.Subsystem, k =>
        {
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
                if (pages[i] is { Busy: true, Holder: null } p)
                    return $"{p} is still PG_BUSY" + (p.BusyOwner is { } o ? $" (owner {o})" : "");
            return null;
        });

    /// <summary>Who holds the lock a sleeper waits for, when the channel is a lock's.</summary>
    private static string Held(IKernelView k, WaitChannel channel)
    {
        for (int i = 0; i < k.Threads.Count; i++)
            if (k.Threads[i].HeldLockOn(channel) is not null)
                return $", held by {k.Threads[i]}" + (k.Threads[i].Exited ? ", which has finished" : "");
        return "";
    }

    /// <summary>Every property of the detector.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [EverySleeperIsEventuallyWoken, NoPageStaysBusy];
}
