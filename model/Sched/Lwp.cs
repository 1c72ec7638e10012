using System.Runtime.CompilerServices;
using Uvm.Model.Core;
using Uvm.Model.Exit;

namespace Uvm.Model.Sched;

/// <summary>
/// struct lwp: the scheduler state (l_stat, l_cpu, run-queue link), residency of its u-area
/// (L_INMEM), the swap-out clocks (l_swtime, l_slptime), l_holdcnt, and the user program it runs.
/// Written only by the kernel paths in this assembly; invariants read it. sched_lock protects
/// l_stat, l_cpu, the run-queue link and L_INMEM (sys/lwp.h, "l: sched_lock"): their accessors
/// check it during a step (<see cref="Discipline"/>), and every field checks the LWP is not freed.
/// The swapout scan and proc0 read l_stat and L_INMEM without it: <see cref="RacyStat"/>, <see cref="RacyInMemory"/>
/// (and the 2004 scan's assertion l_cpu: <see cref="RacyCpu"/>).
/// </summary>
public sealed class Lwp(int lid, Proc proc, IReadOnlyList<LwpOp> program, Kernel? kernel = null)
{
    /// <summary>The detectors of the kernel the LWP lives in; null for an LWP built alone in a unit test.</summary>
    private readonly Discipline? _d = kernel?.Discipline;

    /// <summary>The kernel, whose <see cref="Kernel.Accesses"/> records this LWP's fields per field group.</summary>
    private readonly Kernel? _k = kernel;

    /// <summary>sched_lock of that kernel.</summary>
    private readonly StepLock? _sched = kernel?.SchedLock;

    /// <summary>Backing fields of the sched_lock-protected state.</summary>
    private LwpStat _stat = LwpStat.Run;
    private Cpu? _cpu;
    private bool _onRunQueue, _inMemory = true;

    /// <summary>Where pool_put(&amp;lwp_pool) freed it.</summary>
    private Poison _poison;

    /// <summary>A global LWP number, used in messages ("lwp 3").</summary>
    public int Lid { get; } = lid;

    /// <summary>l_proc.</summary>
    public Proc Proc { get; } = proc;

    /// <summary>l_stat (sched_lock).</summary>
    public LwpStat Stat
    {
        get { if (_k?.Running is not null) Checked("l_stat"); return _stat; }
        internal set { Stored("l_stat", (long)_stat); W("l_stat"); V(); _stat = value; }
    }

    /// <summary>l_cpu: the CPU it runs (or last ran) on (sched_lock).</summary>
    public Cpu? Cpu
    {
        get { if (_k?.Running is not null) Checked("l_cpu"); return _cpu; }
        internal set { if (_d is not null && _sched is not null) { _d.Touch(_poison, this); _d.WriteRef(_sched, this, "l_cpu", _cpu); } W("l_cpu"); V(); _cpu = value; }
    }

    /// <summary>l_back != NULL: the LWP is linked on a run queue (sched_lock).</summary>
    public bool OnRunQueue
    {
        get { if (_k?.Running is not null) Checked("l_back"); return _onRunQueue; }
        internal set { Stored("l_back", _onRunQueue ? 1 : 0); W("l_back"); V(); _onRunQueue = value; }
    }

    /// <summary>L_INMEM: the u-area (PCB and kernel stack) is wired and resident (sched_lock).</summary>
    public bool InMemory
    {
        get { if (_k?.Running is not null) Checked("L_INMEM"); return _inMemory; }
        internal set { Stored("L_INMEM", _inMemory ? 1 : 0); W("L_INMEM"); V(); _inMemory = value; }
    }

    /// <summary>
    /// l_stat read without sched_lock where the kernel does so: it may see the value before an
    /// unseen store of the last critical section. <paramref name="why"/> quotes the kernel's reason.
    /// </summary>
    public LwpStat RacyStat(string why)
    {
        _ = why;
        R("l_stat");
        if (_d is null) return _stat;
        _d.Touch(_poison, this);
        return (LwpStat)_d.Racy(this, "l_stat", (long)_stat);
    }

    /// <summary>
    /// l_cpu read without sched_lock (only the pre-fix walk of PR kern/31870 does): like
    /// <see cref="RacyStat"/>, it may see the value before an unseen store of the last critical
    /// section; cpu_switch() stores l_stat = LSONPROC and then l_cpu, as i386 locore.s does.
    /// </summary>
    public Cpu? RacyCpu(string why)
    {
        _ = why;
        R("l_cpu");
        if (_d is null) return _cpu;
        _d.Touch(_poison, this);
        return _d.RacyRef(this, "l_cpu", _cpu);
    }

