using Uvm.Model.Core;

namespace Uvm.Model.Sched;

/// <summary>
/// A kernel thread that runs on a CPU, as kthread_create1() of kern_kthread.c (rev 1.11.2.7, the LWP
/// branch merged in 2003) makes it: fork1(&amp;lwp0, ...) gives it an LWP, marked P_SYSTEM and L_INMEM,
/// scheduled by cpu_switch() like any other. While it sleeps it is LSSLEEP
/// on its channel; wakeup() → setrunnable() makes it LSRUN and links it on the run queue; a CPU's
/// cpu_switch() picks it (<see cref="Scheduler.CpuSwitch"/>), and from then until it sleeps or exits
/// that CPU runs nothing else (the CPU's own thread waits on <see cref="Cpu.Lent"/>). Its sleep goes
/// through mi_switch(), which in the same critical section hands the CPU to the next LWP on the run
/// queue or leaves it idle. So curcpu() (<see cref="Scheduler.CurCpu"/>) is its l_cpu, and code that
/// compares an LWP's l_cpu with curcpu() means what it means in the kernel.
/// <para>
/// Simplified: priorities are left out, as for user LWPs (<see cref="RunQueue"/>: one FIFO), so a
/// kthread woken at its tsleep() priority (PSWP, PVM, PWAIT) waits behind the LWPs queued before it;
/// every wait of a kthread, lock waits included, gives up the CPU, as it does for an LWP's kernel
/// path (<see cref="Tsleep.SleepLwp"/>); its u-area and vmspace (proc0's) are not modelled (the CPU
/// runs on no modelled stack, the kernel pmap). A kernel built without CPUs (a unit test of one path)
/// runs its kthreads free, without a CPU.
/// </para>
/// </summary>
public abstract class Kthread : KernelThread
{
    /// <summary>Creates the kthread runnable and queued for a CPU, as kthread_create1() leaves it (or free, in a kernel without CPUs).</summary>
    protected Kthread(Kernel kernel, string name, Proc? proc = null) : base(kernel, name)
    {
        Lwp = new Lwp(0, proc ?? kernel.SystemProc, [], kernel) { Kthread = this };
        Lwp.InitUnpublished(LwpStat.Run, inMemory: true);
        // On alllwp, where uvm_swapout_threads() and schedcpu() see it; init's LWP is left out: init
        // is a user process (swappable), and the model has no u-area for it.
        if (Lwp.Proc.System) kernel.LinkKthreadLwp(Lwp);
        OnRunQueue = new WaitChannel(RunQueueChannelName(name));
        if (kernel.Cpus.Count == 0) return;
        kernel.RunQueue.Link(Lwp);
        kernel.SleepQueues.Enqueue(this, OnRunQueue);
    }

    /// <summary>
    /// The name of <see cref="OnRunQueue"/>: the kernel's kthreads' as constants, since every
    /// schedule boots them; another's (a test's) built from its name.
    /// </summary>
    private static string RunQueueChannelName(string name) => name switch
    {
        "proc0" => "proc0: on the run queue",
        "pagedaemon" => "pagedaemon: on the run queue",
        "aiodoned" => "aiodoned: on the run queue",
        "reaper" => "reaper: on the run queue",
        "init" => "init: on the run queue",
        _ => $"{name}: on the run queue",
    };

    /// <summary>Its LWP: l_stat, l_cpu and the run-queue link of the kthread (curlwp while it runs).</summary>
    public Lwp Lwp { get; }

    /// <summary>Where the thread waits, LSRUN, until a CPU's cpu_switch() picks its LWP (a model device, not a kernel channel).</summary>
    public WaitChannel OnRunQueue { get; }

    /// <summary>The kernel path, one <c>yield return</c> per critical section.</summary>
    protected abstract IEnumerable<Step> Run();

