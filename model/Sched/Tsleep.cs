using Uvm.Model.Core;

namespace Uvm.Model.Sched;

/// <summary>
/// ltsleep()/wakeup() of kern_synch.c for LWPs in the kernel. A kernel path run by an LWP (wait4,
/// fork, exit) that must sleep yields <see cref="Step.Sleep"/>; the CPU running it then calls
/// <see cref="SleepLwp"/>, so the LWP sleeps on the channel and the CPU switches to another one, all
/// in the step that decided to sleep. <see cref="Wakeup"/> wakes both kernel threads and LWPs
/// asleep on a channel, as the kernel's one wakeup() does. Left out: priorities, PCATCH, timeouts
/// of channel sleeps (none of the modelled ones has one).
/// </summary>
public static class Tsleep
{
    /// <summary>
    /// ltsleep(chan) → mi_switch() of the CPU's current LWP, under sched_lock: l_stat = LSSLEEP,
    /// l_wchan = chan, curlwp = NULL, then cpu_switch() to the next runnable LWP (if any).
    /// </summary>
    /// <remarks>
    /// With <paramref name="interruptible"/> (PCATCH) the sleep sets L_SINTR; the caller has made
    /// ltsleep()'s entry test (<see cref="ExitInterrupts"/>) in the same section.
    /// </remarks>
    public static void SleepLwp(Kernel k, KernelThread self, Cpu cpu, Lwp l, WaitChannel chan, bool interruptible = false)
    {
        if (!chan.Spin && self.HoldsAnyLock) self.AssertMaySleep($"switches from {l} asleep on {chan}"); // the message only when it can be reported
        // The model's locks are owned by the CPU thread that runs an LWP's path. A sleep lock the LWP
        // holds across its sleep (kernel_map's, held by fork's uvm_km_alloc() while uvm_mapent_alloc()
        // waits for memory) goes with the LWP, not to the next LWP the CPU runs: it is parked on the
        // LWP until a CPU runs it again (KernelThread.UnparkLocks). A spin lock cannot be held here: the
        // check above reports it (SleepWithSpinLock), and with the detectors off the model refuses.
        // A wait for a spin lock (a spin channel) is an LWP sleep too, as every simple-lock wait of
        // the model is (docs/fidelity.md, known gaps): the sleep lock stays held, parked, while the
        // CPU the kernel would spin on runs something else.
        if (self.HoldsAnyLock)
        {
            if (!self.ParkSleepLocks(l))
                throw new InvalidOperationException($"model: {l} sleeps on {chan} while its CPU thread {self.Name} holds a spin lock");
        }
        k.SchedLock.Acquire(self);
        cpu.Current = null;
        if (interruptible && Signals.Stops(l))
        {
            // ltsleep() with PCATCH: on the sleep queue first ("we could stop there, and a wakeup or
            // a SIGCONT (or both) could occur while we were stopped"), then CURSIG() → issignal()
            // stops the LWP with l_wchan set, and mi_switch().
            l.WChan = chan;
            l.Sintr = true;
            l.SlpTime = 0;
            l.SleepTimeout = int.MaxValue;
            Signals.Stop(k, self, l.Proc, l);
            Scheduler.CpuSwitch(k, cpu);
            k.SchedLock.Release(self);
            k.SleepQueues.Wakeup(Threads.ClockThread.Idle);
            return;
        }
        l.Stat = LwpStat.Sleep;
        l.Sintr = interruptible; // PCATCH: L_SINTR (wait4()'s tsleep; the other kernel paths' sleeps of the model take no PCATCH)
        bool late = k.Config.Has(Switches.LtsleepCountsAfterUnlock); // ltsleep-counts-after-unlock: p_nrlwps-- after SCHED_UNLOCK
        if (!k.Config.Has(Switches.LtsleepSkipsNrlwps) && !late) l.Proc.Nrlwps--; // ltsleep(): p_nrlwps-- under SCHED_LOCK with LSSLEEP (ltsleep-skips-nrlwps)
        l.WChan = chan;
        l.SlpTime = 0;
        l.SleepTimeout = int.MaxValue;
        Scheduler.CpuSwitch(k, cpu);
        k.SchedLock.Release(self);
        if (late) l.Proc.Nrlwps--;
    }

