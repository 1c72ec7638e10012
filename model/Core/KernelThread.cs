namespace Uvm.Model.Core;

/// <summary>
/// A kernel thread as a labelled step sequence over plain kernel state. <see cref="Body"/> is an
/// iterator: the code between two <c>yield return</c>s is one atomic step (one kernel critical
/// section), and each yielded <see cref="Step"/> names the kernel function it mirrors. Nothing here
/// depends on Coyote, so a path can be unit-tested by calling <see cref="Advance"/> directly.
/// </summary>
public abstract class KernelThread : IStateShown
{
    /// <summary>The running step sequence, created on the first step.</summary>
    private IEnumerator<Step>? _body;

    /// <summary>Creates a thread with a stable index and a readable name.</summary>
    protected KernelThread(Kernel kernel, string name)
    {
        Kernel = kernel;
        Name = name;
        Index = kernel.Threads.Count;
        kernel.Threads.Add(this);
        kernel.Versions.Bump(StateDomain.Sleep);
    }

    /// <summary>The kernel this thread runs in.</summary>
    protected internal Kernel Kernel { get; }

    /// <summary>A readable name: <c>cpu0</c>, <c>swapper</c>, <c>pagedaemon</c>.</summary>
    public string Name { get; }

    /// <summary>The thread's position in <see cref="Kernel.Threads"/>, stable for a workload.</summary>
    public int Index { get; }

    /// <summary>
    /// This thread as the <c>self</c> delegate of a path that asks who runs it at every try
    /// (pool_get, uvm_uarea_drain, a lock wait), made on first use: a lambda at each call would
    /// allocate a closure and a delegate every time.
    /// </summary>
    internal Func<KernelThread> AsSelf => _asSelf ??= () => this;

    /// <summary>Backs <see cref="AsSelf"/>.</summary>
    private Func<KernelThread>? _asSelf;

    /// <summary>
    /// The locks this thread holds now, oldest first: the spinning ones are what LOCKDEBUG's
    /// simplelock_list and DIAGNOSTIC's ci_spin_locks count per CPU.
    /// </summary>
    [NotState("derived: the locks whose Owner is this thread, which the kernel view shows")]
    private readonly List<IOwnedLock> _locks = new(4);

    /// <summary>
    /// True when <paramref name="channel"/> is where this thread waits for work in its main loop (a
    /// daemon's tsleep between jobs, an idle CPU): asleep there when nothing more can run, it is
    /// idle, not stuck (properties/SleeperDetector.cs). No channel by default: a path that sleeps
    /// waits for something that must come.
    /// </summary>
    public virtual bool IdlesOn(WaitChannel channel) => false;

    /// <summary>The lock this thread holds whose waiters sleep on <paramref name="channel"/>, or null.</summary>
    public SimpleLock? HeldLockOn(WaitChannel channel)
    {
        foreach (var l in _locks)
            if (l is SimpleLock s && s.Channel == channel) return s;
        return null;
    }

    /// <summary>
    /// mi_switch() of an LWP that holds sleep locks (lockmgr locks: a vm_map's) across its sleep:
    /// they leave this CPU thread and are parked on <paramref name="l"/>
    /// (<see cref="SimpleLock.ParkedWith"/>), held by nobody running. False, and nothing moved,
    /// when the thread holds a lock that is not a sleep lock.
    /// </summary>
    internal bool ParkSleepLocks(Sched.Lwp l)
    {
        var parked = new List<SimpleLock>(_locks.Count);
        foreach (var held in _locks)
        {
            if (held is not SimpleLock { Kind: LockKind.Sleep } sleepLock) return false;
            parked.Add(sleepLock);
        }
        foreach (var sleepLock in parked) sleepLock.Park(l);
        l.ParkedLocks = parked;
        _locks.Clear();
        return true;
    }

    /// <summary>cpu_switch() back to <paramref name="l"/>: the sleep locks it kept while asleep are this thread's again.</summary>
    internal void UnparkLocks(Sched.Lwp l)
    {
        if (l.ParkedLocks is not { } parked) return;
        foreach (var held in parked)
        {
            held.Unpark(l, this);
            _locks.Add(held);
        }
        l.ParkedLocks = null;
    }

