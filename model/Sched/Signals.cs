using Uvm.Model.Core;
using Uvm.Model.Exit;

namespace Uvm.Model.Sched;

/// <summary>
/// Stop signals of the LWP era: sys_kill(), kpsignal1(), issignal(), proc_stop() and proc_unstop()
/// of kern_sig.c 1.153 (2003-09-14), with setrunnable(), sched_wakeup() and ltsleep() of
/// kern_synch.c 1.160.6.1 (2006; the 2003-04 text is not stored, and the LSSTOP handling there is
/// the nathanw_sa merge's). Locks: sched_lock around every l_stat, p_stat and p_nrlwps change, as
/// kpsignal1() (SCHED_LOCK after posting), issignal() and the callers of proc_stop() and
/// proc_unstop() (SCHED_ASSERT_LOCKED) hold it; the big lock around sys_kill(), which drops
/// proclist_lock between pfind() and kpsignal1(). What 1.153 does, and the model with it:
/// <list type="bullet">
/// <item>a stop signal to a process with an LWP running or runnable (p_nrlwps &gt; 0) is only
/// posted (signotify()); the first LWP to reach issignal() on its way back to user mode stops the
/// process: proc_stop() sets SSTOP, makes that LWP LSSTOP (p_nrlwps--) and setrunnable()s every
/// LWP asleep with L_SINTR, so that it stops in its own issignal(); the LSRUN ones are left on the
/// run queue (proc_stop()'s remrunqueue() branch is <c>#if 0</c>, "!!!UPS!!! FIX ME"), and each
/// stops itself at its userret();</item>
/// <item>to a process with no LWP running, kpsignal1() calls proc_stop() itself;</item>
/// <item>SIGCONT to a stopped process: proc_unstop() makes it SACTIVE, puts each LSSTOP LWP still
/// on a sleep queue (l_wchan set) back to LSSLEEP, and setrunnable()s the others: LSRUN,
/// p_nrlwps++, queued if L_INMEM, else wakeup(&amp;proc0) for uvm_scheduler() to swap it in;</item>
/// <item>an LWP stops in issignal() at userret() (<see cref="StopAtUserret"/>) and in ltsleep()
/// with PCATCH, whose CURSIG() comes after the LWP is on the sleep queue
/// (<see cref="Tsleep.SleepLwp"/>): it stops with l_wchan set, and a wakeup() while it is stopped
/// only takes it off the queue (sched_wakeup(): <c>if (l->l_stat == LSSLEEP) awaken(l)</c>).</item>
/// </list>
/// Left out: signal handlers, masks and SIGKILL (every action is SIG_DFL; SIGKILL would need
/// postsig()'s sigexit()), P_TRACED, SA processes, the SIGCHLD that child_psignal() sends the
/// parent (ignored by default: kpsignal1() drops it at once), the CURSIG() after ltsleep()'s
/// mi_switch() (a woken LWP of a stopped process goes on to its next ltsleep() or userret(), where
/// it stops), and a stop at the entry of the nanosleep() of a <see cref="SleepFor"/>.
/// </summary>
public static class Signals
{
    /// <summary>
    /// sys_kill(pid, signum) by <paramref name="l"/>: pfind() under proclist_lock_read (inside
    /// pfind() only), then kpsignal1() in a section of its own. ESRCH when no such process is
    /// alive (a zombie is off the pid hash). Pid 0 is the child the LWP's last fork() returned.
    /// </summary>
    public static IEnumerable<Step> SysKill(Kernel k, Lwp l, Kill kill)
    {
        var selfOf = l.CpuThreadOf;
        int pid = kill.Pid == 0 ? l.ForkedPid : kill.Pid;
        foreach (var s in Locks.Take(k.ProcListLock, selfOf, "sys_kill", "pfind: proclist_lock_read")) yield return s;
        var p = ProcLists.Pfind(k, pid);
        k.ProcListLock.Release(k, selfOf());
        if (p is null)
        {
            yield return Step.Ran("sys_kill: pfind: ESRCH");
            yield break;
        }
        yield return Step.Ran("sys_kill: pfind");
        Psignal(k, selfOf(), p, kill.Signal);
        yield return Step.Ran(kill.Signal == Sig.Stop ? "kpsignal1: SIGSTOP" : "kpsignal1: SIGCONT");
    }

    /// <summary>
    /// kpsignal1(p, signum, dolock = 1) of SIGSTOP or SIGCONT with the default action: post it,
    /// then under sched_lock stop or continue the process if none of its LWPs runs.
    /// </summary>
    public static void Psignal(Kernel k, KernelThread self, Proc p, Sig sig)
    {
        // "if (prop & SA_CONT) sigminusset(&stopsigmask, ...); if (prop & SA_STOP) sigminusset(&contsigmask, ...);
        // sigaddset(&p->p_sigctx.ps_siglist, signum)": a SIGCONT takes back a SIGSTOP not yet taken.
        if (sig == Sig.Stop) p.SigStopPending = true;
        else if (!k.Config.Has(Switches.ContLeavesStopPending)) p.SigStopPending = false; // cont-leaves-stop-pending
        k.SchedLock.Acquire(self);
        if (p.Nrlwps > 0 && p.Stat != ProcStat.Stop)
        {
            // "At least one LWP is running or on a run queue. The signal will be noticed when one
            // of them returns to userspace": signotify(p). A SIGCONT left pending is ignored there.
            k.SchedLock.Release(self);
            return;
        }
        if (p.Stat == ProcStat.Active)
        {
            // "When a sleeping process receives a stop signal, process immediately if possible",
            // unless "a child holding parent blocked" (P_PPWAIT: goto out, the signal stays posted).
            // A SIGCONT to a process that is not stopped: "we are finished; the process should not be awakened".
            if (sig == Sig.Stop && !p.PpWait)
            {
                p.SigStopPending = false;
                ProcStop(k, self, p, null);
            }
        }
        else if (p.Stat == ProcStat.Stop)
        {
            // SIGCONT: "we continue the process but don't leave the signal in ps_siglist"; a
            // second SIGSTOP: "Already stopped, don't need to stop again".
            if (sig == Sig.Cont) ProcUnstop(k, p);
            else p.SigStopPending = false;
        }
        else
        {
            k.SchedLock.Release(self);
            throw new KernelPanicException("psignal", $"Invalid process state {p.Stat} of {p}");
        }
        k.SchedLock.Release(self);
    }

