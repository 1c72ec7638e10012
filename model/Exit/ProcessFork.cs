using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Vm;

namespace Uvm.Model.Exit;

/// <summary>
/// fork1() of kern_fork.c with uvm_uarea_alloc() and uvm_lwp_fork() of uvm_glue.c (2004): under the
/// proclist write lock the child (SIDL, its LWP LSIDL) goes on allproc/alllwp and on its parent's
/// children, before anything that sleeps (the kernel links it there, "protect against others");
/// then the u-area comes from the free list if one is cached (still wired: L_INMEM is set at once),
/// else from uvm_km_alloc() (pageable; takes kernel_map's lock, may sleep); uvm_lwp_fork() wires
/// it only if !L_INMEM (uvm_fault_wire, page by page, <see cref="UareaWiring"/>); then the child
/// goes onto the run queue (sched_lock). The model ties the u-area to the LWP at once; the kernel
/// holds it in a local until newlwp() (approx.). The order is from the review of issue 18 and the
/// NetBSD 1.x fork1() (SIDL and p_children before uvm_fork()); kern_fork.c 1.111 (2003-09), read
/// since, allocates the u-area first and links the child on allproc only after newlwp() (a gap
/// listed in docs/fidelity.md); its PHOLD(l1) from before the wiring to after setrunqueue is
/// modelled. With pools on, the struct proc and struct lwp come from proc_pool and
/// lwp_pool first (pool_get PR_WAITOK, which may sleep for a page). Left out: uvmspace_fork() (no pages are modelled), credentials, limits, descriptors.
/// </summary>
public static class ProcessFork
{
    /// <summary>
    /// fork1() by <paramref name="l1"/>: a child process with one LWP running <paramref name="program"/>;
    /// with <paramref name="vfork"/>, fork1(FORK_PPWAIT | FORK_SHAREVM) of sys_vfork(): the child
    /// shares the parent's vmspace and <paramref name="l1"/> sleeps until the child execs or exits.
    /// </summary>
    public static IEnumerable<Step> Fork1(Kernel k, Lwp l1, IReadOnlyList<LwpOp> program, bool vfork = false)
    {
        // One delegate for the whole path, the LWP's own: a method group converted at each call allocates one per call.
        var selfOf = l1.CpuThreadOf;
        var p1 = l1.Proc;

        // fork1(): p2 = pool_get(&proc_pool, PR_WAITOK); newlwp(): l2 = pool_get(&lwp_pool, PR_WAITOK).
        int? procItem = null, lwpItem = null;
        // fork-allocates-under-proclist: proclist_lock_write() before the allocations.
        bool early = k.Config.Has(Switches.ForkAllocatesUnderProclist);
        if (early)
            foreach (var s in Proclist.LockWrite(k, selfOf, "fork1")) yield return s;
        if (k.Pools.Enabled)
        {
            foreach (var s in Pool.PoolOps.Get(k, selfOf, k.Pools.Proc, waitOk: true, v => procItem = v)) yield return s;
            foreach (var s in Pool.PoolOps.Get(k, selfOf, k.Pools.Lwp, waitOk: true, v => lwpItem = v)) yield return s;
        }
        // fork1(): proclist_lock_write { SIDL; onto allproc; p_pptr; onto the parent's children }.
        if (!early)
            foreach (var s in Proclist.LockWrite(k, selfOf, "fork1")) yield return s;
        // uvm_proc_fork(p1, p2, shared): uvmspace_share() (p2->p_vmspace = p1->p_vmspace;
        // vm_refcnt++) for vfork, else uvmspace_fork() (left out: a vmspace with its one reference).
        // The kernel calls it after PHOLD(l1); the model makes the child's vmspace with the child.
        Exit.ProcVmspace? shared = null;
        if (vfork)
        {
            shared = p1.Vmspace;
            shared.RefCount++;
        }
        var p2 = new Proc(k.Procs.Count + 1, system: false, k, shared) { Stat = ProcStat.Idl, Parent = p1, PoolItem = procItem };
        // "Inherit STOPFORK and STOPEXEC flags": p2->p_flag |= p1->p_flag & (P_STOPFORK | P_STOPEXEC) (kern_fork.c 1.111).
        bool stopFork = p1.StopFork;
        if (stopFork) p2.StopFork = true;
        k.Procs.Add(p2);
        k.Versions.Bump(StateDomain.VmRefs);
        // fork1(): if (flags & FORK_PPWAIT) p2->p_flag |= P_PPWAIT, before the child is on any list.
        // The later form also marks the waiting LWP itself (l1->l_vforkwaiting, p2->p_vforklwp).
        if (vfork)
        {
            p2.PpWait = true;
            if (!k.Config.Has(Switches.VforkWaitsOnChildFlag))
            {
                l1.VforkWaiting = true;
                p2.VforkLwp = l1;
            }
        }
        // LIST_INSERT_HEAD(&allproc, p2, p_list); LIST_INSERT_HEAD(PIDHASH(p2->p_pid), p2, p_hash) (fork-skips-pid-hash: not hashed)
        p2.Relist(k.ProcListLock, ProcList.AllProc, hashed: !k.Config.Has(Switches.ForkSkipsPidHash));
        var l2 = new Lwp(k.Lwps.Count + 1, p2, program, k) { PoolItem = lwpItem };
        l2.InitUnpublished(LwpStat.Idle, inMemory: false); // newlwp(): LSIDL, before it is on alllwp
        p2.LwpList.Add(l2);
        if (!k.Config.Has(Switches.NewlwpSkipsNlwps)) p2.Nlwps++; // newlwp-skips-nlwps; newlwp(): LIST_INSERT_HEAD(&p2->p_lwps, l2, l_sibling); p2->p_nlwps++
        k.LinkLwp(l2);
        p1.ChildList.Add(p2);
        Proclist.UnlockWrite(k, selfOf());
        // The model links the child first (the NetBSD 1.x order; kern_fork.c 1.111 links it later,
        // a gap listed in docs/fidelity.md), so what 1.111 allocates around its linking (pcred's
        // pool_get(PR_WAITOK), fdcopy(), cwdinit(), limcopy(), sigactsinit(), pstatscopy(),
        // uvm_proc_fork()'s uvmspace_fork(), newlwp()'s pool_get(&lwp_pool, PR_WAITOK)) comes after
        // this step here, and each may sleep: the big lock goes with the step (a session-37 audit of
        // the model's cuts).
        selfOf().MaySleep();
        yield return Step.Ran("fork1: SIDL");

        // uvm_uarea_alloc(): a cached u-area under uvm_uareas_slock (the cache is the rework's), else uvm_km_alloc().
        var cached = k.Config.ExitDesign == ExitDesign.Reaperless ? k.Uareas.TryPop(selfOf()) : null;
        if (cached is not null)
        {
            Attach(l2, cached, inMemory: !k.Config.Has(Switches.ForkWiresCachedUarea)); // fork-wires-cached-uarea
            yield return Step.Ran("uvm_uarea_alloc");
        }
        else
        {
            foreach (var s in KernelMem.AllocUarea(k, selfOf, u => Attach(l2, u, inMemory: false))) yield return s;
        }

        // fork1(): "This begins the section where we must prevent the parent from being swapped."
        // PHOLD(l1) (kern_fork.c 1.111), after the child is linked to its parent and before
        // uvm_proc_fork() and newlwp(), whose uvm_lwp_fork() wires the child's u-area and may sleep
        // for memory: a parent asleep there is no swapout candidate (Swapout.Swappable). PHOLD()
        // swaps a swapped-out LWP in first; l1 is running, so in memory.
        l1.HoldCount++;

        // uvm_lwp_fork(): if (!L_INMEM) uvm_fault_wire() the u-area, page by page.
        if (!l2.RacyInMemory("uvm_lwp_fork(): if ((l2->l_flag & L_INMEM) == 0) of the LSIDL child fork1() is building"))
        {
            foreach (var s in UareaWiring.Wire(k, selfOf, l2.Uarea!)) yield return s;
            l2.SetInMemoryWhileIdle(true);
            if (PagedaemonWakeup.Shortage(k)) PagedaemonWakeup.Wake(k);
        }

        // cpu_lwp_fork() (in newlwp(), after uvm_lwp_fork()): the child's PCB and kernel stack are
        // copied into its u-area, a store into each of its pages, which a later swapout and swapin
        // must bring back.
        for (int i = 0; i < Uvmexp.UspacePages; i++)
            if (k.Vm.KernelObject.MappedPage(PhysMem.UareaIndex(l2.Uarea!.Id, i)) is { } upage) Contents.Write(k, selfOf(), upage);

        // fork1(): SCHED_LOCK { SACTIVE; LSRUN; setrunqueue }, "except if the parent requested the
        // child to start in SSTOP state" (P_STOPFORK): then SSTOP and LSSTOP, off the run queue.
        var self = selfOf();
        if (!k.Config.Has(Switches.ForkLeavesProcIdle)) p2.Stat = stopFork ? ProcStat.Stop : ProcStat.Active; // fork-leaves-proc-idle
        // fork-asserts-idle-unlocked: KASSERT(l2->l_stat == LSIDL) before SCHED_LOCK.
        if (k.Config.Has(Switches.ForkAssertsIdleUnlocked) && l2.Stat != LwpStat.Idle)
            throw new KernelPanicException("fork1", $"{l2} is {l2.Stat}, not LSIDL");
        k.SchedLock.Acquire(self);
        // kern_fork.c 1.111: p2->p_nrlwps = 1 before the P_STOPFORK test, for a stopped child too
        // (pr26468); 1.116 (PR kern/26468) counts the stopped child's LWP out: p_nrlwps = 0.
        p2.Nrlwps = stopFork && !k.Config.Has(Switches.Pr26468) ? 0 : 1;
        l2.Stat = stopFork ? LwpStat.Stop : LwpStat.Run;
        bool late = !stopFork && k.Config.Has(Switches.ForkSetrunqueueAfterUnlock); // fork-setrunqueue-after-unlock
        if (!stopFork && !late) Scheduler.SetRunQueue(k, l2);
        k.SchedLock.Release(self);
        if (late) Scheduler.SetRunQueue(k, l2);
        // "Now can be swapped." PRELE(l1). fork-cached-uarea-keeps-phold: skipped when the u-area was cached.
        if (!(cached is not null && k.Config.Has(Switches.ForkCachedUareaKeepsPhold))) l1.HoldCount--;
        if (!vfork)
        {
            l1.ForkedPid = p2.Pid; // retval[0] = p2->p_pid
            yield return Step.Ran("fork1");
            yield break;
        }

        // "Preserve synchronization semantics of vfork. If waiting for child to exec or exit, set
        // P_PPWAIT on child, and sleep on our proc (in case of exit)": while (p2->p_flag &
        // P_PPWAIT) tsleep(p1, PWAIT, "ppwait", 0). Between PRELE(l1) and the first test 1.111 runs
        // only KNOTE(NOTE_FORK) and ktremul(), which the model leaves out (each may sleep with a
        // kqueue NOTE_TRACK or ktrace inherited, so there the child could even run and be
        // collected before the first test: kinder), so that test is part of this step and the
        // child has not run: it sleeps. The channel is wait4()'s, so the child's exit1() wakes it
        // twice (P_PPWAIT, then SZOMB) and every wakeup of the parent's wait4() sleepers wakes it
        // too; the later form keeps this channel (later NetBSD sleeps on the LWP's own l_waitcv).
        // After the loop 1.111 reads the child once more (retval[0] = p2->p_pid), in the same
        // section as the last test; the later text reads it before the loop.
        l1.VforkChild = p2;
        var channel = ProcLists.ChannelOf(p1);
        while (StillWaits(k, l1, p2))
        {
            yield return Step.Sleep("fork1: ppwait", channel);
            if (k.Config.Has(Switches.VforkWaitsOnce)) break; // vfork-waits-once: `if` for `while`
        }
        l1.VforkChild = null;
        l1.ForkedPid = p2.Pid; // retval[0] = p2->p_pid, read in the section of the last test
        if (k.Config.Has(Switches.VforkPrelesTwice)) l1.HoldCount--; // vfork-preles-twice: a second PRELE(l1)
        yield return Step.Ran("fork1: ppwait");
    }

