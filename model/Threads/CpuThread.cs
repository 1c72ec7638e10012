using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// A CPU running LWPs: the idle loop, cpu_switch(), and the traps that end each user quantum
/// (preempt(), ltsleep(), exit1()). Each trap goes into mi_switch() with sched_lock held, and the
/// MD cpu_switch() picks the next LWP in the same critical section, so trap and switch are one step.
/// Left out: priorities (one run queue), signals, the LWP's kernel-mode work between traps.
/// </summary>
public sealed class CpuThread(Kernel kernel, Cpu cpu) : KernelThread(kernel, cpu.ToString())
{
    /// <summary>The CPU this thread is.</summary>
    public Cpu Cpu { get; } = cpu;

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        while (true)
        {
            if (Cpu.Current is { } l)
            {
                yield return Step.Ran(RunQuantum(l));
                continue;
            }
            if (Switch() is not null)
            {
                yield return Step.Ran("cpu_switch");
                continue;
            }
            if (Kernel.AllLwpsFinished)
                yield return Step.Exit("idle: every LWP has exited");
            else
                yield return Step.Sleep("idle", Scheduler.WhichQs);
        }
    }

    /// <summary>mi_switch() → cpu_switch() under sched_lock: run the head of the run queue, if any.</summary>
    private Lwp? Switch()
    {
        Kernel.SchedLock.Acquire(this);
        var next = Scheduler.CpuSwitch(Kernel, Cpu);
        Kernel.SchedLock.Release(this);
        return next;
    }

    /// <summary>One user quantum of the current LWP, then the trap that ends it; returns the kernel function.</summary>
    private string RunQuantum(Lwp l)
    {
        if (l.Pc >= l.Program.Count) return Exit(l);
        switch (l.Program[l.Pc])
        {
            case Compute c:
                if (++l.QuantaDone >= c.Quanta) NextOp(l);
                return Preempt(l);
            case SleepFor s:
                NextOp(l);
                return Sleep(l, s.Seconds);
            default:
                throw new InvalidOperationException($"unknown LWP operation {l.Program[l.Pc]}");
        }
    }

    private static void NextOp(Lwp l)
    {
        l.Pc++;
        l.QuantaDone = 0;
    }

    /// <summary>preempt(): roundrobin() asked for a switch; l_stat = LSRUN, setrunqueue(l), mi_switch().</summary>
    private string Preempt(Lwp l)
    {
        Kernel.SchedLock.Acquire(this);
        Cpu.Current = null;
        l.Stat = LwpStat.Run;
        Scheduler.SetRunQueue(Kernel, l);
        Scheduler.CpuSwitch(Kernel, Cpu);
        Kernel.SchedLock.Release(this);
        return "preempt";
    }

    /// <summary>ltsleep() with a timeout: l_stat = LSSLEEP, l_slptime = 0, mi_switch().</summary>
    private string Sleep(Lwp l, int seconds)
    {
        Kernel.SchedLock.Acquire(this);
        Cpu.Current = null;
        l.Stat = LwpStat.Sleep;
        l.SlpTime = 0;
        l.SleepTimeout = Math.Max(1, seconds);
        Kernel.SleepQueues.Wakeup(ClockThread.Idle);
        Scheduler.CpuSwitch(Kernel, Cpu);
        Kernel.SchedLock.Release(this);
        return "ltsleep";
    }

    /// <summary>exit1() → cpu_exit(): the LWP becomes a zombie and the CPU switches away for good.</summary>
    private string Exit(Lwp l)
    {
        Kernel.SchedLock.Acquire(this);
        Cpu.Current = null;
        l.Stat = LwpStat.Zomb;
        if (l.Proc.Lwps.TrueForAll(x => x.Finished)) l.Proc.Exiting = true;
        Scheduler.CpuSwitch(Kernel, Cpu);
        if (Kernel.AllLwpsFinished) Kernel.SleepQueues.Wakeup(Scheduler.WhichQs);
        Kernel.SchedLock.Release(this);
        return "exit1";
    }
}
