using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// Process exit after the 2004 rework (jdolecek, 2004-01-04; kern_exit.c exit1() as in the
/// following revisions, kern_lwp.c lwp_exit2(), uvm_glue.c uvm_proc_exit()/uvm_lwp_exit()): the
/// exiting LWP frees what may block in its own context — exit_lwps() and uvm_uarea_drain(FALSE),
/// uvm_proc_exit() (borrow proc0's vmspace, then uvmspace_free()), cpu_lwp_free(), "THIS IS LAST
/// BLOCKING OPERATION" — then, under the proclist write lock, makes the process a zombie, detaches
/// the LWP and wakes the parent, and switches away in cpu_exit(). lwp_exit2() never blocks: it
/// caches the u-area and frees the detached LWP. Locks: proclist (write), sched_lock,
/// uvm_uareas_slock, kernel_map (inside uvmspace_free). fdfree()/cwdfree() ("This may block!") are a
/// step that may sleep (the big lock goes after it); left out: what they free, sessions, ktrace,
/// signals and rusage.
/// </summary>
public static class ProcessExit
{
    /// <summary>exit1() of the last LWP of a process, 2004 design.</summary>
    public static IEnumerable<Step> Exit1(Kernel k, Lwp l)
    {
        var p = l.Proc;
        // One delegate for the whole path, the LWP's own: a method group converted at each call allocates one per call.
        var selfOf = l.CpuThreadOf;

        // exit1(): P_WEXIT first, then p->p_ru = pool_get(&rusage_pool, PR_WAITOK), which may
        // sleep: mi_switch() would release the big lock there (kern_exit.c 1.121 and later texts).
        p.Exiting = true;
        selfOf().MaySleep();
        yield return Step.Ran("exit1");

        // "If parent is waiting for us to exit or exec, P_PPWAIT is set; we wake up the parent
        // early to avoid deadlock"; p_stat = SDYING. Mutation: the zombie is published here instead.
        // No sleep or unlock lies between this and exit_lwps()' wake loop (or fdfree() when the LWP
        // is alone), so it is the start of that step, not a step of its own.
        ProcessFork.VforkDone(k, selfOf(), p);
        if (k.Config.Has(Switches.ExitZombieBeforeTeardown))
        {
            p.Stat = ProcStat.Zomb;
            LwpExit.WakeParent(k, selfOf(), p);
        }
        else p.Stat = ProcStat.Dying;

        // exit_lwps(); uvm_uarea_drain(FALSE): "Collect thread u-areas".
        if (p.Nlwps > 1) // exit1(): if (sa || p->p_nlwps > 1) exit_lwps(l)
        {
            foreach (var s in LwpExit.ExitLwps(k, l)) yield return s;
            foreach (var s in k.Uareas.Drain(k, selfOf, empty: false)) yield return s;
        }
        foreach (var s in LwpExit.DrainRefs(l)) yield return s;

        // "Close open files and release open-file table. This may block!" (fdfree(), cwdfree(); with
        // ttywait() and acct_process() the model leaves them out): mi_switch() would release the big
        // lock there, so other CPUs may run before the vmspace goes.
        selfOf().MaySleep();
        yield return Step.Ran("exit1: fdfree");

        // uvm_proc_exit(): pmap_deactivate; p_vmspace = proc0's; pmap_activate; uvmspace_free(old):
        // --vm_refcnt, and at 0 the teardown, which may sleep.
        var old = p.Vmspace;
        if (!k.Config.Has(Switches.Exit1KeepsPVmspace)) p.Vmspace = k.ProcLists.Proc0Vmspace; // exit1-keeps-p-vmspace
        if (!k.Config.Has(Switches.Exit1SkipsPmapDeactivate)) l.CurCpu!.Vmspace = k.ProcLists.Proc0Vmspace; // exit1-skips-pmap-deactivate
        p.VmspaceReleased = true;
        var teardown = KernelMem.UvmspaceFree(k, selfOf, old);
        yield return Step.Ran("uvm_proc_exit");
        foreach (var s in teardown) yield return s;

        // cpu_lwp_free(l, 1): MD resources, the last operation that may block; pmap_deactivate(l).
        yield return Step.Ran("cpu_lwp_free");

        // exit1(): proclist_lock_write { orphans to init; SZOMB; LIST_REMOVE(l, l_list/l_sibling);
        // L_DETACHED; LSDEAD }; curlwp = NULL; unlock; wakeup(parent). From here the parent may reap.
        foreach (var s in Proclist.LockWrite(k, selfOf, "exit1")) yield return s;
        var self = selfOf();
        LwpExit.ReparentChildren(k, self, p);
        p.Stat = ProcStat.Zomb;
        p.Relist(k.ProcListLock, ProcList.ZombProc, hashed: k.Config.Has(Switches.Exit1LeavesPidHash)); // exit1-leaves-pid-hash; // LIST_REMOVE(p, p_hash); off allproc, onto zombproc
        if (!k.Config.Has(Switches.Exit1LeavesLwpOnPLwps)) // exit1-leaves-lwp-on-p-lwps: LIST_REMOVE(l, l_sibling) skipped
        {
            p.LwpList.Remove(l);
            p.Nlwps--;
        }
        l.Detached = true;
        LwpExit.SetDead(k, self, l);
        if (!k.Config.Has(Switches.NocldwaitToInitAfterUnlock)) LwpExit.NotifyInitInstead(k, self, p); // P_NOCLDWAIT: to init, inside the proclist section (1.162.2.1)
        Proclist.UnlockWrite(k, self);
        LwpExit.WakeParent(k, self, p);
        yield return Step.Ran("exit1: SZOMB");

        foreach (var s in LwpExit.CpuExit(k, l, processExit: true)) yield return s;
    }

