using System.Runtime.CompilerServices;
using Uvm.Model.Core;
using Uvm.Model.Maps;
using Uvm.Model.Exit;
using Uvm.Model.Sched;

namespace Uvm.Model;

/// <summary>
/// The whole kernel state of one iteration: plain objects, one per kernel concept, and the kernel
/// threads that step over them. Every test, shard and iteration builds its own; nothing is static.
/// </summary>
public sealed class Kernel(KernelConfig config) : IKernelView
{
    /// <inheritdoc/>
    public KernelConfig Config { get; } = config;

    /// <summary>The explorer's choices; set by whoever drives the threads.</summary>
    [field: NotState("the driver's answerer, set before each step")]
    public IChoice Choice { get; set; } = new FirstChoice();

    /// <inheritdoc/>
    public List<Cpu> Cpus { get; } = [];

    /// <inheritdoc/>
    /// <remarks>A step that takes the list may change it: taking it counts as a write of allproc (<see cref="StateDomain.Proc"/>).</remarks>
    public List<Proc> Procs
    {
        get
        {
            Versions.Bump(StateDomain.Proc);
            Versions.Bump(StateDomain.PoolItems);
            return _procs;
        }
    }

    /// <summary>Backs <see cref="Procs"/>.</summary>
    private readonly List<Proc> _procs = [];

    /// <summary>The P_SYSTEM process of the kernel threads (proc0's, for the model: they share vmspace0).</summary>
    public Proc SystemProc => _systemProc ??= new(0, system: true, this);

    /// <summary>Backs <see cref="SystemProc"/>, created on first use (it counts its writes in <see cref="Versions"/>).</summary>
    private Proc? _systemProc;

    /// <summary>alllwp, in creation order: the LWPs of the workload's processes (an LWP stays in the list; <see cref="Lwp.OnAllLwp"/> says whether it is on alllwp).</summary>
    public List<Lwp> Lwps
    {
        get
        {
            Reads("alllwp", 0, "members");
            return _lwps;
        }
    }

    /// <summary>Backs <see cref="Lwps"/>; <see cref="LinkLwp"/> is the only way in.</summary>
    private readonly List<Lwp> _lwps = [];

    /// <summary>Puts a new LWP on alllwp (newlwp(), kern_lwp.c; or at boot).</summary>
    internal void LinkLwp(Lwp l)
    {
        Writes("alllwp", 0, "members");
        Versions.Bump(StateDomain.Sched);
        Versions.Bump(StateDomain.PoolItems);
        Versions.Bump(StateDomain.LwpClock);
        _lwps.Add(l);
        l.LinkOnAllLwp(ProcListLock);
    }

    /// <summary>
    /// The rest of alllwp: the LWPs of the P_SYSTEM kernel threads (kthread_create1() links them on
    /// alllwp like any other; <see cref="Sched.Kthread"/>), in creation order. Kept apart from
    /// <see cref="Lwps"/>, whose LWPs run programs and have modelled u-areas.
    /// </summary>
    public IReadOnlyList<Lwp> KthreadLwps => _kthreadLwps;

    /// <summary>Backs <see cref="KthreadLwps"/>.</summary>
    private readonly List<Lwp> _kthreadLwps = [];

    /// <summary>kthread_create1(): the new kernel thread's LWP joins <see cref="KthreadLwps"/>.</summary>
    internal void LinkKthreadLwp(Lwp l)
    {
        Versions.Bump(StateDomain.Sched);
        Versions.Bump(StateDomain.LwpClock);
        _kthreadLwps.Add(l);
        l.LinkOnAllLwp(ProcListLock);
        ProcLists.Proc0Vmspace.RefCount++; // uvmspace_share(): the kernel thread runs in vmspace0
    }

    /// <inheritdoc/>
    public RunQueue RunQueue => _runQueue ??= new RunQueue(this);

    /// <summary>Backs <see cref="RunQueue"/>, created on first use (it records its accesses through this kernel).</summary>
    private RunQueue? _runQueue;

    /// <inheritdoc/>
    public Uvmexp Uvmexp => _uvmexp ??= new(Versions);

    /// <summary>Backs <see cref="Uvmexp"/>, created on first use.</summary>
    private Uvmexp? _uvmexp;

    /// <summary>The big kernel lock (kernel_lock), when <see cref="KernelConfig.BigLock"/> is on.</summary>
    public KernelLock BigLock { get; } = new();

    /// <summary>sched_lock: l_stat, l_cpu, the run queues and L_INMEM transitions.</summary>
    public StepLock SchedLock { get; } = new("sched_lock");

    /// <inheritdoc/>
    public EventChecks Events { get; } = new();