    /// <summary>
    /// proc_stop(p), sched_lock held: SSTOP; the caller's own LWP (<paramref name="curlwp"/>, when
    /// it is one of p's) LSSTOP with p_nrlwps--; every LWP asleep with L_SINTR setrunnable()'d, to
    /// stop in its own issignal(); then sched_wakeup(p->p_pptr).
    /// </summary>
    private static void ProcStop(Kernel k, KernelThread self, Proc p, Lwp? curlwp)
    {
        p.Stat = ProcStat.Stop;
        var lwps = p.LwpList;
        for (int i = 0; i < lwps.Count; i++)
        {
            var l = lwps[i];
            if (l.Stat == LwpStat.OnProc && l == curlwp)
            {
                l.Stat = LwpStat.Stop;
                if (!k.Config.Has(Switches.IssignalSkipsNrlwps)) p.Nrlwps--; // issignal-skips-nrlwps
            }
            else if (l.Stat == LwpStat.Sleep && l.Sintr)
                Scheduler.SetRunnable(k, l);
        }
        if (p.Parent is { } parent) SchedWakeup(k, ProcLists.ChannelOf(parent));
        _ = self;
    }

    /// <summary>
    /// proc_unstop(p), sched_lock held: SACTIVE; each LSSTOP LWP still on a sleep queue goes back
    /// to LSSLEEP, each other one is setrunnable()'d (queued if resident, else proc0 is woken).
    /// </summary>
    private static void ProcUnstop(Kernel k, Proc p)
    {
        p.Stat = ProcStat.Active;
        if (k.Config.Has(Switches.ProcUnstopSkipsLwps)) return; // proc-unstop-skips-lwps: SACTIVE, its LWPs left LSSTOP
        var lwps = p.LwpList;
        for (int i = 0; i < lwps.Count; i++)
        {
            var l = lwps[i];
            if (l.Stat != LwpStat.Stop) continue;
            if (l.WChan is not null)
                l.Stat = LwpStat.Sleep;
            else
                Scheduler.SetRunnable(k, l);
        }
    }

    /// <summary>
    /// issignal() would stop <paramref name="l"/> on its way back to user mode: its process is
    /// stopped (<c>if (p->p_stat == SSTOP)</c>), or SIGSTOP is pending and the process is no
    /// vfork() child its parent waits for (<c>if (p->p_flag &amp; P_PPWAIT) sigminusset(&amp;stopsigmask, &amp;ss)</c>).
    /// p_stat and the signal list are read without sched_lock, as CURSIG() reads them.
    /// </summary>
    public static bool Stops(Lwp l)
    {
        var p = l.Proc;
        return p.Stat == ProcStat.Stop || (p.SigStopPending && !p.PpWait);
    }

    /// <summary>
    /// userret() → CURSIG() → issignal() of the running LWP <paramref name="l"/> on
    /// <paramref name="cpu"/>: under sched_lock it stops itself (LSSTOP, p_nrlwps--) if its process
    /// is stopped, or takes the pending SIGSTOP and stops the process (proc_stop()), then
    /// mi_switch(). Returns the step's label.
    /// </summary>
    public static string StopAtUserret(Kernel k, KernelThread self, Cpu cpu, Lwp l)
    {
        var p = l.Proc;
        k.SchedLock.Acquire(self);
        string label = Stop(k, self, p, l);
        cpu.Current = null;
        Scheduler.CpuSwitch(k, cpu);
        k.SchedLock.Release(self);
        // A stopped LWP ages toward uvm_swapout_threads()'s maxslp: the model's clock ticks for it (ClockThread.TimeStillMatters).
        k.SleepQueues.Wakeup(Threads.ClockThread.Idle);
        return label;
    }

    /// <summary>issignal()'s stop of the running <paramref name="l"/>, sched_lock held: its own LSSTOP, or proc_stop() for a pending SIGSTOP.</summary>
    internal static string Stop(Kernel k, KernelThread self, Proc p, Lwp l)
    {
        if (p.Stat == ProcStat.Stop)
        {
            // "The process is stopped/stopping. Stop ourselves now that we're on the kernel/userspace boundary."
            l.Stat = LwpStat.Stop;
            if (!k.Config.Has(Switches.IssignalSkipsNrlwps)) p.Nrlwps--; // issignal-skips-nrlwps
            return "issignal: LSSTOP";
        }
        // "take the signal!": sigdelset(&p->p_sigctx.ps_siglist, signum); p_xstat; child_psignal() (left out); proc_stop(p).
        p.SigStopPending = false;
        ProcStop(k, self, p, l);
        return "issignal: proc_stop";
    }

    /// <summary>sched_wakeup(chan) with sched_lock held: wakeup() without taking the lock (<see cref="Tsleep.Wakeup"/>).</summary>
    private static void SchedWakeup(Kernel k, WaitChannel chan)
    {
        k.SleepQueues.Wakeup(chan);
        Tsleep.WakeupLocked(k, chan);
    }
}
