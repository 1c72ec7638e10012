using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Threads;

namespace Uvm.Model.Exit;

/// <summary>
/// What both exit designs share (kern_exit.c, kern_lwp.c of 2003-2004): the choice between
/// lwp_exit() and exit1() when an LWP runs off the end of its program, lwp_exit() itself,
/// exit_lwps() collecting the other LWPs, orphans going to init, and the MD cpu_exit() that switches
/// away from the dead LWP and then calls lwp_exit2()/exit2(). The design-specific halves are
/// <see cref="ProcessExit"/> (2004 rework) and <see cref="ReaperExit"/> (reaper). Locks: proclist
/// (write) and sched_lock, each taken and dropped inside one step. sys_exit() with live sibling
/// LWPs goes through exit_lwps()'s wake loop and the userret hook (<see cref="SysExit"/>). Left
/// out: signals but the stop signals (<see cref="Sched.Signals"/>), exit_lwps()'s wakeup of
/// LSSUSPENDED and LSSTOP siblings (kern_exit.c 1.121 also setrunnable()s an LSSTOP sibling, which
/// then leaves issignal() past its stopped-process test; no workload stops a process one of whose
/// LWPs exits), the rusage and accounting work. (A vfork child's
/// P_PPWAIT is cleared in the design's exit1() step: <see cref="ProcessFork.VforkDone"/>.)
/// </summary>
public static class LwpExit
{
    /// <summary>Why lwp_wait1() reads its siblings' l_stat without sched_lock.</summary>
    private const string WaitForZombies = "lwp_wait1(): LIST_FOREACH(l2, &p->p_lwps) ... if (l2->l_stat == LSZOMB), under the kernel lock, as lwp_exit2() sets LSZOMB";

    /// <summary>Why the 2003-04 lwp_exit() loads p_nrlwps without sched_lock (switch pr29652).</summary>
    private const string Lwplock = "lwp_exit(): p->p_nrlwps-- under simple_lock(&p->p_lwplock), not sched_lock (kern_lwp.c 1.4)";

    /// <summary>Why lwp_exit() reads its siblings' state without sched_lock.</summary>
    private const string LastLwp = "lwp_exit(): if (p->p_nlwps - p->p_nzlwps == 1), read under the kernel lock without sched_lock";

    /// <summary>
    /// An LWP ran off its program. lwp_exit() calls exit1() when it is the last live LWP of its
    /// process. The 2003-04 kernel tests <c>p->p_nlwps - p->p_nzlwps == 1</c> (kern_lwp.c 1.4), and
    /// p_nzlwps counts a sibling only once lwp_exit2() or the reaper has made it LSZOMB, after
    /// its switch away: a sibling that is LSDEAD, between its lwp_exit() and then, still counts as
    /// live, and if it is itself deciding so, neither calls exit1() (switch
    /// <see cref="Switches.LwpExitCountsDyingSibling"/>, found by the checker). The default kernel
    /// runs the later fix (kern_lwp.c 1.40.2.2, 2006: "We are not quite a zombie yet, but for
    /// accounting purposes we must increment the count of zombies here", p_nzlwps++ before the
    /// test): a sibling counts as gone from its lwp_exit() decision on (<see cref="Lwp.ExitCounted"/>),
    /// though it may yet wait for proclist_lock before it is LSDEAD.
    /// </summary>
    public static IEnumerable<Step> Run(Kernel k, Lwp l)
    {
        var p = l.Proc;
        // kern_lwp.c 1.4: if ((p->p_nlwps - p->p_nzlwps) == 1 && !(p->p_flag & P_WEXIT)), the counts
        // read without a lock; the default (1.40.2.2) counts a sibling past its lwp_exit() as gone.
        bool last = !p.Exiting && (k.Config.Has(Switches.LwpExitCountsDyingSibling)
            ? p.Nlwps - p.Nzlwps == 1
            : !OtherLiveLwp(p, l));
        // 1.40.2.2: "p->p_nzlwps++" in the section of the test, so the LWP counts as gone from here
        // on, though it may yet wait for proclist_lock or drain procfs references (ExitCounted).
        if (!last) l.ExitCounted = true;
        var path = !last ? LwpExitNotLast(k, l)
            : k.Config.ExitDesign == ExitDesign.Reaper ? ReaperExit.Exit1(k, l) : ProcessExit.Exit1(k, l);
        foreach (var s in path) yield return s;
    }