    /// <summary>
    /// proclist_lock (kern_proc.c): read-held while walking allproc/alllwp, write-held to link or
    /// unlink a process or LWP. Only uvm_swapout_threads() holds it across steps (its long sleepers'
    /// swapouts may sleep in uvm_fault_unwire()), so a writer waits for it with <see cref="Locks.Take"/>
    /// and a reader inside one step never finds it write-held.
    /// </summary>
    public SimpleLock ProcListLock { get; } = new("proclist_lock", LockKind.SpinMgr);

    /// <summary>Who sleeps where, and who the current step woke.</summary>
    public SleepQueues SleepQueues { get; } = new();

    /// <summary>Every kernel thread, indexed by <see cref="KernelThread.Index"/>.</summary>
    public List<KernelThread> Threads { get; } = [];

    /// <inheritdoc/>
    public IReadOnlyList<SimpleLock> LocksSleptOn => _locksSleptOn;

    /// <summary>Backs <see cref="LocksSleptOn"/>: each lock once, in the order first slept on.</summary>
    [NotState("history: which locks' channels are locks' channels; whether one is held and who sleeps on it is the state")]
    private readonly List<SimpleLock> _locksSleptOn = [];

    /// <summary>A thread sleeps on <paramref name="l"/>'s channel, waiting for it (<see cref="Locks"/>).</summary>
    internal void SleepsOn(SimpleLock l)
    {
        for (int i = 0; i < _locksSleptOn.Count; i++)
            if (_locksSleptOn[i] == l) return;
        _locksSleptOn.Add(l);
    }

    /// <summary>
    /// The thread whose atomic step is running now (curlwp/curproc of the step), or null between
    /// steps. Set by <see cref="KernelThread.Advance"/>; detectors read it to name who touched what.
    /// </summary>
    public KernelThread? Running
    {
        get => _running;
        internal set
        {
            _running = value;
            if (value is null) return;
            Accesses?.Clear();
            Discipline.StepStarted();
        }
    }

    /// <summary>Backs <see cref="Running"/>.</summary>
    private KernelThread? _running;

    /// <summary>
    /// Whether the running step holds the big lock (kernel_lock), or no big lock is modelled: set
    /// by <see cref="KernelThread.Advance"/> before each step, for the big-lock discipline check
    /// (<see cref="Core.Discipline.BigLockWrite"/>). The clock counts as a holder: an interrupt takes
    /// the lock recursively on the CPU it arrives on (<see cref="KernelLock"/>).
    /// </summary>
    [field: NotState("set before each step from the holder and the thread's own position, both state")]
    internal bool StepUnderBigLock { get; set; } = true;

    /// <summary>The lock-discipline and use-after-free detectors (model/Core/Discipline.cs).</summary>
    public Discipline Discipline => _discipline ??= new Discipline(this) { On = Config.Detectors };

    /// <summary>Backs <see cref="Discipline"/>, created on first use.</summary>
    private Discipline? _discipline;

    /// <summary>The lock-order detector (model/Core/LockOrder.cs).</summary>
    internal LockOrder LockOrder => _lockOrder ??= new LockOrder(Discipline);

    /// <summary>Backs <see cref="LockOrder"/>, created on first use.</summary>
    private LockOrder? _lockOrder;

    /// <summary>The detectors' step count, without creating them (0 before the first step): for a state's fingerprint, which must change nothing.</summary>
    internal int StepSerialSoFar => _discipline?.StepSerial ?? 0;

    /// <summary>
    /// Records what each step reads and writes of the state the model records per object
    /// (model/Core/AccessRecorder.cs); null, and free, outside <c>uvmcheck verify</c>.
    /// </summary>
    [field: NotState("verify's recorder, set before each step")]
    public AccessRecorder? Accesses { get; set; }

    /// <summary>A read of <paramref name="field"/> of object <paramref name="id"/> of <paramref name="kind"/> by the running step, if recording.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Reads(string kind, int id, string field)
    {
        if (Accesses is { } a && _running is not null) a.Read(kind, id, field);
    }

    /// <summary>A write of <paramref name="field"/> of object <paramref name="id"/> of <paramref name="kind"/> by the running step, if recording.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Writes(string kind, int id, string field)
    {
        if (Accesses is { } a && _running is not null) a.Write(kind, id, field);
    }

    /// <summary>
    /// The big lock's holder read (and written, when <paramref name="write"/>) by the step that just
    /// ran, or by a spin step (a step of its own, started through <see cref="Running"/> like any
    /// other). Recorded after <see cref="Running"/> is cleared, by <see cref="Core.KernelThread.Advance"/>.
    /// </summary>
    internal void RecordsBigLock(bool write)
    {
        if (Accesses is not { } a) return;
        a.Read("kernel_lock", 0, "holder");
        if (write) a.Write("kernel_lock", 0, "holder");
    }