    /// <summary>
    /// The test of fork1()'s vfork loop. kern_fork.c 1.111 (2003-09) reads the child's p_flag; by
    /// then a sibling LWP's wait4() may have freed the child (vfork-waits-on-child-flag). Later
    /// NetBSD waits on the parent LWP's own l_vforkwaiting, which the child clears with P_PPWAIT
    /// (the model's default).
    /// </summary>
    private static bool StillWaits(Kernel k, Lwp l1, Proc p2) =>
        k.Config.Has(Switches.VforkWaitsOnChildFlag) ? p2.PpWait : l1.VforkWaiting;

    /// <summary>
    /// execve() and exit1() of a vfork() child: "if (p->p_flag &amp; P_PPWAIT) { p->p_flag &amp;=
    /// ~P_PPWAIT; wakeup(p->p_pptr); }" (kern_exec.c, kern_exit.c 1.121: exit1() does it early, "to
    /// avoid deadlock", before it gives back the vmspace it shares with the parent); the later
    /// form also clears the waiting LWP's l_vforkwaiting.
    /// </summary>
    internal static void VforkDone(Kernel k, KernelThread self, Proc p)
    {
        if (!p.PpWait) return;
        p.PpWait = false;
        if (p.VforkLwp is { } l)
        {
            l.VforkWaiting = false;
            p.VforkLwp = null;
        }
        if (!k.Config.Has(Switches.VforkDoneSkipsWakeup)) Tsleep.Wakeup(k, self, ProcLists.ChannelOf(p.Parent!)); // vfork-done-skips-wakeup
    }
    /// <summary>newlwp(): l2->l_addr = the u-area; L_INMEM if it came wired from the cache.</summary>
    private static void Attach(Lwp l2, Uarea u, bool inMemory)
    {
        u.State = UareaState.InUse;
        u.Owner = l2;
        l2.Uarea = u;
        l2.SetInMemoryWhileIdle(inMemory);
    }
}