    /// <summary>
    /// l_stat read without sched_lock but under the big kernel lock, as its writer of interest is
    /// (lwp_exit2() and the reaper set LSZOMB under KERNEL_LOCK): no half-done section to see.
    /// <paramref name="why"/> quotes the kernel.
    /// </summary>
    public LwpStat StatUnderKernelLock(string why)
    {
        _ = why;
        R("l_stat");
        _d?.Touch(_poison, this);
        return _stat;
    }

    /// <summary>
    /// curcpu() of the running LWP: its own l_cpu, which only cpu_switch() on that same CPU
    /// changes, so the kernel reads it without sched_lock.
    /// </summary>
    internal Cpu? CurCpu
    {
        get
        {
            R("l_cpu");
            _d?.Touch(_poison, this);
            return _cpu;
        }
    }

    /// <summary>L_INMEM read without sched_lock; see <see cref="RacyStat"/>.</summary>
    public bool RacyInMemory(string why)
    {
        _ = why;
        R("L_INMEM");
        if (_d is null) return _inMemory;
        _d.Touch(_poison, this);
        return _d.Racy(this, "L_INMEM", _inMemory ? 1 : 0) != 0;
    }

    /// <summary>
    /// newlwp(): l_stat and L_INMEM of an LWP not yet on alllwp, which no other thread can reach,
    /// so the kernel sets them without sched_lock.
    /// </summary>
    internal void InitUnpublished(LwpStat stat, bool inMemory)
    {
        W("l_stat");
        W("L_INMEM");
        V();
        _stat = stat;
        _inMemory = inMemory;
    }

    /// <summary>
    /// process_read_regs(): a read of the trapframe (l_md.md_regs, in the u-area) through a pointer
    /// the reader kept (<see cref="Exit.ProcfsRegs"/>): the LWP must not be freed.
    /// </summary>
    internal void ReadTrapframe()
    {
        _d?.Touch(_poison, this);
        R("l_md");
    }

    /// <summary>L_SWAPPINGIN read without sched_lock, as uvm_scheduler()'s walk reads L_INMEM (<see cref="RacyInMemory"/>).</summary>
    public bool RacySwappingIn(string why)
    {
        _ = why;
        R("L_SWAPPINGIN");
        if (_d is null) return _swappingIn;
        _d.Touch(_poison, this);
        return _d.Racy(this, "L_SWAPPINGIN", _swappingIn ? 1 : 0) != 0;
    }

    /// <summary>
    /// uvm_lwp_exit(): <c>l->l_flag &amp;= ~L_INMEM</c> on the dead LWP, which the kernel writes
    /// without sched_lock (uvm_glue.c). A declared unlocked write: checked for use after free only.
    /// </summary>
    internal void ClearInMemoryUnlocked()
    {
        _d?.Touch(_poison, this);
        W("L_INMEM");
        V();
        _inMemory = false;
    }

    /// <summary>
    /// lwp_exit2() and the reaper: <c>l->l_stat = LSZOMB</c> on the dead LWP no CPU runs any more,
    /// written under KERNEL_LOCK but without sched_lock (kern_lwp.c, kern_exit.c). A declared
    /// unlocked write: checked for use after free only.
    /// </summary>
    internal void BecomeZombieUnlocked()
    {
        _d?.Touch(_poison, this);
        W("l_stat");
        V();
        _stat = LwpStat.Zomb;
    }

    /// <summary>
    /// newlwp() and uvm_lwp_fork() set L_INMEM of the LSIDL child without sched_lock: no scan
    /// picks an LSIDL LWP. Any other LWP goes through the checked setter.
    /// </summary>
    internal void SetInMemoryWhileIdle(bool value)
    {
        R("l_stat");
        if (_stat != LwpStat.Idle)
        {
            InMemory = value;
            return;
        }
        _d?.Touch(_poison, this);
        W("L_INMEM");
        V();
        _inMemory = value;
    }

    /// <summary>
    /// A write to the LWP's scheduler state (<see cref="StateDomain.Sched"/>): every setter but those
    /// of the clocks, l_wchan, l_holdcnt, the sleep timeout and the program position calls it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void V() => _k?.Versions.Bump(StateDomain.Sched);

    /// <summary>A write to a field outside <see cref="StateDomain.Sched"/> (<see cref="StateDomain.LwpClock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void C() => _k?.Versions.Bump(StateDomain.LwpClock);

