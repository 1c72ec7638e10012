using Uvm.Model.Core;

namespace Uvm.Model.Exit;

/// <summary>
/// wakeup(&amp;uvm.pagedaemon) as uvm_wait() and the u-area paths do it. When it reaches a
/// pagedaemon that drains the u-area cache under a shortage while u-areas are cached, a drain is
/// owed (<see cref="UareaCache.DrainWanted"/>), which the liveness property
/// <c>ShortageDrainEventuallyShrinksFreeList</c> watches: the drain empties the list (so a wakeup
/// that finds the pagedaemon mid-drain is still served) or finds the shortage gone.
/// </summary>
public static class PagedaemonWakeup
{
    /// <summary>True while free memory is below uvmexp.freetarg.</summary>
    public static bool Shortage(Kernel k) => k.Uvmexp.Free < k.Uvmexp.FreeTarg;

    /// <summary>wakeup(&amp;uvm.pagedaemon).</summary>
    public static void Wake(Kernel k)
    {
        if (k.Uareas.PagedaemonDrains && Shortage(k) && k.Uareas.Count > 0) k.Uareas.DrainWanted = true;
        k.SleepQueues.Wakeup(Pageout.Pagedaemon);
    }
}