    /// <summary>
    /// sys_exit() (kern_exit.c 1.121): "Don't call exit1() multiple times in the same process":
    /// lwp_exit() if P_WEXIT is set already, else exit1() of the whole process, which gets the
    /// other LWPs out through exit_lwps().
    /// </summary>
    public static IEnumerable<Step> SysExit(Kernel k, Lwp l) =>
        l.Proc.Exiting ? LwpExitNotLast(k, l)
            : k.Config.ExitDesign == ExitDesign.Reaper ? ReaperExit.Exit1(k, l) : ProcessExit.Exit1(k, l);

    /// <summary>
    /// Some other LWP of <paramref name="p"/> is neither LSZOMB nor LSDEAD: the 2006 test, in which
    /// an LWP counts as a zombie from its lwp_exit() on (a loop over p_lwps: no closure per exit).
    /// </summary>
    private static bool OtherLiveLwp(Proc p, Lwp l)
    {
        var lwps = p.LwpList;
        for (int i = 0; i < lwps.Count; i++)
        {
            if (lwps[i] == l) continue;
            var stat = lwps[i].StatUnderKernelLock(LastLwp);
            if (stat is not (LwpStat.Zomb or LwpStat.Dead) && !lwps[i].ExitCounted) return true;
        }
        return false;
    }

    /// <summary>
    /// The CPU thread that runs <paramref name="l"/> now (its l_cpu): the thread of that CPU, which
    /// the CPU names (<see cref="Cpu.Thread"/>), rather than a walk over every thread: the paths of
    /// fork, wait4 and exit ask it at every lock try and in most of their steps (<c>selfOf</c>).
    /// </summary>
    public static KernelThread CpuThreadOf(Lwp l)
    {
        if (l.CurCpu is { Thread: CpuThread t }) return t;
        throw new InvalidOperationException($"{l} runs on no CPU thread");
    }

    /// <summary>lwp_exit(): off alllwp (proclist write lock); SCHED_LOCK { p_nrlwps--; LSDEAD }; then cpu_exit().</summary>
    private static IEnumerable<Step> LwpExitNotLast(Kernel k, Lwp l)
    {
        foreach (var s in DrainRefs(l)) yield return s;
        bool locked = !k.Config.Has(Switches.LwpExitUnlinksWithoutProclist); // lwp-exit-unlinks-without-proclist
        if (locked)
            foreach (var s in Proclist.LockWrite(k, l.CpuThreadOf, "lwp_exit")) yield return s;
        var self = CpuThreadOf(l);
        SetDead(k, self, l);
        if (locked) Proclist.UnlockWrite(k, self);
        yield return Step.Ran("lwp_exit");
        foreach (var s in CpuExit(k, l, processExit: false)) yield return s;
    }

    /// <summary>
    /// lwp_drainrefs() (kern_lwp.c of 2007; exit1()'s drain of p_reflock does the same for the last
    /// LWP): the exiting LWP waits until no procfs reader holds a reference to it
    /// (<see cref="ProcfsRegs"/>); each reader's lwp_delref() wakes it. The 2003-04 kernel has no
    /// such wait, and its readers take no reference (<see cref="Switches.ProcfsHoldOutlivesExit"/>).
    /// </summary>
    internal static IEnumerable<Step> DrainRefs(Lwp l)
    {
        if (l.RefCount == 0) yield break;
        // lwp_exit() has counted itself a zombie already (Run's ExitCounted, the p_nzlwps++ before
        // the drain), so a sibling exiting meanwhile sees it gone and calls exit1() as the last LWP.
        l.Draining = true;
        while (l.RefCount > 0) yield return Step.Sleep("lwp_drainrefs", l.RefsChannel);
        l.Draining = false;
    }