    /// <summary>
    /// Who runs a kernel path on this thread, for the PG_BUSY rule (<see cref="Vm.Page"/>): the
    /// thread itself, or for a CPU the LWP whose path it runs (an LWP may sleep on one CPU and go
    /// on on another, and a CPU runs many LWPs' paths).
    /// </summary>
    internal virtual object PathOwner => this;

    /// <summary>
    /// True for the thread that completes asynchronous I/O (aiodoned): it acts for the path that
    /// started a pageout, so it may change a page that path left PG_BUSY for the I/O.
    /// </summary>
    internal virtual bool CompletesIo => false;

    /// <summary>
    /// The references this thread's own structures hold on <paramref name="anon"/> (an_ref counts
    /// them: a process's private amap slots, anons lent to it by uvm_loan()); none once the thread
    /// has exited. The copy-on-write spaces' amaps are kernel state of their own
    /// (<see cref="Vm.VmState.CowSpaces"/>) and are not counted here.
    /// </summary>
    public virtual int AnonReferencesTo(Vm.Anon anon) => 0;

    /// <summary>
    /// How many of this process's vm_shm entries name <paramref name="seg"/> (0 or 1): what
    /// shm_nattch counts, recounted by the processes that attach (a shm user, a loan client's
    /// segment). A method, not a property, so that the thread's hashed state stays what it was.
    /// </summary>
    public virtual int ShmAttachmentsTo(Vm.ShmSegment seg) => 0;

    /// <summary>A SysV shm segment this process has attached that shm_deallocate_segment() has freed, or null (none, as it should be).</summary>
    public virtual Vm.ShmSegment? AttachedFreedSegment() => null;

    /// <summary>The slots of <paramref name="amap"/> that hold <paramref name="anon"/>.</summary>
    protected static int SlotsHolding(Vm.Anon?[] amap, Vm.Anon anon)
    {
        int n = 0;
        for (int i = 0; i < amap.Length; i++)
            if (amap[i] == anon) n++;
        return n;
    }

    /// <summary>True while this thread holds any lock.</summary>
    internal bool HoldsAnyLock => _locks.Count > 0;

    /// <summary>A lock's acquire by this thread.</summary>
    internal void Took(IOwnedLock l) => _locks.Add(l);

    /// <summary>A lock's release by this thread.</summary>
    internal void Dropped(IOwnedLock l) => _locks.Remove(l);

    /// <summary>
    /// After a blocking acquire of <paramref name="l"/> (not a simple_lock_try()): the lock-order
    /// detector compares it with the locks this thread holds (<see cref="LockOrder"/>).
    /// </summary>
    internal void Ordered(IOwnedLock l) => Kernel.LockOrder.Took(this, l, _locks);

    /// <summary>
    /// The check of mi_switch() and of the allocators that may sleep (kern_lock.c 1.77, 2004:
    /// simple_lock_switchcheck() → simple_lock_only_held(.., "switching") under LOCKDEBUG,
    /// spinlock_switchcheck() "CPU %lu has %lu spin locks" under DIAGNOSTIC; subr_pool.c pool_get():
    /// <c>if (flags &amp; PR_WAITOK) simple_lock_only_held(NULL, "pool_get(PR_WAITOK)")</c>): a
    /// thread about to sleep, or to run code that may sleep, holds no spinning lock. Another CPU
    /// spinning on that lock would spin for the whole sleep, and one that needs it to wake the
    /// sleeper never could. <paramref name="where"/> says what sleeps.
    /// </summary>
    internal void AssertMaySleep(string where)
    {
        if (_locks.Count == 0 || !Kernel.Discipline.On) return;
        List<string>? spinning = null;
        foreach (var l in _locks)
            if (l.Kind != LockKind.Sleep) (spinning ??= []).Add(l.Name);
        if (spinning is null) return;
        throw new DetectorViolationException(Detector.SleepWithSpinLock,
            $"{Name} {where} holding spin lock{(spinning.Count > 1 ? "s" : "")} {string.Join(", ", spinning)}");
    }

