using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model;

/// <summary>
/// Swapping LWP u-areas out and in: uvm_swapout_threads(), uvm_swapout(), uvm_scheduler() and
/// uvm_swapin() of sys/uvm/uvm_glue.c. Follows rev 1.44.2.2 (pre-fix) and 1.93 (post-fix) as read
/// from NetBSD/src. Locks: sched_lock around every l_stat / L_INMEM change; the proclist read lock
/// around the alllwp walk (taken and dropped inside the walk step); kernel_map's lock inside
/// uvm_fault_wire/unwire, which may sleep, so those are steps of their own. Left out: pmap
/// (pmap_collect is a no-op), nice values in the swap-in priority, the USPACE page contents.
/// </summary>
public static class Swapout
{
    /// <summary>swappable(l): resident, not a system or exiting process, not PHOLDed.</summary>
    public static bool Swappable(Lwp l) => l.InMemory && !l.Proc.System && !l.Proc.Exiting && l.HoldCount == 0;

    /// <summary>
    /// uvm_swapout_threads(): walk alllwp (proclist read-held, sched_lock NOT held, so each l_stat
    /// read may be stale by the time it is used); swap out sleepers past maxslp at once; otherwise,
    /// when memory is very low, swap out the longest sleeper, else the longest-resident runnable LWP.
    /// </summary>
    public static IEnumerable<Step> SwapoutThreads(Kernel k, KernelThread self)
    {
        var (outl, outl2, longSleepers) = ScanAllLwp(k);
        yield return Step.Ran("uvm_swapout_threads");

        foreach (var l in longSleepers)
            foreach (var s in SwapoutLwp(k, self, l)) yield return s;

        if (longSleepers.Count == 0 && k.Uvmexp.Free <= Uvmexp.UspacePages && (outl ?? outl2) is { } victim)
            foreach (var s in SwapoutLwp(k, self, victim)) yield return s;
    }

    /// <summary>The alllwp walk of uvm_swapout_threads(), as one critical section (proclist read-held).</summary>
    private static (Lwp? Outl, Lwp? Outl2, List<Lwp> LongSleepers) ScanAllLwp(Kernel k)
    {
        Lwp? outl = null, outl2 = null;
        int outpri = 0, outpri2 = 0;
        var longSleepers = new List<Lwp>();
        foreach (var l in k.Lwps)
        {
            if (!Swappable(l) && !(k.Config.Has(Switches.ScanSkipsSwappable) && l.InMemory && !l.Finished)) continue;
            switch (l.Stat)
            {
                // PR kern/23095: the pre-fix walk falls through to the LSRUN case here.
                case LwpStat.OnProc when !k.Config.Has(Switches.Pr23095):
                    continue;
                case LwpStat.Run or LwpStat.OnProc:
                    if (l.SwTime > outpri2) (outl2, outpri2) = (l, l.SwTime);
                    continue;
                case LwpStat.Sleep or LwpStat.Stop:
                    if (l.SlpTime >= k.Uvmexp.MaxSlp) longSleepers.Add(l);
                    else if (l.SlpTime > outpri) (outl, outpri) = (l, l.SlpTime);
                    continue;
            }
        }
        return (outl, outl2, longSleepers);
    }

    /// <summary>uvm_swapout(l): take the LWP's u-area out of memory.</summary>
    public static IEnumerable<Step> SwapoutLwp(Kernel k, KernelThread self, Lwp l)
    {
        if (k.Config.Has(Switches.SwapoutWithoutSchedLock))
        {
            // Mutation: the two halves of the critical section with another CPU free to run between.
            l.InMemory = false;
            yield return Step.Ran("uvm_swapout (no sched_lock): clear L_INMEM");
            if (l.Stat == LwpStat.Run && l.OnRunQueue) Scheduler.RemRunQueue(k, l);
            l.SwTime = 0;
            k.Uvmexp.Swapouts++;
            yield return Step.Ran("uvm_swapout (no sched_lock): remrunqueue");
            UnwireUarea(k, l);
            yield return Step.Ran("uvm_fault_unwire");
            yield break;
        }
        if (!SwapoutUnderSchedLock(k, self, l))
        {
            yield return Step.Ran("uvm_swapout: LSONPROC, leave it");
            yield break;
        }
        yield return Step.Ran("uvm_swapout");
        UnwireUarea(k, l);
        yield return Step.Ran("uvm_fault_unwire");
    }