    /// <summary>A read of <paramref name="group"/> by the running step, for verify (with the LWP's existence).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void R(string group)
    {
        if (_k?.Accesses is null) return;
        _k.Reads("lwp", Lid, group);
        _k.Reads("lwp", Lid, "lwp");
    }

    /// <summary>A write of <paramref name="group"/> by the running step, for verify (reading the LWP's existence).</summary>
    private void W(string group)
    {
        if (_k?.Accesses is null) return;
        _k.Writes("lwp", Lid, group);
        _k.Reads("lwp", Lid, "lwp");
    }

    /// <summary>
    /// A read of a sched_lock field inside a step: the lock is held, the LWP is live, and verify
    /// records the read. Between steps (an invariant reading) every one of these checks does
    /// nothing, so the getters call it only inside a step and stay small enough to inline.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Checked(string field)
    {
        Locked(field);
        R(field);
    }

    /// <summary>A read of a sched_lock field: the lock is held and the LWP is live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Locked(string field)
    {
        if (_d is null || _sched is null) return;
        _d.Touch(_poison, this);
        _d.Read(_sched, this, field);
    }

    /// <summary>A write of a sched_lock field whose value was <paramref name="old"/>.</summary>
    private void Stored(string field, long old)
    {
        if (_d is null || _sched is null) return;
        _d.Touch(_poison, this);
        _d.Write(_sched, this, field, old);
    }

    /// <summary>
    /// How many times the u-area pages are wired: uvm_fault_wire() adds one, uvm_fault_unwire()
    /// takes one, as the pages' wire_count does. A swap-in may wire the u-area again before the
    /// swapout that cleared L_INMEM has unwired it; the pages stay wired throughout. Kept on the
    /// <see cref="Uarea"/>, which may move to another LWP through the free list; 0 without one.
    /// </summary>
    public int UareaWireCount
    {
        get => Uarea?.WireCount ?? 0;
        internal set
        {
            if (Uarea is { } u) u.WireCount = value;
        }
    }

    /// <summary>The u-area pages are wired; false once the LWP has none.</summary>
    public bool UareaWired
    {
        get => UareaWireCount > 0;
        internal set
        {
            if (Uarea is { } u) u.Wired = value;
        }
    }

    /// <summary>l_addr: its u-area (PCB and kernel stack); null after uvm_lwp_exit().</summary>
    public Uarea? Uarea { get; internal set { V(); field = value; } }

    /// <summary>
    /// l_wchan: the channel it sleeps on in the kernel (wait4, lwp_wait1, uvm_wait, a lock); null
    /// otherwise. ltsleep() sets it and wakeup(), unsleep() and endtsleep() clear it, all under
    /// sched_lock (kern_synch.c): a write without it is reported (a check only).
    /// </summary>
    public WaitChannel? WChan
    {
        get { R("l_wchan"); return _wChan; }
        internal set { if (_sched is not null) _d?.WriteAlsoUnder(_sched, this, "l_wchan"); W("l_wchan"); C(); _wChan = value; }
    }

    private WaitChannel? _wChan;

    /// <summary>L_DETACHED: nobody waits for it; lwp_exit2() (or the reaper) frees it.</summary>
    public bool Detached
    {
        get { R("L_DETACHED"); return _detached; }
        internal set { W("L_DETACHED"); V(); _detached = value; }
    }

    private bool _detached;

    /// <summary>cpu_exit() has switched away from it for good: no CPU runs on its stack any more.</summary>
    public bool SwitchedAway
    {
        get { R("switched away"); return _switchedAway; }
        internal set { W("switched away"); V(); _switchedAway = value; }
    }

    private bool _switchedAway;

    /// <summary>Its exit path has reached KERNEL_PROC_UNLOCK() before cpu_exit(): the rest runs without the big lock.</summary>
    internal bool KernelLockDropped
    {
        get { R("pc"); return _kernelLockDropped; }
        set { W("pc"); _kernelLockDropped = value; }
    }

    private bool _kernelLockDropped;

    /// <summary>pool_put(&amp;lwp_pool): the structure is freed.</summary>
    public bool Freed => _poison.Freed;

    /// <summary>pool_put(&amp;lwp_pool) in <paramref name="function"/>: the LWP is poisoned.</summary>
    internal void Free(string function)
    {
        W("lwp");
        V();
        if (_d is not null) _d.Free(ref _poison, function, this);
        else _poison.FreedIn = function;
    }

