using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// Process exit before the 2004 rework (kern_exit.c rev 1.121, 2003): exit1() tears down what it
/// can without the VM, marks the process SDEAD and the LWP LSDEAD and detached under the proclist
/// write lock, clears curlwp and calls cpu_exit(l, 1); the MD code switches away and calls exit2(),
/// which queues the process on deadprocs and (lwp_exit2) the LWP on deadlwp and wakes the reaper.
/// The reaper (<see cref="Threads.ReaperThread"/>) frees the u-area (uvm_lwp_exit: uvm_km_free,
/// sleeps) and the vmspace (uvm_proc_exit: uvmspace_free, sleeps), and only then makes the process
/// a zombie and wakes the parent. There is no u-area cache in this design (approx.: the cache came
/// with the rework). Locks: proclist (write), sched_lock, deadproc_slock, kernel_map.
/// </summary>
public static class ReaperExit
{
    /// <summary>exit1() of the last LWP of a process, reaper design.</summary>
    public static IEnumerable<Step> Exit1(Kernel k, Lwp l)
    {
        var p = l.Proc;

        // exit1(): P_WEXIT, then p->p_ru = pool_get(&rusage_pool, PR_WAITOK), which may sleep
        // (the big lock released there); then the vfork() parent woken early (P_PPWAIT, kern_exit.c 1.121).
        p.Exiting = true;
        LwpExit.CpuThreadOf(l).MaySleep();
        yield return Step.Ran("exit1");

        // No sleep or unlock between this and exit_lwps() (or fdfree()): the start of that step.
        ProcessFork.VforkDone(k, LwpExit.CpuThreadOf(l), p);

        // exit_lwps(): the reaper makes the other LWPs zombies.
        if (p.Nlwps > 1) // exit1(): if (sa || p->p_nlwps > 1) exit_lwps(l)
            foreach (var s in LwpExit.ExitLwps(k, l)) yield return s;
        foreach (var s in LwpExit.DrainRefs(l)) yield return s;

        // "Close open files and release open-file table. This may block!" (fdfree(), cwdfree()):
        // mi_switch() would release the big lock there.
        LwpExit.CpuThreadOf(l).MaySleep();
        yield return Step.Ran("exit1: fdfree");

        // exit1(): orphans to init; proclist_lock_write { SDEAD; LSDEAD; onto zombproc; off alllwp;
        // L_DETACHED }; sigactsfree; curlwp = NULL; limfree. "WE ARE NO LONGER ALLOWED TO SLEEP".
        foreach (var s in Proclist.LockWrite(k, l.CpuThreadOf, "exit1")) yield return s;
        var self = LwpExit.CpuThreadOf(l);
        LwpExit.ReparentChildren(k, self, p);
        p.Stat = ProcStat.Dead;
        p.Relist(k.ProcListLock, ProcList.ZombProc, hashed: false); // LIST_REMOVE(p, p_hash); off allproc, onto zombproc
        l.Detached = true;
        LwpExit.SetDead(k, self, l);
        Proclist.UnlockWrite(k, self);
        // 1.121: KNOTE(NOTE_EXIT), then the P_NOCLDWAIT test and proc_reparent() after the
        // proclist section, with no lock but the big one; the reaper later wakes p_pptr, init.
        LwpExit.NotifyInitInstead(k, self, p);
        yield return Step.Ran("exit1: SDEAD");

        foreach (var s in LwpExit.CpuExit(k, l, processExit: true)) yield return s;
    }

    /// <summary>
    /// exit2(l) for a process exit (deadprocs), then lwp_exit2(l) (deadlwp), each under
    /// deadproc_slock, then wakeup(&amp;deadprocs). Called by the MD code after switching away.
    /// kern_exit.c 1.121 takes deadproc_slock twice, with nothing held between; the default model
    /// queues both in one hold (switch <c>reaper-two-sections</c>: the text's two).
    /// </summary>
    internal static IEnumerable<Step> Exit2(Kernel k, KernelThread self, Lwp l, bool processExit)
    {
        var lists = k.ProcLists;
        bool twoSections = k.Config.Has(Switches.ReaperTwoSections);
        lists.DeadprocLock.Acquire(self);
        if (processExit)
        {
            // exit2(): SLIST_INSERT_HEAD(&deadprocs, p, p_dead); "lwp_exit2() will wake up deadproc for us."
            if (!k.Config.Has(Switches.Exit2SkipsDeadprocs)) lists.QueueDeadProc(l.Proc); // exit2-skips-deadprocs
            if (twoSections)
            {
                lists.DeadprocLock.Release(self);
                yield return Step.Ran("exit2");
                lists.DeadprocLock.Acquire(self);
            }
        }
        // lwp_exit2(): LIST_INSERT_HEAD(&deadlwp, l, l_list); wakeup(&deadprocs).
        lists.QueueDeadLwp(l);
        lists.DeadprocLock.Release(self);
        Tsleep.Wakeup(k, self, ProcLists.Deadprocs);
        yield return Step.Ran(processExit && !twoSections ? "exit2" : "lwp_exit2");
    }