    /// <summary>
    /// A path that returns, to user mode or for good, holds no lock: a lock it took and did not
    /// release is never released (its owner has left the kernel), and the next path that needs it
    /// waits for ever, in whatever later schedule first contends for it. kern_lock.c 1.77 counts
    /// the sleep locks an LWP holds (DIAGNOSTIC, <c>(l)->l_locks += (x)</c>) and the CPU's spin
    /// locks (ci_spin_locks) for this, and nfs_syscalls.c's server loop states the rule under
    /// DIAGNOSTIC: server procedures "should neither release locks already held, nor leave things
    /// locked. Catch this sooner, rather than later (when we try to relock something we already
    /// have locked)" (<c>lockcount = l->l_locks</c> before the call, compared after it). Checked
    /// as a process actor's system call or fault returns (<see cref="Syscall"/>) and as any
    /// thread's path ends, after the spin-lock check (<see cref="AssertMaySleep"/>), so a spin lock
    /// still reports as sleeping with it. <paramref name="where"/> says what returns.
    /// </summary>
    internal void AssertHoldsNoLock(string where)
    {
        if (_locks.Count == 0 || !Kernel.Discipline.On) return;
        var names = new List<string>(_locks.Count);
        foreach (var l in _locks) names.Add(l.Name);
        throw new DetectorViolationException(Detector.LockDiscipline,
            $"{Name} {where} holding {string.Join(", ", names)}: a lock left locked by a path that returned");
    }

    /// <summary>The channel the thread sleeps on, or null while it is runnable.</summary>
    /// <remarks>Recorded per thread for verify's reduction (<see cref="Kernel.Accesses"/>, "thread N wchan").</remarks>
    public WaitChannel? SleepingOn
    {
        get
        {
            Kernel.Reads("thread", Index, "wchan");
            return _sleepingOn;
        }
        internal set
        {
            Kernel.Writes("thread", Index, "wchan");
            if (_sleepingOn is not null && value is null) WokenInStep = Kernel.Discipline.StepSerial;
            if (_sleepingOn != value) Kernel.Versions.Bump(StateDomain.Sleep);
            _sleepingOn = value;
        }
    }

    /// <summary>Backs <see cref="SleepingOn"/>.</summary>
    private WaitChannel? _sleepingOn;

    /// <summary>The thread after this one on the sleep queue of <see cref="SleepingOn"/> (<see cref="SleepQueues"/>), or null.</summary>
    internal KernelThread? NextSleeper { get; set; }

    /// <summary>
    /// The step (<see cref="Discipline.StepSerial"/>) whose wakeup last made the thread runnable, or -1:
    /// it was asleep while that step ran, so none of its reads can overlap that step's stores.
    /// </summary>
    [field: NotState("a step number; Show says whether it is the last step's, the one comparison that reads it")]
    internal int WokenInStep { get; private set; } = -1;

    /// <summary>Whether the last step woke the thread: all that <see cref="WokenInStep"/> decides next (Discipline's racy reads).</summary>
    public virtual void Show(IStateMixer state) => state.Value(WokenInStep == Kernel.StepSerialSoFar ? 1 : 0);

    /// <summary>
    /// True for a thread that stands for the passing of time (the clock interrupt): its steps are
    /// not a program another thread waits behind. A bounded-exhaustive search lets every other
    /// thread run before the next tick at no cost, and counts an early tick as a preemption.
    /// </summary>
    public virtual bool IsTimer => false;

    /// <summary>True once the thread has taken its last step.</summary>
    public bool Exited
    {
        get;
        private set
        {
            if (field != value) Kernel.Versions.Bump(StateDomain.Sleep);
            field = value;
        }
    }

    /// <summary>
    /// Puts a thread that has not run yet to sleep on <paramref name="channel"/>: a kthread that
    /// went to sleep at boot, before any process could wake it, so that no early wakeup is lost.
    /// Its body starts at the first wakeup.
    /// </summary>
    public virtual void StartAsleep(WaitChannel channel)
    {
        if (_body is not null) throw new InvalidOperationException($"{Name} has already run");
        Kernel.SleepQueues.Enqueue(this, channel);
    }