    /// <summary>
    /// A kernel thread runs under the big lock from proc_trampoline_mp() on, until it sleeps or
    /// exits, or reaches a point where the kernel may sleep in code the model leaves out
    /// (<see cref="KernelThread.MaySleep"/>).
    /// </summary>
    protected internal override bool KeepsKernelLock() => !SteppedWhereItMaySleep;

    /// <inheritdoc/>
    protected sealed override IEnumerable<Step> Body()
    {
        foreach (var step in Run())
        {
            if (step.Kind != StepKind.Continue) SwitchAway(step.Kind == StepKind.Sleep ? LwpStat.Sleep : LwpStat.Zomb);
            yield return step;
            if (step.Kind == StepKind.Exit) yield break;
        }
        SwitchAway(LwpStat.Zomb);
    }

    /// <summary>
    /// A kthread created asleep (the pagedaemon, aiodoned): off the run queue, LSSLEEP on
    /// <paramref name="channel"/> until its first wakeup.
    /// </summary>
    public override void StartAsleep(WaitChannel channel)
    {
        if (Kernel.Cpus.Count > 0)
        {
            Kernel.SleepQueues.Dequeue(this);
            Kernel.RunQueue.Unlink(Lwp);
        }
        Lwp.InitUnpublished(LwpStat.Sleep, inMemory: true);
        base.StartAsleep(channel);
    }

    /// <summary>
    /// wakeup() → setrunnable() under sched_lock: LSRUN and on the run queue, where idle CPUs find
    /// it; the thread waits for a CPU. Woken on <see cref="OnRunQueue"/> (by cpu_switch()), it runs.
    /// </summary>
    protected internal override bool Woken(WaitChannel channel)
    {
        // Spinning for the big lock is not a sleep: the kthread kept its CPU.
        if (channel == OnRunQueue || channel == KernelLock.Channel || Kernel.Cpus.Count == 0) return true;
        var by = Kernel.Running;
        bool take = by is not null && Kernel.SchedLock.Owner != by;
        if (take) Kernel.SchedLock.Acquire(by!);
        Lwp.Stat = LwpStat.Run;
        Scheduler.SetRunQueue(Kernel, Lwp);
        if (take) Kernel.SchedLock.Release(by!);
        Kernel.SleepQueues.Enqueue(this, OnRunQueue);
        return false;
    }

    /// <summary>
    /// mi_switch() of a sleeping or exiting kthread, under sched_lock: l_stat = <paramref name="stat"/>,
    /// curlwp = NULL, and cpu_switch() on the same CPU: the next LWP runs there, or the CPU idles.
    /// </summary>
    private void SwitchAway(LwpStat stat)
    {
        bool late = Kernel.Config.Has(Switches.MiSwitchSetsStatUnlocked); // mi-switch-sets-stat-unlocked
        if (late) Lwp.Stat = stat; // mi_switch() of kern_synch.c sets l_stat under SCHED_LOCK; the mutant sets it before
        Kernel.SchedLock.Acquire(this);
        if (!late) Lwp.Stat = stat;
        if (stat == LwpStat.Sleep) Lwp.SlpTime = 0; // ltsleep(): l->l_slptime = 0
        if (Lwp.CurCpu is not { } cpu || cpu.Current != Lwp)
        {
            // Not on a CPU: a kernel without CPUs, or a unit test stepping the thread by hand.
            if (Lwp.OnRunQueue) Scheduler.RemRunQueue(Kernel, Lwp);
            Kernel.SchedLock.Release(this);
            if (SleepingOn == OnRunQueue) Kernel.SleepQueues.Dequeue(this);
            return;
        }
        cpu.Current = null;
        var next = Scheduler.CpuSwitch(Kernel, cpu);
        Kernel.SchedLock.Release(this);
        // The CPU's own thread takes over for a user LWP; idle, it waits for the run queue.
        if (next is null) Kernel.SleepQueues.Move(cpu.Thread!, Scheduler.WhichQs);
        else if (next.Kthread is null) Kernel.SleepQueues.Wakeup(cpu.Lent);
    }
}