    /// <summary>The kernel path it is in (a system call, or its exit), resumed wherever it next runs; null in user mode.</summary>
    internal IEnumerator<Step>? KernelPath
    {
        get { R("pc"); return _kernelPath; }
        set { W("pc"); _kernelPath = value; }
    }

    private IEnumerator<Step>? _kernelPath;

    /// <summary>l_swtime: seconds resident (or swapped out).</summary>
    public int SwTime
    {
        get { R("l_swtime"); return _swTime; }
        internal set { W("l_swtime"); C(); _swTime = value; }
    }

    [Core.Clock("l_swtime: seconds in or out of memory, one more every schedcpu()")]
    private int _swTime;

    /// <summary>l_slptime: seconds asleep.</summary>
    public int SlpTime
    {
        get { R("l_slptime"); return _slpTime; }
        internal set { W("l_slptime"); C(); _slpTime = value; }
    }

    [Core.Clock("l_slptime: seconds asleep, one more every schedcpu()")]
    private int _slpTime;

    /// <summary>
    /// The vmspace whose reference this LWP's system call holds from outside its process (the
    /// local <c>vmspace</c> of sysctl_procargs(), model/Exit/SysctlProcArgs.cs), or null: a reference
    /// vm_refcnt counts (a write of <see cref="StateDomain.Proc"/>, where the counts are).
    /// </summary>
    public Exit.ProcVmspace? HeldVmspace
    {
        get => field;
        internal set
        {
            _k?.Versions.Bump(StateDomain.Proc);
            _k?.Versions.Bump(StateDomain.VmRefs);
            field = value;
        }
    }

    /// <summary>
    /// l_holdcnt: PHOLD count; no swapout while positive. PHOLD() and PRELE() of another LWP's
    /// (process_doregs(), <see cref="Exit.ProcfsRegs"/>) write it through a pointer that lives on
    /// past a sleep, so a write checks that the LWP is not freed.
    /// </summary>
    public int HoldCount
    {
        get { R("l_holdcnt"); return _holdCount; }
        internal set { _d?.Touch(_poison, this); W("l_holdcnt"); C(); _holdCount = value; }
    }

    private int _holdCount;

    /// <summary>
    /// l_refcnt: the references procfs readers hold on this LWP (lwp_addref(), kern_lwp.c of 2007),
    /// which its exit drains (lwp_drainrefs()) before the structure can go. The 2003-04 procfs
    /// takes none (<see cref="Switches.ProcfsHoldOutlivesExit"/>).
    /// </summary>
    public int RefCount
    {
        get { R("l_refcnt"); return _refCount; }
        internal set { _d?.Touch(_poison, this); W("l_refcnt"); V(); _refCount = value; }
    }

    private int _refCount;

    /// <summary>
    /// Asleep in lwp_exit()'s lwp_drainrefs() (<see cref="Exit.LwpExit.DrainRefs"/>), waiting for
    /// procfs readers' references to go: the sleeper detector asks that some remain.
    /// </summary>
    public bool Draining
    {
        get { R("pc"); return _draining; }
        internal set { W("pc"); V(); _draining = value; }
    }

    private bool _draining;

    /// <summary>
    /// lwp_exit() has decided this LWP is not the process's last and counted it a zombie (kern_lwp.c
    /// 1.40.2.2: p_nzlwps++ in the section of the test, "for accounting purposes"): a sibling deciding
    /// whether it is the last live LWP counts this one gone, and swappable() leaves it alone (the
    /// later LW_WEXIT), though it may yet wait for proclist_lock or drain procfs references.
    /// </summary>
    public bool ExitCounted
    {
        get { R("pc"); return _exitCounted; }
        internal set { W("pc"); V(); _exitCounted = value; }
    }

    private bool _exitCounted;

    /// <summary>&amp;l->l_refcnt: where an exiting LWP waits for its references to drain, and a reader's lwp_delref() wakes it.</summary>
    public WaitChannel RefsChannel => _refsChannel ??= new($"&l_refcnt of {this}");

    [NotState("a cache of the channel, whose name comes from the LWP's number")]
    private WaitChannel? _refsChannel;