    /// <summary>
    /// ltsleep() with PCATCH of an LWP whose process is exiting with other LWPs: it does not sleep
    /// (the test before mi_switch(): <c>if (((sig = CURSIG(l)) != 0) || ((p->p_flag &amp; P_WEXIT)
    /// &amp;&amp; p->p_nlwps &gt; 1))</c> goes to resume) and it returns EINTR after a wakeup
    /// (<c>if (catch &amp;&amp; ((p->p_flag &amp; P_WEXIT) &amp;&amp; p->p_nlwps &gt; 1 &amp;&amp;
    /// exiterr)) return (EINTR)</c>, "XXXNJW this is very much a kluge ... preventing
    /// looping/hanging syscalls like wait4() and _lwp_wait() from wedging an exiting process";
    /// kern_synch.c of the LWP era, the stored text with kauth). So an LWP in wait4() leaves it for
    /// userret() and the exit hook instead of keeping exit_lwps() waiting. Signals are not modelled.
    /// </summary>
    public static bool ExitInterrupts(Lwp l) => l.Proc.Exiting && l.Proc.Nlwps > 1;

    /// <summary>
    /// wakeup(chan): every kernel thread and every LWP asleep on it becomes runnable. kern_synch.c
    /// wakeup() takes SCHED_LOCK before it walks the sleep queue and calls setrunnable().
    /// </summary>
    public static void Wakeup(Kernel k, KernelThread self, WaitChannel chan)
    {
        k.SleepQueues.Wakeup(chan);
        // A spin lock's channel is the model's stand-in for spinning: simple_unlock() takes no
        // sched_lock, so the lock-order detector must not learn "held locks before sched_lock" here.
        k.SchedLock.Acquire(self, ordered: !chan.Spin);
        WakeupLocked(k, chan);
        k.SchedLock.Release(self);
    }

    /// <summary>
    /// sched_wakeup(chan), sched_lock held: each LWP on the channel's sleep queue is taken off it
    /// (l_wchan = 0) and, if LSSLEEP, awaken()ed; an LSSTOP one stays stopped, to find its sleep
    /// over when SIGCONT comes (kern_synch.c: <c>if (l->l_stat == LSSLEEP) { awaken(l); goto restart; }</c>).
    /// </summary>
    internal static void WakeupLocked(Kernel k, WaitChannel chan)
    {
        var lwps = k.Lwps;
        for (int i = 0; i < lwps.Count; i++)
        {
            var l = lwps[i];
            if (!l.OnAllLwp || l.WChan != chan) continue;
            var stat = l.Stat;
            if (stat == LwpStat.Stop)
            {
                l.WChan = null;
                continue;
            }
            if (stat != LwpStat.Sleep) continue;
            if (!k.Config.Has(Switches.WakeupLeavesWchan)) l.WChan = null; // wakeup-leaves-wchan: l_wchan not cleared
            Scheduler.SetRunnable(k, l, unsleep: false); // awaken(): sched_wakeup() unlinked it above
        }
    }

    /// <summary>
    /// wakeup(pg) of a page's PG_WANTED sleepers (uvm_page_unbusy(), uvm_pagefree()): the kernel
    /// threads asleep on it and, when any sleeps there, the LWPs (PHOLD()'s swap-in of another
    /// LWP's u-area faults in an LWP's context, model/Exit/ProcfsRegs.cs). Simplified: the kernel's
    /// wakeup() always takes sched_lock; here it is taken, and ordered after the page's locks, only
    /// when an LWP sleeps on the page, as no other path puts one there (a test of l_wchan per LWP).
    /// </summary>
    internal static void WakeupPage(Kernel k, WaitChannel chan)
    {
        var lwps = k.Lwps;
        for (int i = 0; i < lwps.Count; i++)
            if (lwps[i] is { OnAllLwp: true } l && l.WChan == chan) // l_wchan is set only while asleep (no sched_lock needed to test it here)
            {
                Wakeup(k, k.Running ?? throw new InvalidOperationException($"model: wakeup({chan}) outside a step"), chan);
                return;
            }
        k.SleepQueues.Wakeup(chan);
    }
}