    /// <summary>
    /// uvm_swapout(): SCHED_LOCK; clear L_INMEM; remrunqueue() if LSRUN; SCHED_UNLOCK; then
    /// cpu_swapout(). Returns false when the fixed kernel finds the LWP running and backs off.
    /// </summary>
    private static bool SwapoutUnderSchedLock(Kernel k, KernelThread self, Lwp l)
    {
        // PR kern/23095: the pre-fix code ran cpu_swapout(l) here, before taking sched_lock, on
        // an LWP that may be running on another CPU.
        k.SchedLock.Acquire(self);
        if (l.Stat == LwpStat.OnProc && !k.Config.Has(Switches.Pr23095))
        {
            k.SchedLock.Release(self);
            return false;
        }
        if (!StillSwappable(l))
        {
            k.SchedLock.Release(self);
            return false;
        }
        l.InMemory = false;
        if (l.Stat == LwpStat.Run && !k.Config.Has(Switches.SwapoutSkipsRemrunqueue)) Scheduler.RemRunQueue(k, l);
        k.SchedLock.Release(self);
        l.SwTime = 0;
        k.Uvmexp.Swapouts++;
        k.SleepQueues.Wakeup(Threads.ClockThread.Idle);
        return true;
    }

    /// <summary>
    /// The victim has not started to exit since the walk chose it: its process is not P_WEXIT and it
    /// has not become LSDEAD/LSZOMB (its u-area may already be on the free list). The kernel holds
    /// the proclist read lock across the walk's swapouts, which exit1()'s removal from alllwp waits
    /// for, and later kernels re-check swappable() before swapping out outl/outl2; the model, which
    /// swaps out after the walk step, re-checks here (approx.).
    /// </summary>
    private static bool StillSwappable(Lwp l) =>
        !l.Proc.Exiting && l.Stat is not (LwpStat.Dead or LwpStat.Zomb);

    /// <summary>
    /// uvm_fault_unwire(kernel_map, u-area) and pmap_collect(): the wire count drops, and once it is
    /// zero the u-area's pages become reclaimable.
    /// </summary>
    private static void UnwireUarea(Kernel k, Lwp l)
    {
        if (!l.UareaWired) return;
        if (--l.UareaWireCount > 0) return;
        PhysMem.UnwireUarea(k, l.Uarea!);
        k.SleepQueues.Wakeup(Pageout.FreeMemory);
    }

    /// <summary>
    /// uvm_scheduler() pick: under the proclist read lock, the LSRUN, non-resident LWP with the
    /// largest l_swtime + l_slptime, or null.
    /// </summary>
    public static Lwp? PickSwapinCandidate(Kernel k)
    {
        if (k.Config.Has(Switches.Proc0NeverSwapsIn)) return null;
        Lwp? best = null;
        int bestPri = int.MinValue;
        foreach (var l in k.Lwps)
        {
            if (l.Stat != LwpStat.Run || l.InMemory) continue;
            int pri = l.SwTime + l.SlpTime;
            if (pri > bestPri) (best, bestPri) = (l, pri);
        }
        return best;
    }

    /// <summary>uvm_swapin(l), first half: uvm_fault_wire() of the u-area (takes kernel_map's lock, may sleep); the first wiring takes its pages.</summary>
    public static void WireUarea(Kernel k, Lwp l)
    {
        if (l.UareaWireCount++ > 0) return;
        PhysMem.WireUarea(k, l.Uarea!);
    }

    /// <summary>uvm_swapin(l), second half: cpu_swapin(); SCHED_LOCK { setrunqueue if LSRUN; set L_INMEM }; l_swtime = 0.</summary>
    public static void MakeResident(Kernel k, KernelThread self, Lwp l)
    {
        k.SchedLock.Acquire(self);
        if (l.Stat == LwpStat.Run && !k.Config.Has(Switches.SwapinSkipsSetrunqueue)) Scheduler.SetRunQueue(k, l);
        l.InMemory = true;
        k.SchedLock.Release(self);
        l.SwTime = 0;
        k.Uvmexp.Swapins++;
    }
}
