using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model;

/// <summary>
/// Swapping LWP u-areas out and in: uvm_swapout_threads(), uvm_swapout(), uvm_scheduler() and
/// uvm_swapin() of sys/uvm/uvm_glue.c, read against rev 1.93 (2006, the nearest stored revision;
/// its swapout walk is the one of the 2003 LWP merge) and rev 1.44.2.2 for the PR kern/23095
/// pre-fix. Locks: the proclist read lock around the alllwp walk, held while the walk swaps out
/// its long sleepers (each uvm_swapout() may sleep in uvm_fault_unwire()) and dropped before
/// outl/outl2 is swapped out, with no swappable() re-check (that came with l_swaplock, uvm_glue.c
/// 1.89.2.7, 2008-01; the model keeps it by default, see Switches.SwapoutExitedLwp); sched_lock around every l_stat / L_INMEM change; kernel_map's lock
/// inside uvm_fault_wire/unwire (<see cref="UareaWiring"/>). Left out: pmap (pmap_collect is a
/// no-op), nice values in the swap-in priority, the USPACE page contents.
/// </summary>
public static class Swapout
{
    /// <summary>Why uvm_swapout_threads() reads l_stat and L_INMEM without sched_lock.</summary>
    private const string WalkWithoutSchedLock = "uvm_swapout_threads(): LIST_FOREACH(l, &alllwp) under proclist_lock_read() only, sched_lock not held";

    /// <summary>Why uvm_scheduler() does.</summary>
    private const string SchedulerWalk = "uvm_scheduler(): \"is it a runnable swapped out process?\" under proclist_lock_read() only";

    /// <summary>swappable(l): resident, not a system process, and not <see cref="ExitingOrHeld"/>.</summary>
    public static bool Swappable(Kernel k, Lwp l) => l.RacyInMemory(WalkWithoutSchedLock) && !l.Proc.System && !ExitingOrHeld(k, l);

    /// <summary>swappable(l) read under sched_lock (L_INMEM's lock): the checked read, no stale value.</summary>
    internal static bool SwappableLocked(Kernel k, Lwp l) => l.InMemory && !l.Proc.System && !ExitingOrHeld(k, l);

    /// <summary>
    /// The part of swappable(l) that uvm_swapout()'s later re-check tests again: P_WEXIT, an LWP
    /// lwp_exit() has counted gone (LW_WEXIT in the later swappable(); it may still drain procfs
    /// references), or l_holdcnt above zero (the test <paramref name="k"/>'s mutation swappable-ignores-holdcnt leaves out).
    /// </summary>
    private static bool ExitingOrHeld(Kernel k, Lwp l) =>
        l.Proc.Exiting || l.ExitCounted || (l.HoldCount != 0 && !k.Config.Has(Switches.SwappableIgnoresHoldcnt));