    /// <summary>
    /// The reaper's work on a dead LWP: cpu_wait(); uvm_lwp_exit() (2003: uvm_fault_unwire() and
    /// uvm_km_free() of the u-area, each may sleep; then L_INMEM off, l_addr = NULL); LSZOMB; a detached LWP leaves p_lwps and is
    /// pool_put, another is counted in p_nzlwps and exit_lwps() is woken.
    /// </summary>
    internal static IEnumerable<Step> ReapLwp(Kernel k, Threads.ReaperThread self, Lwp l)
    {
        // reaper(): deadproc_slock dropped; KERNEL_PROC_LOCK; cpu_wait(l).
        yield return Step.Ran("reaper: cpu_wait");
        // uvm_lwp_exit() (uvm_glue.c 1.44.2.2): uvm_fault_unwire() of the u-area (kernel_map's read
        // lock, which may sleep; the pages go to the active queue, pageable), uvm_km_free(kernel_map,
        // l_addr, USPACE) (vm_map_lock, uvm_km_pgremove(): may sleep), and only then L_INMEM off and
        // l_addr = NULL. Until session 35 the model cleared L_INMEM first and freed the pages still
        // wired, so the pagedaemon never saw a dead LWP's u-area page pageable (found by a review).
        if (l.Uarea is { } u)
        {
            foreach (var s in UareaWiring.Unwire(k, self, l, u)) yield return s;
            foreach (var s in KernelMem.FreeUarea(k, self.AsSelf, u)) yield return s;
        }
        l.ClearInMemoryUnlocked();
        l.Uarea = null;
        // reaper(): l_stat = LSZOMB; detached: off p_lwps, pool_put; else p_nzlwps++, wakeup(&p->p_nlwps).
        l.BecomeZombieUnlocked();
        if (l.Detached)
        {
            l.Proc.LwpList.Remove(l);
            if (!k.Config.Has(Switches.ReaperSkipsNlwps)) l.Proc.Nlwps--; // reaper-skips-nlwps
            l.Free("reaper");
            foreach (var s in ProcessWait.PutLwp(k, self.AsSelf, l)) yield return s;
        }
        else
        {
            l.Proc.Nzlwps++;
            if (!k.Config.Has(Switches.ReaperSkipsNlwpsWakeup)) Tsleep.Wakeup(k, self, ProcLists.NlwpsOf(l.Proc)); // reaper-skips-nlwps-wakeup
        }
        self.KernelProcUnlock();
        yield return Step.Ran("reaper: LSZOMB");
    }

    /// <summary>
    /// The reaper's work on a dead process: uvm_proc_exit() (uvmspace_free(), may sleep); p_stat =
    /// SZOMB; psignal and wakeup(parent). From here the parent may reap it.
    /// </summary>
    internal static IEnumerable<Step> ReapProc(Kernel k, Threads.ReaperThread self, Proc p)
    {
        // reaper(): uvm_proc_exit(p): uvmspace_free(p->p_vmspace), which may sleep at the last
        // reference (uvm_glue.c 1.44.2.2 of the nathanw_sa branch, merged in January 2003: the
        // reaper's process no longer runs, so p_vmspace is left naming the freed vmspace, and
        // pfind() no longer returns an SDEAD process).
        yield return Step.Ran("reaper: uvm_proc_exit");
        p.VmspaceReleased = true;
        foreach (var s in KernelMem.UvmspaceFree(k, self.AsSelf, p.Vmspace)) yield return s;
        // reaper(): p_stat = SZOMB ("now a true zombie"); psignal and wakeup(p->p_pptr).
        p.Stat = ProcStat.Zomb;
        if (!k.Config.Has(Switches.ReaperTwoSections))
        {
            LwpExit.WakeParent(k, self, p);
            yield return Step.Ran("reaper: SZOMB");
            yield break;
        }
        // psignal(p->p_pptr, ...) under the big lock; KERNEL_PROC_UNLOCK(curlwp); then
        // wakeup((caddr_t)p->p_pptr), which reads p after the unlock: its parent may have freed it.
        self.KernelProcUnlock();
        p.ParentWakeupOwed = true;
        yield return Step.Ran("reaper: SZOMB");
        LwpExit.WakeParent(k, self, p);
        yield return Step.Ran("reaper: wakeup(p->p_pptr)");
    }
}