    /// <summary>The choices made during the current step, in order (1/0 for coin flips), for the step log.</summary>
    [field: NotState("cleared as each step starts")]
    public List<int> StepChoices { get; } = [];

    /// <inheritdoc/>
    /// <remarks>Taking the list counts as a write of the maps (<see cref="StateDomain.Map"/>): only boot adds to it.</remarks>
    public List<Vmspace> Vmspaces
    {
        get
        {
            Versions.Bump(StateDomain.Map);
            Versions.Bump(StateDomain.PoolItems);
            return _vmspaces;
        }
    }

    /// <summary>Backs <see cref="Vmspaces"/>.</summary>
    private readonly List<Vmspace> _vmspaces = [];

    /// <inheritdoc/>
    public Vm.VmState Vm => _vm ??= new(Versions, this);

    /// <summary>Backs <see cref="Vm"/>, created on first use.</summary>
    private Vm.VmState? _vm;

    /// <inheritdoc/>
    public UareaCache Uareas => _uareas ??= new(Versions, Discipline);

    /// <summary>Backs <see cref="Uareas"/>, created on first use.</summary>
    private UareaCache? _uareas;

    /// <summary>
    /// One version per part of the state (<see cref="StateDomain"/>), bumped by every write to it:
    /// the stepping core judges an invariant only when a part it reads has moved.
    /// </summary>
    public WriteVersions Versions { get; } = new();

    /// <inheritdoc/>
    public Pool.KernelPools Pools => _pools ??= new(Config, Versions, Discipline);

    /// <summary>Backs <see cref="Pools"/>, created on first use.</summary>
    private Pool.KernelPools? _pools;

    /// <summary>kernel_map's lock (vm_map_lock, a sleep lock): uvm_km_alloc/uvm_km_free hold it.</summary>
    public SimpleLock KernelMapLock { get; } = new("kernel_map", LockKind.Sleep);

    /// <inheritdoc/>
    public ProcLists ProcLists => _procLists ??= new(this);

    /// <summary>Backs <see cref="ProcLists"/>, created on first use (vmspace0 counts its writes in <see cref="Versions"/>).</summary>
    private ProcLists? _procLists;

    /// <summary>Seconds of schedcpu() so far.</summary>
    public int Time
    {
        get { Reads("clock", 0, "time"); return _time; }
        internal set { Writes("clock", 0, "time"); _time = value; }
    }

    /// <summary>Backs <see cref="Time"/>.</summary>
    [Clock("the seconds hardclock() has counted")]
    private int _time;

    IReadOnlyList<Cpu> IKernelView.Cpus => Cpus;
    IReadOnlyList<Proc> IKernelView.Procs => _procs;
    IReadOnlyList<Lwp> IKernelView.Lwps => Lwps;
    IReadOnlyList<Lwp> IKernelView.KthreadLwps => _kthreadLwps;
    IReadOnlyList<KernelThread> IKernelView.Threads => Threads;
    IReadOnlyList<Vmspace> IKernelView.Vmspaces => _vmspaces;

    /// <summary>True when every user LWP has run its program to the end.</summary>
    public bool AllLwpsFinished
    {
        get
        {
            foreach (var l in Lwps)
                if (!l.Finished) return false;
            return true;
        }
    }

    /// <summary>Adds a process with LWPs running the given programs, all runnable and queued.</summary>
    public Proc AddProcess(IReadOnlyList<IReadOnlyList<LwpOp>> programs)
    {
        var p = new Proc(Procs.Count + 1, system: false, this);
        Procs.Add(p);
        p.Relist(ProcListLock, ProcList.AllProc, hashed: true); // at boot: no walker yet
        // By index: a foreach over the read-only list would box its enumerator at every boot.
        for (int i = 0; i < programs.Count; i++) AddLwp(p, programs[i]);
        return p;
    }

    /// <summary>An LWP of <paramref name="p"/> running <paramref name="program"/>, resident (its u-area wired), runnable and queued.</summary>
    private void AddLwp(Proc p, IReadOnlyList<LwpOp> program)
    {
        var l = new Lwp(Lwps.Count + 1, p, program, this);
        l.Uarea = Uareas.Create(wired: true);
        l.Uarea.Owner = l;
        p.LwpList.Add(l);
        p.Nlwps++;
        p.Nrlwps++; // LSRUN, queued
        LinkLwp(l);
        RunQueue.Link(l);
    }

    /// <summary>The choice used before an explorer takes over: always the first option.</summary>
    private sealed class FirstChoice : IChoice
    {
        public bool Boolean() => false;
        public int Integer(int maxExclusive) => 0;
    }
}