    /// <summary>
    /// lwp_exit2(), called by cpu_exit() on the idle PCB: uvm_lwp_exit(); then pool_put() if the LWP
    /// is detached, else LSZOMB and wakeup(&amp;p->p_nlwps) for exit_lwps()/lwp_wait1(). Never blocks —
    /// unless the mutation frees the u-area the pre-rework way, with uvm_km_free().
    /// </summary>
    internal static IEnumerable<Step> LwpExit2(Kernel k, KernelThread self, Lwp l)
    {
        // nocldwait-to-init-after-unlock: exit1()'s proc_reparent(p, initproc) moved here, past KERNEL_PROC_UNLOCK.
        if (k.Config.Has(Switches.NocldwaitToInitAfterUnlock) && l.Proc.Stat == ProcStat.Zomb) LwpExit.NotifyInitInstead(k, self, l.Proc);
        if (k.Config.Has(Switches.ExitSleepAfterSwitch) && l.Uarea is { } u)
        {
            // Mutation: the blocking uvm_lwp_exit() of before the rework (L_INMEM off; uvm_km_free).
            l.ClearInMemoryUnlocked();
            foreach (var s in FreeUareaBlocking(k, self, u)) yield return s;
            l.Uarea = null;
        }
        else if (l.Uarea is not null) UvmLwpExit(k, self, l);
        if (l.Detached)
        {
            l.Free("lwp_exit2");
            if (k.Config.Has(Switches.LwpExit2TouchesFreedLwp)) l.BecomeZombieUnlocked();
        }
        else
        {
            l.BecomeZombieUnlocked();
            if (!k.Config.Has(Switches.LwpExit2SkipsNzlwps)) l.Proc.Nzlwps++; // lwp-exit2-skips-nzlwps
            Tsleep.Wakeup(k, self, ProcLists.NlwpsOf(l.Proc));
        }
        yield return Step.Ran("lwp_exit2");
        // lwp_exit2(): "Nobody waits for detached LWPs": pool_put(&lwp_pool, l), which does not sleep.
        if (l.Detached && !k.Config.Has(Switches.LwpExit2SkipsPoolPut))
            foreach (var s in ProcessWait.PutLwp(k, self.AsSelf, l)) yield return s;
    }

    /// <summary>uvm_km_free() of the u-area by the mutation above.</summary>
    private static IEnumerable<Step> FreeUareaBlocking(Kernel k, KernelThread self, Uarea u) =>
        KernelMem.FreeUarea(k, self.AsSelf, u);

    /// <summary>uvm_lwp_exit() (2004): L_INMEM off; uvm_uarea_free() links the still-wired u-area on the free list; l_addr = NULL. Never blocks.</summary>
    internal static void UvmLwpExit(Kernel k, KernelThread self, Lwp l)
    {
        l.ClearInMemoryUnlocked();
        k.Uareas.Free(self, l.Uarea!);
        if (k.Config.Has(Switches.LwpExitCachesUnwiredUarea))
        {
            // Mutation: the u-area unwired as if it were being freed, yet cached for reuse.
            l.Uarea!.Wired = false;
            k.Vm.PageQueueLock.Acquire(self);
            PhysMem.UnwireUareaPages(k, l.Uarea);
            k.Vm.PageQueueLock.Release(self);
        }
        if (!k.Config.Has(Switches.LwpExitKeepsLaddr)) l.Uarea = null; // lwp-exit-keeps-laddr
    }
}