    /// <summary>
    /// uvm_swapout_threads(): under the proclist read lock walk alllwp (sched_lock NOT held, so each
    /// l_stat read may be stale by the time it is used) and swap out at once every sleeper past
    /// maxslp, the lock still held; then, with the lock dropped, when nothing was swapped and memory
    /// is very low, swap out the longest sleeper (outl), else the longest-resident runnable LWP
    /// (outl2), as they were when the walk saw them.
    /// </summary>
    public static IEnumerable<Step> SwapoutThreads(Kernel k, KernelThread self)
    {
        foreach (var s in Locks.Take(k.ProcListLock, self, "uvm_swapout_threads: proclist_lock_read")) yield return s;
        Lwp? outl = null, outl2 = null, previous = null;
        int outpri = 0, outpri2 = 0, didswap = 0;
        for (int i = 0; i < k.Lwps.Count + k.KthreadLwps.Count; i++)
        {
            // alllwp: the processes' LWPs, then the kernel threads' (P_SYSTEM: swappable() skips them).
            var l = i < k.Lwps.Count ? k.Lwps[i] : k.KthreadLwps[i - k.Lwps.Count];
            if (!l.OnAllLwp) continue;
            previous?.ReadNextOnAllLwp(k.ProcListLock); // LIST_FOREACH: l = LIST_NEXT(previous, l_list)
            previous = l;
            if (k.Config.Has(Switches.SwapoutScanAssertsUnlocked) && l.RacyStat(WalkWithoutSchedLock) == LwpStat.OnProc && l.Cpu is null)
                throw new KernelPanicException("uvm_swapout_threads", $"{l} is LSONPROC on no CPU");
            if (!Swappable(k, l) && !(k.Config.Has(Switches.ScanSkipsSwappable) && l.RacyInMemory(WalkWithoutSchedLock) && !l.Finished)) continue;
            switch (l.RacyStat(WalkWithoutSchedLock))
            {
                // PR kern/23095: the pre-fix walk falls through to the LSRUN case here.
                case LwpStat.OnProc when !k.Config.Has(Switches.Pr23095):
                    // pr31870: KDASSERT(l->l_cpu != curcpu()), l_cpu read without sched_lock (the 2004
                    // text between the fixes of PR kern/23095 and PR kern/31870): an LWP another CPU
                    // is switching to may show LSONPROC with l_cpu still the CPU it last ran on.
                    if (k.Config.Has(Switches.Pr31870) && l.RacyCpu(WalkWithoutSchedLock) is var cpu && cpu == Scheduler.CurCpu(k, self))
                        throw new KernelPanicException("uvm_swapout_threads", $"KDASSERT(l->l_cpu != curcpu()) failed: {l} is LSONPROC with l_cpu {cpu}, the walker's CPU");
                    continue;
                case LwpStat.Run or LwpStat.OnProc:
                    if (l.SwTime > outpri2) (outl2, outpri2) = (l, l.SwTime);
                    continue;
                case LwpStat.Sleep or LwpStat.Stop when l.SlpTime >= k.Uvmexp.MaxSlp:
                    // uvm_swapout(l) inside the walk, proclist still read-held.
                    foreach (var s in SwapoutLwp(k, self, l)) yield return s;
                    didswap++;
                    continue;
                case LwpStat.Sleep or LwpStat.Stop:
                    if (l.SlpTime > outpri) (outl, outpri) = (l, l.SlpTime);
                    continue;
            }
        }
        previous?.ReadNextOnAllLwp(k.ProcListLock); // the LIST_NEXT of the last LWP, NULL, ends the walk
        k.ProcListLock.Release(k, self);
        yield return Step.Ran("uvm_swapout_threads");

        // No swappable() re-check here in 2003-04: outl/outl2 may have changed since the walk
        // (uvm_swapout() below re-checks unless Switches.SwapoutExitedLwp).
        if (didswap == 0 && k.Uvmexp.Free <= Uvmexp.UspacePages && (outl ?? outl2) is { } victim)
            foreach (var s in SwapoutLwp(k, self, victim)) yield return s;
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
            var addr = l.Uarea;
            yield return Step.Ran("uvm_swapout (no sched_lock): remrunqueue");
            foreach (var s in UareaWiring.Unwire(k, self, l, addr)) yield return s;
            yield break;
        }
        if (!SwapoutUnderSchedLock(k, self, l))
        {
            yield return Step.Ran("uvm_swapout: LSONPROC, leave it");
            yield break;
        }
        var uarea = l.Uarea; // addr = l->l_addr, read before uvm_fault_unwire() takes kernel_map's lock
        var p = l.Proc; // p = l->l_proc, read on entry
        yield return Step.Ran("uvm_swapout");
        foreach (var s in UareaWiring.Unwire(k, self, l, uarea)) yield return s; // cpu_swapout(); uvm_fault_unwire()
        // pmap_collect(vm_map_pmap(&p->p_vmspace->vm_map)) after the unwire, which may have slept on
        // kernel_map: the struct proc read on entry, and its vmspace, are read again here.
        p.Vmspace.Touch();
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
        // Switches.SwapoutExitedLwp (found by the checker): the 2003-04 uvm_swapout() checks only for
        // LSONPROC; by default the model keeps the later swappable(l) re-check (uvm_glue.c 1.89.2.7),
        // which the 2004 big lock, not modelled, made unnecessary. It comes first: an LWP that has
        // left alllwp since the walk may be freed (pool_put), and the fixed kernel never touches it.
        // Switches.ScanSkipsSwappable drops the swappable() part of it (P_WEXIT, l_holdcnt), not the
        // alllwp one; swappable-ignores-holdcnt drops the l_holdcnt test here too. Without the big
        // lock an LWP the walk picked may have been PHOLDed since (fork1()'s parent).
        if (!k.Config.Has(Switches.SwapoutExitedLwp) && (!l.OnAllLwp || (!k.Config.Has(Switches.ScanSkipsSwappable) && ExitingOrHeld(k, l))))
        {
            k.SchedLock.Release(self);
            return false;
        }
        if (l.Stat == LwpStat.OnProc && !k.Config.Has(Switches.Pr23095))
        {
            // KDASSERT(l->l_cpu != curcpu()): the pagedaemon runs on its own CPU, so a running
            // victim runs on another one (uvm_glue.c uvm_swapout(), 2003-04).
            if (l.Cpu == Scheduler.CurCpu(k, self))
                throw new KernelPanicException("uvm_swapout", $"{l} is LSONPROC on {l.Cpu}, the CPU of {self.Name} itself (l_cpu == curcpu())");
            k.SchedLock.Release(self);
            return false;
        }
        l.InMemory = false;
        bool queued = l.Stat == LwpStat.Run && !k.Config.Has(Switches.SwapoutSkipsRemrunqueue);
        bool late = k.Config.Has(Switches.SwapoutRemrunqueueAfterUnlock); // swapout-remrunqueue-after-unlock
        if (queued && !late) Scheduler.RemRunQueue(k, l);
        k.SchedLock.Release(self);
        if (queued && late) Scheduler.RemRunQueue(k, l);
        l.SwTime = 0;
        k.Uvmexp.Swapouts++;
        k.SleepQueues.Wakeup(Threads.ClockThread.Idle);
        return true;
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
            if (!l.OnAllLwp) continue;
            if (l.RacyStat(SchedulerWalk) != LwpStat.Run || l.RacyInMemory(SchedulerWalk)) continue;
            // The default's one swap-in at a time: an LWP a PHOLD() is swapping in is no candidate.
            if (!k.Config.Has(Switches.PholdSwapinUnlocked) && l.RacySwappingIn(SchedulerWalk)) continue;
            int pri = l.SwTime + l.SlpTime;
            if (pri > bestPri) (best, bestPri) = (l, pri);
        }
        return best;
    }

    /// <summary>What <see cref="ClaimSwapin"/> found.</summary>
    internal enum SwapinClaim
    {
        /// <summary>L_INMEM is set: nothing to swap in.</summary>
        Resident,

        /// <summary>Another path has marked the swap-in its own (L_SWAPPINGIN).</summary>
        UnderWay,

        /// <summary>The caller has marked the swap-in its own; <see cref="MakeResident"/> clears the mark and wakes the waiters.</summary>
        Mine,
    }

    /// <summary>
    /// The default's one swap-in of an LWP at a time (<see cref="Lwp.SwappingIn"/>, as FreeBSD's
    /// P_SWAPPINGIN; the 2003-04 text, <see cref="Switches.PholdSwapinUnlocked"/>, has no mark):
    /// under sched_lock, the LWP is resident, being swapped in by another path, or now the
    /// caller's to swap in. proc0 and PHOLD() (<see cref="Exit.ProcfsRegs"/>) both ask here.
    /// </summary>
    internal static SwapinClaim ClaimSwapin(Kernel k, KernelThread self, Lwp l)
    {
        k.SchedLock.Acquire(self);
        var claim = l.InMemory ? SwapinClaim.Resident : l.SwappingIn ? SwapinClaim.UnderWay : SwapinClaim.Mine;
        if (claim == SwapinClaim.Mine) l.SwappingIn = true;
        k.SchedLock.Release(self);
        return claim;
    }

    /// <summary>uvm_swapin(l), second half: cpu_swapin(); SCHED_LOCK { setrunqueue if LSRUN; set L_INMEM }; l_swtime = 0.</summary>
    public static void MakeResident(Kernel k, KernelThread self, Lwp l)
    {
        k.SchedLock.Acquire(self);
        if (l.Stat == LwpStat.Run && !k.Config.Has(Switches.SwapinSkipsSetrunqueue)) Scheduler.SetRunQueue(k, l);
        if (!k.Config.Has(Switches.SwapinSetsInMemAfterUnlock)) l.InMemory = true;
        bool waiters = l.SwappingIn; // the default's one swap-in at a time: done, wake a PHOLD() that waits
        l.SwappingIn = false;
        k.SchedLock.Release(self);
        if (waiters) Tsleep.Wakeup(k, self, l.SwapinChannel);
        if (k.Config.Has(Switches.SwapinSetsInMemAfterUnlock)) l.InMemory = true;
        l.SwTime = 0;
        k.Uvmexp.Swapins++;
    }
}
