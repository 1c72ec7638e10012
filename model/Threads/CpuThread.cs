using Uvm.Model.Core;
using Uvm.Model.Exit;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// A CPU running LWPs: the idle loop, cpu_switch(), the traps that end each user quantum
/// (preempt(), ltsleep()), and the system calls fork, vfork, wait4, execve, sysctl and exit, which run as kernel paths of
/// the LWP (<see cref="Lwp.KernelPath"/>), one step per critical section. A path that must sleep
/// puts the LWP to sleep and the CPU switches to another (<see cref="Tsleep.SleepLwp"/>); the path
/// resumes on whichever CPU next runs the LWP. Once an exit has cleared curlwp, the CPU keeps
/// running the dead LWP's path (<see cref="Cpu.Exiting"/>) through cpu_exit() and lwp_exit2(); a
/// sleep there has no LWP to put to sleep, so the CPU itself blocks, which the exit invariants
/// forbid. Each trap goes into mi_switch() with sched_lock held, and the MD cpu_switch() picks the
/// next LWP in the same critical section, so trap and switch are one step. When cpu_switch() picks a
/// kernel thread's LWP (<see cref="Kthread"/>), the CPU's steps are that thread's until it sleeps:
/// this thread waits on <see cref="Cpu.Lent"/>, in the step that switched. An idle CPU waits on the
/// run queue (sched_whichqs) for as long as the kernel runs: kernel threads may still need it. Left
/// out: priorities among user LWPs (one run queue), signals but the stop signals' issignal() at
/// userret() (<see cref="Signals"/>), kernel preemption (a path runs until it sleeps or returns).
/// </summary>
public sealed class CpuThread : KernelThread
{
    /// <inheritdoc/>
    /// <remarks>The idle loop waits for the run queue (asleep with an LWP queued, a wakeup was lost); a CPU lent to a kthread waits for it to give the CPU back, and that kthread's own sleep is judged for itself.</remarks>
    public override bool IdlesOn(WaitChannel channel) => (channel == Scheduler.WhichQs && Kernel.RunQueue.IsEmpty) || channel == Cpu.Lent;

    /// <summary>Creates the thread of <paramref name="cpu"/>, which idles until the run queue has work.</summary>
    public CpuThread(Kernel kernel, Cpu cpu) : base(kernel, cpu.ToString())
    {
        Cpu = cpu;
        cpu.Thread = this;
    }

    /// <summary>The CPU this thread is.</summary>
    public Cpu Cpu { get; }

    /// <summary>The LWP whose user quantum or kernel path the running step is, or null for the idle loop and lwp_exit2().</summary>
    private Lwp? _ran;

    /// <summary>
    /// The big lock (<see cref="KernelLock"/>): a system call (fork, wait4, exit, the nanosleep of a
    /// SleepFor) and a kernel path resumed after a sleep need it; a Compute quantum's preempt() runs
    /// from the user-mode AST without it (i386 trap.c T_ASTFLT), and so do the idle loop's
    /// cpu_switch() and lwp_exit2() after cpu_exit() (exit1()/lwp_exit() drop it first). An LWP whose
    /// process has p_userret set takes lwp_exit_hook() at its return to user mode, which starts with
    /// KERNEL_PROC_LOCK (kern_exit.c 1.121), so that step needs it too. An LWP that stops in
    /// userret()'s issignal() does so without it.
    /// </summary>
    protected internal override bool NeedsKernelLock => Cpu.Current is { } l
        ? l.KernelPath is not null || (!Signals.Stops(l) && NeedsItForItsNextOp(l))
        : Cpu.Exiting is { KernelLockDropped: false };

    /// <summary>
    /// Whether the LWP's next operation, from user mode, needs the big lock; userret()'s
    /// issignal() stop before it does not (a system call's userret() runs after KERNEL_PROC_UNLOCK).
    /// </summary>
    private static bool NeedsItForItsNextOp(Lwp l) => l.Pc >= l.Program.Count || l.Program[l.Pc] is not Compute || l.Proc.ExitHook;