    /// <summary>
    /// LIST_REMOVE(l, l_list) off alllwp (the caller holds proclist_lock), then l_stat = LSDEAD and
    /// curlwp = NULL under sched_lock: the LWP is no longer a proper LWP but its
    /// CPU still runs on its stack until cpu_exit() (exit1() clears curlwp here; lwp_exit() leaves it
    /// to cpu_exit(), approx.).
    /// </summary>
    internal static void SetDead(Kernel k, KernelThread self, Lwp l)
    {
        var cpu = l.CurCpu!;
        // pr29652: the 2003-04 text counts the LWP out under p_lwplock alone (kern_lwp.c 1.4,
        // "simple_lock(&p->p_lwplock); p->p_nrlwps--; simple_unlock(&p->p_lwplock);"), so its load
        // may miss a sibling's ltsleep() or setrunnable() that another CPU just stored under
        // sched_lock; kern_lwp.c 1.30 and kern_exit.c 1.151 (2005) moved it under sched_lock.
        bool unlockedCount = k.Config.Has(Switches.Pr29652) && !k.Config.Has(Switches.LwpExitSkipsNrlwps);
        // (The load is made first in the step: the unlink below stores nothing it reads, and a
        // racy read sees the last section's stores only until this step stores its own.)
        int seen = unlockedCount ? l.Proc.RacyNrlwps(Lwplock) : 0;
        l.UnlinkFromAllLwp(k.ProcListLock);
        if (unlockedCount) l.Proc.SetNrlwpsUnderLwplock(seen - 1);
        k.SchedLock.Acquire(self);
        l.Stat = LwpStat.Dead;
        if (!unlockedCount && !k.Config.Has(Switches.LwpExitSkipsNrlwps)) l.Proc.Nrlwps--; // lwp_exit(), exit1(): p_nrlwps-- with LSDEAD (lwp-exit-skips-nrlwps)
        cpu.Current = null;
        cpu.Exiting = l;
        k.SchedLock.Release(self);
    }

    /// <summary>
    /// exit_lwps(): make the interruptible sleepers among the other LWPs runnable and set the
    /// userret hook that sends each to lwp_exit() (<see cref="InterruptSleepers"/>), then wait
    /// (lwp_wait1, sleeping on &amp;p->p_nlwps) until they are zombies, and collect them: off
    /// p_lwps, pool_put. Their u-areas went when they exited.
    /// </summary>
    internal static IEnumerable<Step> ExitLwps(Kernel k, Lwp l)
    {
        var p = l.Proc;
        // No lock is dropped between the wake loop and lwp_wait1()'s first test: one section.
        InterruptSleepers(k, l);
        if (k.Config.Has(Switches.ExitLwpsClearsHookEarly)) p.ExitHook = false; // exit-lwps-clears-hook-early
        // Loops rather than Exists/FindAll with lambdas over l: those built two delegates per round.
        while (p.Nlwps > 1) // exit_lwps(): while (p->p_nlwps > 1) lwp_wait1(...)
        {
            var zombies = OtherZombies(p.LwpList, l);
            if (zombies is null)
            {
                yield return Step.Sleep("lwp_wait1", ProcLists.NlwpsOf(p));
                continue;
            }
            foreach (var z in zombies)
            {
                p.LwpList.Remove(z);
                p.Nlwps--; // lwp_wait1(): LIST_REMOVE(l2, l_sibling); p_nlwps--; p_nzlwps--
                if (!k.Config.Has(Switches.LwpWait1SkipsNzlwps)) p.Nzlwps--; // lwp-wait1-skips-nzlwps
                z.Free("lwp_wait1");
                if (k.Config.Has(Switches.LwpWaitTouchesFreedZombie) && z.StatUnderKernelLock(WaitForZombies) != LwpStat.Zomb)
                    throw new KernelPanicException("lwp_wait1", $"{z} is not LSZOMB");
            }
            yield return Step.Ran("lwp_wait1");
            // lwp_wait1(): pool_put(&lwp_pool, l2) of each zombie it took off p_lwps (kern_lwp.c).
            foreach (var z in zombies)
                foreach (var s in ProcessWait.PutLwp(k, l.CpuThreadOf, z)) yield return s;
        }
        p.ExitHook = false; // p->p_userret = NULL
    }