    /// <summary>
    /// A uvm_swapin() of this LWP is under way (sched_lock). The model's default lets one path
    /// swap an LWP in at a time, as FreeBSD's faultin() and swapper do with P_SWAPPINGIN: proc0
    /// skips an LWP being swapped in, and a PHOLD() that finds it so sleeps on
    /// <see cref="SwapinChannel"/> until it is resident. The 2003-04 kernel has no such mark
    /// (<see cref="Switches.PholdSwapinUnlocked"/>).
    /// </summary>
    public bool SwappingIn
    {
        get { if (_k?.Running is not null) Checked("L_SWAPPINGIN"); return _swappingIn; }
        internal set { Stored("L_SWAPPINGIN", _swappingIn ? 1 : 0); W("L_SWAPPINGIN"); V(); _swappingIn = value; }
    }

    private bool _swappingIn;

    /// <summary>
    /// The PHOLD() paths that found this LWP swapped out and are swapping it in or waiting for its
    /// swap-in (<see cref="Exit.ProcfsRegs"/>): until it is resident it is held and not in memory,
    /// which is no swapout (HeldLwpIsNeverSwappedOut excepts it).
    /// </summary>
    public int HoldSwapins
    {
        get => _holdSwapins;
        internal set { V(); _holdSwapins = value; }
    }

    private int _holdSwapins;

    /// <summary>Where a PHOLD() waits for a swap-in under way; the path that swapped the LWP in wakes it.</summary>
    public WaitChannel SwapinChannel => _swapinChannel ??= new($"&l_flag (swap-in) of {this}");

    [NotState("a cache of the channel, whose name comes from the LWP's number")]
    private WaitChannel? _swapinChannel;

    /// <summary>
    /// l_flag &amp; L_SINTR: the LWP sleeps interruptibly (ltsleep() with PCATCH: the model's
    /// nanosleep, <see cref="SleepFor"/>), so exit_lwps() may make it runnable. Set and cleared by
    /// ltsleep() under sched_lock; not lock-checked, as exit_lwps() of 2003 reads it without the lock.
    /// </summary>
    public bool Sintr
    {
        get { R("l_flag"); return _sintr; }
        internal set { W("l_flag"); V(); _sintr = value; }
    }

    private bool _sintr;

    /// <summary>
    /// l_vforkwaiting: this LWP sleeps in vfork()'s fork1() until its child clears it with
    /// P_PPWAIT (later NetBSD's form, sys/lwp.h "a: vfork() waiting"; the model's default, so that
    /// the waiting LWP tests its own field rather than the child's: <see cref="Exit.ProcessFork"/>).
    /// </summary>
    public bool VforkWaiting
    {
        get { R("l_vforkwaiting"); return _vforkWaiting; }
        internal set { W("l_vforkwaiting"); V(); _vforkWaiting = value; }
    }

    private bool _vforkWaiting;

    /// <summary>
    /// The child this LWP's vfork() waits for, while it is in fork1()'s "ppwait" loop, else null:
    /// the loop's local p2 (a position of its kernel path, as <see cref="Pc"/> is of its program).
    /// </summary>
    public Proc? VforkChild
    {
        get { R("pc"); return _vforkChild; }
        internal set { W("pc"); C(); _vforkChild = value; }
    }

    private Proc? _vforkChild;

    /// <summary>
    /// The pid its last fork() returned (retval[0] of fork1()), or 0 before any: what a debugger
    /// that forked a child keeps to signal it (<see cref="Kill"/> without a pid). A register of
    /// the user program, as <see cref="Pc"/> is.
    /// </summary>
    public int ForkedPid
    {
        get { R("pc"); return _forkedPid; }
        internal set { W("pc"); C(); _forkedPid = value; }
    }

    private int _forkedPid;

    /// <summary>Seconds left before the tsleep() timeout fires.</summary>
    public int SleepTimeout
    {
        get { R("timeout"); return _sleepTimeout; }
        internal set { W("timeout"); C(); _sleepTimeout = value; }
    }

    private int _sleepTimeout;

    /// <summary>The user program.</summary>
    public IReadOnlyList<LwpOp> Program { get; } = program;

    /// <summary>Index of the current operation in <see cref="Program"/>.</summary>
    public int Pc
    {
        get { R("pc"); return _pc; }
        internal set { W("pc"); C(); _pc = value; }
    }

    private int _pc;

    /// <summary>Quanta already run of the current operation.</summary>
    public int QuantaDone
    {
        get { R("pc"); return _quantaDone; }
        internal set { W("pc"); C(); _quantaDone = value; }
    }

    private int _quantaDone;

    /// <summary>True once the program has run to its end and the LWP exited.</summary>
    public bool Finished
    {
        get
        {
            R("l_stat"); // model bookkeeping, not a kernel read: not checked by the detectors, but recorded
            return _stat is LwpStat.Zomb or LwpStat.Dead;
        }
    }