    /// <summary>
    /// Kept while the same LWP is still curlwp inside its kernel path (it has not slept, switched or
    /// returned to user mode), and while an exiting LWP's path has not reached cpu_exit(): exit1()
    /// clears curlwp early in the model but holds the lock until KERNEL_PROC_UNLOCK before cpu_exit()
    /// (<see cref="LwpExit.CpuExit"/>).
    /// </summary>
    protected internal override bool KeepsKernelLock() =>
        !SteppedWhereItMaySleep && ((_ran is { } l && Cpu.Current == l && l.KernelPath is not null) || Cpu.Exiting is { KernelLockDropped: false });

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        while (true)
        {
            if (Cpu.Current is { } l)
            {
                _ran = l;
                yield return Lend(RunLwp(l));
                _ran = null;
                continue;
            }
            if (Cpu.Exiting is { } dead)
            {
                if (dead.KernelPath!.MoveNext())
                {
                    yield return dead.KernelPath.Current;
                    continue;
                }
                dead.KernelPath = null;
                Cpu.Exiting = null;
                if (HoldsAnyLock) AssertHoldsNoLock($"ends {dead}'s exit"); // the label only when it will be reported
            }
            if (Switch() is not null)
            {
                yield return Lend(Step.Ran("cpu_switch"));
                continue;
            }
            yield return Step.Sleep("idle", Scheduler.WhichQs);
        }
    }

    /// <inheritdoc/>
    internal override object PathOwner => (object?)Cpu.Current ?? (object?)Cpu.Exiting ?? this;

    /// <summary>A step after which the CPU runs a kernel thread ends with this thread waiting until the kthread gives the CPU back.</summary>
    private Step Lend(Step step) =>
        step.Kind == StepKind.Continue && Cpu.Current is { Kthread: not null } ? Step.Sleep(step.Function, Cpu.Lent) : step;

    /// <summary>mi_switch() → cpu_switch() under sched_lock: run the head of the run queue, if any.</summary>
    private Lwp? Switch()
    {
        Kernel.SchedLock.Acquire(this);
        var next = Scheduler.CpuSwitch(Kernel, Cpu);
        Kernel.SchedLock.Release(this);
        return next;
    }

    /// <summary>
    /// One step of the current LWP: the next step of its kernel path if it is in one, else its next
    /// user operation (a system call starts its path and runs its first step at once).
    /// </summary>
    private Step RunLwp(Lwp l)
    {
        while (true)
        {
            if (l.KernelPath is { } path)
            {
                UnparkLocks(l);
                if (path.MoveNext()) return InLwpContext(l, path.Current);
                l.KernelPath = null;
                if (HoldsAnyLock) AssertHoldsNoLock($"returns {l} to user mode"); // not a string per system call
            }
            // userret(): while ((sig = CURSIG(l)) != 0) postsig(sig), before the p_userret hook:
            // a stopped process's LWP stops here (issignal()), and goes on when continued.
            if (Signals.Stops(l)) return Step.Ran(Signals.StopAtUserret(Kernel, this, Cpu, l));
            if (SystemCall(l) is not { } call) return Step.Ran(RunQuantum(l));
            l.KernelPath = call.GetEnumerator();
        }
    }

    /// <summary>The kernel path for the LWP's next operation, or null if it is user-mode work.</summary>
    private IEnumerable<Step>? SystemCall(Lwp l)
    {
        // userret(): if (p->p_userret) (*p->p_userret)(l, p->p_userret_arg); exit_lwps()'s
        // lwp_exit_hook takes KERNEL_PROC_LOCK and calls lwp_exit() (P_WEXIT is set, so Run does).
        if (l.Pc >= l.Program.Count || l.Proc.ExitHook) return LwpExit.Run(Kernel, l);
        switch (l.Program[l.Pc])
        {
            case Vfork v:
                NextOp(l);
                return ProcessFork.Fork1(Kernel, l, v.Child, vfork: true);
            case Fork f:
                NextOp(l);
                return ProcessFork.Fork1(Kernel, l, f.Child);
            case Wait:
                NextOp(l);
                return Wait4(l);
            case ProcArgs a:
                NextOp(l);
                return SysctlProcArgs.Run(Kernel, l, a.Pid);
            case ProcRegs r:
                NextOp(l);
                return ProcfsRegs.Run(Kernel, l, r.Pid);
            case Exec:
                NextOp(l);
                return ProcessExec.Run(Kernel, l);
            case SysExit:
                NextOp(l);
                return LwpExit.SysExit(Kernel, l);
            case Kill kill:
                NextOp(l);
                return Signals.SysKill(Kernel, l, kill);
            default:
                return null;
        }
    }

    /// <summary>sys_wait4() of <paramref name="l"/>, which asks the LWP's CPU thread on every try (<see cref="Lwp.CpuThreadOf"/>).</summary>
    private IEnumerable<Step> Wait4(Lwp l) => ProcessWait.Wait4(Kernel, l.Proc, l.CpuThreadOf, l);

    /// <summary>A path step taken while the LWP is curlwp: a sleep puts the LWP to sleep and switches; the CPU goes on.</summary>
    private Step InLwpContext(Lwp l, Step step)
    {
        if (step.Kind != StepKind.Sleep || Cpu.Current != l) return step;
        Tsleep.SleepLwp(Kernel, this, Cpu, l, step.Channel, step.Interruptible);
        return Step.Ran(step.Function);
    }

    /// <summary>One user quantum of the current LWP, then the trap that ends it; returns the kernel function.</summary>
    private string RunQuantum(Lwp l)
    {
        // userret() of a process whose exit_lwps() has begun takes its hook instead (SystemCall).
        if (l.Proc.ExitLwpsBegun)
            Kernel.Events.Break("NoLwpOfADyingProcessRunsInUserMode", $"{l} of {l.Proc} runs in user mode ({l.Program[l.Pc]}) after its process's exit_lwps() began");
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
        if (!Kernel.Config.Has(Switches.PreemptLeavesOnproc)) l.Stat = LwpStat.Run; // preempt-leaves-onproc
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
        l.Sintr = true; // nanosleep(): tsleep(&nanowait, PWAIT | PCATCH, ...): L_SINTR
        l.Proc.Nrlwps--; // ltsleep(): p_nrlwps-- under SCHED_LOCK with LSSLEEP
        l.SlpTime = 0;
        l.SleepTimeout = Math.Max(1, seconds);
        Kernel.SleepQueues.Wakeup(ClockThread.Idle);
        Scheduler.CpuSwitch(Kernel, Cpu);
        Kernel.SchedLock.Release(this);
        return "ltsleep";
    }
}