    /// <summary>
    /// exit_lwps()'s first part: <c>p->p_userret = lwp_exit_hook</c>, then for each other LWP,
    /// "Interrupt LWPs in interruptable sleep": <c>if (l2->l_stat == LSSLEEP &amp;&amp; (l2->l_flag
    /// &amp; L_SINTR)) setrunnable(l2)</c> under SCHED_LOCK (LSSUSPENDED and LSSTOP, SA's cached
    /// LWPs and L_SA_WANTS_VP are not modelled). The default tests l_stat under sched_lock, as
    /// kern_exit.c does from 1.149 (2005); kern_exit.c 1.121 (2003) tests it before SCHED_LOCK
    /// (switch <see cref="Switches.ExitLwpsTestsStatUnlocked"/>), so an LWP another CPU woke between
    /// the test and the lock is setrunnable()'d again: "setrunnable: lwp %p state was %d".
    /// </summary>
    private static void InterruptSleepers(Kernel k, Lwp l)
    {
        var p = l.Proc;
        var self = CpuThreadOf(l);
        p.ExitHook = true;
        p.ExitLwpsBegun = true;
        bool unlocked = k.Config.Has(Switches.ExitLwpsTestsStatUnlocked);
        var lwps = p.LwpList;
        for (int i = 0; i < lwps.Count; i++)
        {
            var l2 = lwps[i];
            if (l2 == l) continue;
            if (unlocked)
            {
                if (l2.RacyStat(ExitLwpsTest) != LwpStat.Sleep || !l2.Sintr) continue;
                k.SchedLock.Acquire(self);
            }
            else
            {
                k.SchedLock.Acquire(self);
                if (l2.Stat != LwpStat.Sleep || !l2.Sintr)
                {
                    k.SchedLock.Release(self);
                    continue;
                }
            }
            Scheduler.SetRunnable(k, l2);
            k.SchedLock.Release(self);
        }
    }

    /// <summary>Why exit_lwps() of 2003 reads its siblings' l_stat without sched_lock.</summary>
    private const string ExitLwpsTest = "exit_lwps() (kern_exit.c 1.121): if ((l2->l_stat == LSSLEEP && (l2->l_flag & L_SINTR)) || ...) before SCHED_LOCK(s)";

    /// <summary>The LSZOMB LWPs of <paramref name="lwps"/> other than <paramref name="l"/>, each l_stat read in order; null when there are none.</summary>
    private static List<Lwp>? OtherZombies(List<Lwp> lwps, Lwp l)
    {
        List<Lwp>? zombies = null;
        for (int i = 0; i < lwps.Count; i++)
            if (lwps[i] != l && lwps[i].StatUnderKernelLock(WaitForZombies) == LwpStat.Zomb) (zombies ??= []).Add(lwps[i]);
        return zombies;
    }