    /// <summary>
    /// A wakeup on <paramref name="channel"/> took the thread off its sleep queue: true when it may
    /// run now. A kernel thread that needs a CPU first says false and waits for one (Sched.Kthread).
    /// </summary>
    protected internal virtual bool Woken(WaitChannel channel) => true;

    /// <summary>The kernel path, one <c>yield return</c> per critical section.</summary>
    protected abstract IEnumerable<Step> Body();

    /// <summary>
    /// True when the next step runs kernel code that needs the big lock (<see cref="KernelLock"/>).
    /// Every kernel path does, unless a thread says otherwise (an idle CPU, the clock interrupt).
    /// </summary>
    protected internal virtual bool NeedsKernelLock => true;

    /// <summary>
    /// After a step that left the thread runnable: true when the thread is still inside the
    /// kernel and keeps the big lock until its next step. The default keeps it while the step ran
    /// inside a system call or user fault the thread marked with <see cref="Syscall"/>, and
    /// releases it after any other step, as if it returned to user mode. Kernel threads and the
    /// LWPs a CPU runs say exactly when they leave the kernel.
    /// </summary>
    protected internal virtual bool KeepsKernelLock() => _inKernel > 0 && !_maySleep;

    /// <summary>How many <see cref="Syscall"/> wrappers the running step is inside.</summary>
    private int _inKernel;

    /// <summary>Set by <see cref="MaySleep"/> for the running step.</summary>
    private bool _maySleep;

    /// <summary>
    /// The running step ends where the kernel may sleep in code the model leaves out (a
    /// pool_get(PR_WAITOK), a vm_map_lock() of a map it does not model): mi_switch() would
    /// release the big lock there, so the thread releases it after this step and takes it again
    /// for the next, letting another CPU in between whether or not the kernel slept.
    /// </summary>
    protected internal void MaySleep() => _maySleep = true;

    /// <summary>True when the running step called <see cref="MaySleep"/>.</summary>
    protected bool SteppedWhereItMaySleep => _maySleep;

    /// <summary>
    /// True when <paramref name="step"/>, just produced by this thread's path, ends where the kernel
    /// sleeps: a tsleep() (not a spin lock's wait, which the model's sleep only stands for) or a
    /// step that called <see cref="MaySleep"/>. A lookup made before it is stale after it.
    /// </summary>
    internal bool Sleeps(Step step) => (step.Kind == StepKind.Sleep && !step.Channel.Spin) || _maySleep;

    /// <summary>The step that returns a process actor to user mode with the big lock released.</summary>
    internal const string Userret = "userret: KERNEL_PROC_UNLOCK";

    /// <summary>
    /// The steps of one system call or user page fault of a process actor: i386 trap.c
    /// syscall_plain() runs the call under KERNEL_PROC_LOCK(l) from entry to return, and trap()
    /// does the same around uvm_fault() of a user fault; mi_switch() releases the lock only across
    /// a sleep. So the thread keeps the big lock between these steps, and after the last one a
    /// step of its own returns to user mode and releases it (<see cref="Userret"/>, the
    /// KERNEL_PROC_UNLOCK(l) before userret()): only then can another CPU take it. That step runs
    /// only when the call ended holding the lock, so without the big lock nothing is added.
    /// </summary>
    protected IEnumerable<Step> Syscall(IEnumerable<Step> steps)
    {
        _inKernel++;
        try
        {
            foreach (var s in steps) yield return s;
        }
        finally
        {
            _inKernel--;
        }
        if (_inKernel == 0) AssertHoldsNoLock("returns to user mode");
        if (_inKernel == 0 && Kernel.BigLock.Holder == this) yield return Step.Ran(Userret);
    }

    /// <summary>The name of the spin step, one label per holder would break replay across workloads.</summary>
    public const string Spin = "KERNEL_LOCK: spin";