    /// <summary>
    /// On alllwp (l_list): a walk of alllwp (the model's <see cref="Kernel.Lwps"/>, which keeps
    /// every LWP) skips the rest. newlwp() links it and lwp_exit() and exit1() LIST_REMOVE(l, l_list)
    /// it, each under proclist_lock_write(), in the step that makes it LSDEAD (kern_lwp.c of the
    /// nathanw_sa merge; kern_exit.c 1.89.2.27, "s = proclist_lock_write(); ... LIST_REMOVE(l,
    /// l_list); ... proclist_unlock_write(s)"), while uvm_swapout_threads() and the other walkers
    /// hold the read lock: the unlink checks proclist_lock (<see cref="UnlinkFromAllLwp"/>).
    /// </summary>
    public bool OnAllLwp
    {
        get
        {
            R("l_list");
            return _onAllLwp;
        }
    }

    /// <summary>
    /// LIST_NEXT(l, l_list) of a walk of alllwp (LIST_FOREACH reads it after the loop body): a read
    /// of this LWP, which must still exist, and of its link, under <paramref name="proclist"/>. A
    /// walk that dropped the lock in its body and goes on from an LWP freed meanwhile reads freed
    /// memory here (the model's <see cref="Kernel.Lwps"/> never loses an element, so only this read
    /// shows it).
    /// </summary>
    internal void ReadNextOnAllLwp(IOwnedLock proclist)
    {
        R("l_list");
        if (_d is null) return;
        _d.Touch(_poison, this);
        _d.Read(proclist, this, "l_list");
    }

    /// <summary>Backs <see cref="OnAllLwp"/>; <see cref="Kernel.LinkLwp"/> sets it.</summary>
    private bool _onAllLwp;

    /// <summary>newlwp() (or boot): LIST_INSERT_HEAD(&amp;alllwp, l, l_list), under proclist_lock_write() (<see cref="Kernel.LinkLwp"/>).</summary>
    internal void LinkOnAllLwp(IOwnedLock proclist)
    {
        ListLinkWritten(proclist, _onAllLwp);
        _onAllLwp = true;
    }

    /// <summary>lwp_exit() and exit1(): LIST_REMOVE(l, l_list); the caller must hold <paramref name="proclist"/> (proclist_lock), as the walkers of alllwp rely on.</summary>
    internal void UnlinkFromAllLwp(IOwnedLock proclist)
    {
        ListLinkWritten(proclist, _onAllLwp);
        _onAllLwp = false;
    }

    /// <summary>A write of l_list whose value was <paramref name="old"/>: proclist_lock is held and the LWP is live.</summary>
    private void ListLinkWritten(IOwnedLock proclist, bool old)
    {
        W("l_list");
        V();
        if (_d is null) return;
        _d.Touch(_poison, this);
        _d.Write(proclist, this, "l_list", old ? 1 : 0);
    }

    /// <summary>The lwp_pool item holding this struct lwp (newlwp's pool_get), or null if made at boot.</summary>
    public int? PoolItem { get; internal set { V(); _k?.Versions.Bump(StateDomain.PoolItems); field = value; } }

    /// <summary>The kernel thread whose LWP this is (kthread_create1()), or null for a user LWP.</summary>
    internal Kthread? Kthread { get; init; }

    /// <summary>
    /// <see cref="Exit.LwpExit.CpuThreadOf"/> of this LWP as a delegate, made on first use: the
    /// fork, wait4 and exit paths of the LWP pass it as their <c>selfOf</c>, where a lambda over
    /// the LWP would allocate a closure and a delegate at every call.
    /// </summary>
    internal Func<KernelThread> CpuThreadOf => _cpuThreadOf ??= () => Exit.LwpExit.CpuThreadOf(this);

    /// <summary>Backs <see cref="CpuThreadOf"/>.</summary>
    private Func<KernelThread>? _cpuThreadOf;

    /// <summary>The sleep locks this LWP holds while asleep (<see cref="Core.KernelThread.ParkSleepLocks"/>), or null.</summary>
    [field: Core.NotState("the same as the locks whose SimpleLock.ParkedWith is this LWP")]
    internal List<Core.SimpleLock>? ParkedLocks { get; set; }

    /// <inheritdoc/>
    public override string ToString() => Kthread is { } t ? $"lwp of {t.Name}" : $"lwp {Lid}";
}
