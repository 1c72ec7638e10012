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
    public static void SleepLwp(Kernel k, KernelThread self, Cpu cpu, Lwp l, WaitChannel chan)
    {
        if (!chan.Spin) self.AssertMaySleep($"switches from {l} asleep on {chan}");
        k.SchedLock.Acquire(self);
        cpu.Current = null;
        l.Stat = LwpStat.Sleep;
        l.WChan = chan;
        l.SlpTime = 0;
        l.SleepTimeout = int.MaxValue;
        Scheduler.CpuSwitch(k, cpu);
        k.SchedLock.Release(self);
    }

    /// <summary>
    /// wakeup(chan): every kernel thread and every LWP asleep on it becomes runnable. kern_synch.c
    /// wakeup() takes SCHED_LOCK before it walks the sleep queue and calls setrunnable().
    /// </summary>
    public static void Wakeup(Kernel k, KernelThread self, WaitChannel chan)
    {
        k.SleepQueues.Wakeup(chan);
        k.SchedLock.Acquire(self);
        foreach (var l in k.Lwps)
        {
            if (!l.OnAllLwp || l.Stat != LwpStat.Sleep || l.WChan != chan) continue;
            l.WChan = null;
            Scheduler.SetRunnable(k, l);
        }
        k.SchedLock.Release(self);
    }
}