    /// <summary>Runs the next atomic step and says how the thread goes on.</summary>
    public Step Advance()
    {
        if (Exited) throw new InvalidOperationException($"{Name} has exited");
        // A kernel without CPUs of the model (a unit test of one path) is no MULTIPROCESSOR kernel:
        // no big lock, as its kthreads run free (Sched.Kthread).
        var bigLock = Kernel.Config.BigLock && Kernel.Cpus.Count > 0 ? Kernel.BigLock : null;
        // Asked once, before the step: outside a step it reads without recording or checking, so
        // the spin test and the hand-over after the step see the same answer.
        bool needed = bigLock is not null && NeedsKernelLock;
        if (bigLock is { Holder: { } holder } && holder != this && needed)
        {
            // spinlockmgr(&kernel_lock): another CPU holds it; this one spins until it is released.
            // The spin is a step like any other: it starts (the step count, the store log) and
            // reads the holder.
            // Setting Running starts the step (the detectors record its store-log write while it
            // names this thread); clearing it ends the step, as RunBody does. Inside it, for
            // verify, the step records what it read to decide to spin (NeedsKernelLock: a CPU's
            // curlwp and that LWP's position) and its own sleep on the spinners' queue.
            Kernel.Running = this;
            if (Kernel.Accesses is not null) _ = NeedsKernelLock;
            Kernel.SleepQueues.Enqueue(this, KernelLock.Channel);
            Kernel.Running = null;
            Kernel.RecordsBigLock(write: false);
            return Step.Sleep(Spin, KernelLock.Channel);
        }
        var held = bigLock?.Holder;
        // The step holds the lock if it needed it and got it (nobody else held it: no spin above)
        // or kept it from its last step.
        bool holds = needed || held == this;
        Kernel.StepUnderBigLock = bigLock is null || holds || IsTimer;
        var step = RunBody();
        if (bigLock is null) return step;
        HandOver(bigLock, step, mayKeep: holds);
        if (needed || held != bigLock.Holder) Kernel.RecordsBigLock(write: held != bigLock.Holder);
        return step;
    }

    /// <summary>
    /// After a step: the thread keeps the big lock while still in the kernel; otherwise a lock it
    /// held is released and the spinners woken. Only a step that held the lock
    /// (<paramref name="mayKeep"/>: it needed it and got it, or kept it from its last step) can
    /// keep it: a step that ran without it takes it, if its next step needs it, by spinning then,
    /// not by taking it over from another holder after the fact.
    /// </summary>
    private void HandOver(KernelLock bigLock, Step step, bool mayKeep)
    {
        if (mayKeep && !Exited && step.Kind == StepKind.Continue && KeepsKernelLock())
        {
            bigLock.Holder = this;
            return;
        }
        if (bigLock.Holder != this) return;
        bigLock.Holder = null;
        Kernel.SleepQueues.Wakeup(KernelLock.Channel);
    }

    /// <summary>Runs the next step of <see cref="Body"/>.</summary>
    private Step RunBody()
    {
        _body ??= Body().GetEnumerator();
        _maySleep = false;
        Kernel.Running = this;
        bool more;
        try
        {
            more = _body.MoveNext();
        }
        finally
        {
            Kernel.Running = null;
        }
        if (!more)
        {
            AssertMaySleep("returns for good"); // the path's last switch
            AssertHoldsNoLock("returns for good");
            Exited = true;
            return Step.Exit("(return)");
        }
        var step = _body.Current;
        // The checks' messages are built only when a lock is held, which most steps do not: not a
        // string per sleep.
        bool holding = HoldsAnyLock;
        if (holding && step.Kind == StepKind.Sleep && !step.Channel.Spin) AssertMaySleep($"sleeps on {step.Channel} in {step.Function}");
        if (holding && _maySleep) AssertMaySleep($"may sleep in {step.Function}");
        if (step.Kind == StepKind.Exit)
        {
            if (holding) AssertMaySleep($"exits in {step.Function}"); // kthread_exit()/exit1() end in a switch
            if (holding) AssertHoldsNoLock($"exits in {step.Function}");
            Exited = true;
        }
        else if (step.Kind == StepKind.Sleep) Kernel.SleepQueues.Enqueue(this, step.Channel);
        return step;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
