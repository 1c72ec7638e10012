using Uvm.Model.Core;

namespace Uvm.Model.Sched;

/// <summary>
/// The run-queue and switch primitives of kern_synch.c (NetBSD 1.6/2.0), called with sched_lock
/// held by the step that uses them. Their DIAGNOSTIC panics are kernel assertions here, with the
/// conditions of the real code: setrunqueue() panics if <c>l_back != NULL || l_wchan != NULL ||
/// l_stat != LSRUN</c>; remrunqueue() if the LWP is not queued; setrunnable() on an LWP that is
/// already runnable, running or dead.
/// </summary>
public static class Scheduler
{
    /// <summary>sched_whichqs: idle CPUs sleep here until setrunqueue() queues an LWP.</summary>
    public static readonly WaitChannel WhichQs = new("sched_whichqs");

    /// <summary>&amp;proc0: uvm_scheduler() sleeps here until an LWP must be swapped in.</summary>
    public static readonly WaitChannel Proc0 = new("&proc0");

    /// <summary>setrunqueue(): link a runnable LWP at the tail of the run queue.</summary>
    public static void SetRunQueue(Kernel k, Lwp l)
    {
        if (l.OnRunQueue)
            throw new KernelPanicException("setrunqueue", $"{l} is already on a run queue (l_back != NULL)");
        if (l.Stat != LwpStat.Run)
            throw new KernelPanicException("setrunqueue", $"{l} is {l.Stat}, not LSRUN");
        k.RunQueue.Link(l);
        k.SleepQueues.Wakeup(WhichQs);
    }

    /// <summary>remrunqueue(): unlink a queued LWP.</summary>
    public static void RemRunQueue(Kernel k, Lwp l)
    {
        if (!l.OnRunQueue)
            throw new KernelPanicException("remrunqueue", $"{l} is not on a run queue (bit not set in sched_whichqs)");
        k.RunQueue.Unlink(l);
        if (k.Config.Has(Switches.RemrunqueueLeavesLBack)) l.OnRunQueue = true; // Mutation: l_back not cleared
    }

    /// <summary>
    /// setrunnable(): a sleeping or stopped LWP becomes LSRUN. A resident one is queued; a
    /// swapped-out one is left off the queues and proc0 is woken to swap it in. A sleeper is taken
    /// off its sleep queue first (<c>case LSSLEEP: unsleep(l); /* e.g. when sending signals */</c>,
    /// kern_synch.c), as exit_lwps() and the clock's endtsleep() need; wakeup() has done that
    /// itself before it calls awaken(), the rest of this (<paramref name="unsleep"/> false).
    /// </summary>
    public static void SetRunnable(Kernel k, Lwp l, bool unsleep = true)
    {
        if (l.Stat is not (LwpStat.Sleep or LwpStat.Stop))
            throw new KernelPanicException("setrunnable", $"{l} is {l.Stat}");
        if (unsleep && l.WChan is not null) l.WChan = null; // case LSSTOP: falls through to case LSSLEEP: unsleep(l)
        l.Stat = LwpStat.Run;
        l.Proc.Nrlwps++; // setrunnable()/awaken(): p_nrlwps++ under SCHED_LOCK (kern_synch.c of 2006)
        if (k.Config.Has(Switches.SetrunnableDoublesNrlwps)) l.Proc.Nrlwps++; // setrunnable-doubles-nrlwps
        l.SlpTime = 0;
        if (l.InMemory || k.Config.Has(Switches.SetrunnableQueuesSwappedOut)) // setrunnable-queues-swapped-out: L_INMEM not tested
        {
            SetRunQueue(k, l);
            return;
        }
        if (!k.Config.Has(Switches.SetrunnableSkipsProc0Wakeup)) k.SleepQueues.Wakeup(Proc0);
        // The model's clock idles while no LWP waits for time; a swapped-out runnable LWP does (the
        // real clock never stops, and uvm_meter() wakes proc0 even when it missed this wakeup:
        // uvm_scheduler() reads l_stat without sched_lock, "XXXSMP: possible unlock/sleep race").
        k.SleepQueues.Wakeup(Threads.ClockThread.Idle);
    }

    /// <summary>
    /// cpu_switch(): take the head of the run queue and run it on <paramref name="cpu"/>, on its
    /// kernel stack and with its pmap active (the idle PCB and kernel pmap when none). Like the
    /// MD code it trusts that everything queued is resident; the invariants check that it is.
    /// </summary>
    public static Lwp? CpuSwitch(Kernel k, Cpu cpu)
    {
        cpu.Stack = null;
        cpu.Vmspace = null;
        if (k.RunQueue.IsEmpty) return null;
        var l = k.RunQueue.Lwps[0];
        if (k.Config.Has(Switches.CpuSwitchSkipsRemrunqueue))
        {
            foreach (var c in k.Cpus)
                if (c.Current == l) return null;
        }
        else RemRunQueue(k, l);
        l.Stat = LwpStat.OnProc;
        if (!k.Config.Has(Switches.CpuSwitchSkipsLCpu)) l.Cpu = cpu;
        cpu.Current = l;
        cpu.Stack = l.Uarea;
        if (l.Kthread is { } t)
        {
            // A kernel thread runs in the kernel pmap (vmspace0); its own thread takes the CPU's steps.
            cpu.Vmspace = null;
            k.SleepQueues.Wakeup(t.OnRunQueue);
        }
        else cpu.Vmspace = l.Proc.Vmspace;
        return l;
    }

    /// <summary>
    /// curcpu() of the running thread: the CPU a CPU thread is, the l_cpu of a kernel thread's LWP
    /// (it is LSONPROC there while it runs), or null for a thread that stands for something without
    /// a CPU of the model (the clock interrupt, a workload's process actor, a kthread of a kernel
    /// built without CPUs).
    /// </summary>
    public static Cpu? CurCpu(Kernel k, KernelThread self)
    {
        if (self is Kthread t)
            return k.Config.Has(Switches.KthreadCurcpuIsBootCpu) && k.Cpus.Count > 0 ? k.Cpus[0] : t.Lwp.CurCpu;
        return self is Threads.CpuThread c ? c.Cpu : null;
    }
}