    /// <summary>exit1(): give orphaned children to init(8) (proc_reparent) and wake it if there are any.</summary>
    internal static void ReparentChildren(Kernel k, KernelThread self, Proc p)
    {
        if (p.Children.Count == 0 || k.Config.Has(Switches.ExitSkipsReparent)) return;
        var init = k.ProcLists.Init;
        foreach (var c in p.Children)
        {
            c.Parent = init;
            init?.ChildList.Add(c);
        }
        if (!k.Config.Has(Switches.ReparentLeavesChildOnOldList)) p.ChildList.Clear(); // reparent-leaves-child-on-old-list: LIST_REMOVE(child, p_sibling) skipped
        if (init is not null && !k.Config.Has(Switches.ReparentSkipsInitWakeup)) Tsleep.Wakeup(k, self, ProcLists.ChannelOf(init)); // reparent-skips-init-wakeup
    }

    /// <summary>
    /// exit1(): "Notify parent that we're gone. If parent has the P_NOCLDWAIT flag set, notify init
    /// instead (and hope it will handle this situation)": proc_reparent(p, initproc), and "If this
    /// was the last child of our parent, notify parent, so in case he was wait(2)ing, he will
    /// continue": wakeup(old parent) (kern_exit.c 1.121, after the proclist section; 1.162.2.1,
    /// inside it). The caller's WakeParent() then wakes init.
    /// </summary>
    internal static void NotifyInitInstead(Kernel k, KernelThread self, Proc p)
    {
        if (p.Parent is not { NoCldWait: true } q || k.ProcLists.Init is not { } init || q == init) return;
        q.ChildList.Remove(p);
        init.ChildList.Add(p);
        p.Parent = init;
        if (q.ChildList.Count == 0 && !k.Config.Has(Switches.NocldwaitSkipsLastChildWakeup)) // nocldwait-skips-last-child-wakeup
            Tsleep.Wakeup(k, self, ProcLists.ChannelOf(q));
    }

    /// <summary>wakeup(p->p_pptr): the parent may be asleep in wait4().</summary>
    internal static void WakeParent(Kernel k, KernelThread self, Proc p)
    {
        p.ParentWakeupOwed = false;
        if (p.Parent is { } parent && !k.Config.Has(Switches.ExitSkipsParentWakeup)) Tsleep.Wakeup(k, self, ProcLists.ChannelOf(parent));
    }

    /// <summary>
    /// cpu_exit(l): the MD code switches to the CPU's idle PCB and kernel pmap, leaving the dead
    /// LWP's stack and vmspace for good, and right after that calls lwp_exit2() (2004) or exit2()
    /// (reaper); the CPU then goes on to cpu_switch(). The exit mutations reverse this order here.
    /// </summary>
    internal static IEnumerable<Step> CpuExit(Kernel k, Lwp l, bool processExit)
    {
        // exit1(), lwp_exit(): "This LWP no longer needs to hold the kernel lock."
        // KERNEL_PROC_UNLOCK(l) before cpu_exit(): the big lock goes at the end of this step.
        l.KernelLockDropped = true;
        var cpu = l.CurCpu!;
        var self = CpuThreadOf(l);
        bool reaper = k.Config.ExitDesign == ExitDesign.Reaper;
        if (!reaper && k.Config.Has(Switches.ExitFreeUareaBeforeSwitch))
        {
            // Mutation: uvm_lwp_exit() while the CPU still runs on the u-area it puts on the free list.
            ProcessExit.UvmLwpExit(k, self, l);
            yield return Step.Ran("uvm_lwp_exit");
        }
        if (reaper && k.Config.Has(Switches.ExitReaperBeforeSwitch))
        {
            // Mutation: the reaper is told about the dead LWP while the CPU still runs on it.
            foreach (var s in ReaperExit.Exit2(k, self, l, processExit)) yield return s;
        }
        cpu.Stack = null;
        cpu.Vmspace = null;
        l.SwitchedAway = true;
        yield return Step.Ran("cpu_exit");
        if (!reaper)
        {
            foreach (var s in ProcessExit.LwpExit2(k, self, l)) yield return s;
        }
        else if (!k.Config.Has(Switches.ExitReaperBeforeSwitch))
        {
            foreach (var s in ReaperExit.Exit2(k, self, l, processExit)) yield return s;
        }
    }
}
