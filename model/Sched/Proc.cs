using System.Collections.Immutable;
using Uvm.Model.Core;
using Uvm.Model.Exit;

namespace Uvm.Model.Sched;

/// <summary>
/// struct proc, the parts the modelled paths read: its flags and its LWPs. proc_free() returns it
/// to proc_pool (<see cref="Free"/>): from then on a step that reads or writes p_stat, P_WEXIT,
/// p_pptr, p_vmspace, p_lwps or p_children through a stale pointer is a use after free
/// (model/Core/Discipline.cs).
/// </summary>
public sealed class Proc(int pid, bool system, Kernel? kernel = null, ProcVmspace? sharedVmspace = null)
{
    /// <summary>The detectors of the kernel the process lives in; null for a process built alone in a unit test.</summary>
    private readonly Discipline? _d = kernel?.Discipline;

    /// <summary>The write versions of that kernel (<see cref="StateDomain.Proc"/>).</summary>
    private readonly WriteVersions? _versions = kernel?.Versions;

    /// <summary>Backing fields of the poisoned state.</summary>
    private bool _exiting;
    private ProcStat _stat = ProcStat.Active;
    private Proc? _parent;
    private ProcVmspace? _vmspace; // null: ForkedVmspace

    /// <summary>Where proc_free() freed it.</summary>
    private Poison _poison;

    /// <summary>p_pid.</summary>
    public int Pid { get; } = pid;

    /// <summary>The proc's address as a sleep channel (<see cref="Exit.ProcLists.ChannelOf"/>), named once: a wait4() or exit1() builds no string.</summary>
    internal WaitChannel AddressChannel => _addressChannel ??= new(Named(AddressNames, Pid) ?? $"&proc(pid {Pid})");

    /// <summary>&amp;p->p_nlwps as a sleep channel (<see cref="Exit.ProcLists.NlwpsOf"/>), named once.</summary>
    internal WaitChannel NlwpsChannel => _nlwpsChannel ??= new(Named(NlwpsNames, Pid) ?? $"&p_nlwps(pid {Pid})");

    /// <summary>Back <see cref="AddressChannel"/> and <see cref="NlwpsChannel"/>.</summary>
    private WaitChannel? _addressChannel, _nlwpsChannel;

    /// <summary>
    /// The vmspace owner and channel names of pids 0-63, made once: every schedule creates its
    /// processes (and fork more), and each named its vmspace and, on wait4 or exit, its channels.
    /// </summary>
    private static readonly ImmutableArray<string> PidNames = [.. Enumerable.Range(0, 64).Select(p => $"pid {p}")],
        AddressNames = [.. Enumerable.Range(0, 64).Select(p => $"&proc(pid {p})")],
        NlwpsNames = [.. Enumerable.Range(0, 64).Select(p => $"&p_nlwps(pid {p})")];

    /// <summary>The name of <paramref name="pid"/> in <paramref name="names"/>, or null past its end.</summary>
    private static string? Named(ImmutableArray<string> names, int pid) => pid >= 0 && pid < names.Length ? names[pid] : null;

    /// <summary>P_SYSTEM: a kernel process; never swapped out.</summary>
    public bool System { get; } = system;

    /// <summary>
    /// p_userret == lwp_exit_hook: exit_lwps() has asked every other LWP of the process to call
    /// lwp_exit() on its way back to user mode (userret()); cleared when exit_lwps() is done.
    /// </summary>
    public bool ExitHook
    {
        get { Touch(); return _exitHook; }
        internal set { Touch(); _d?.BigLockWrite(this, "p_userret"); V(); _exitHook = value; }
    }

    private bool _exitHook;

    /// <summary>
    /// exit_lwps() has begun: it set the userret hook and interrupted the other LWPs' sleeps. The
    /// model's record of that event, never cleared (the process is on its way out), so that a rule
    /// about what follows does not read the hook it is about.
    /// </summary>
    public bool ExitLwpsBegun { get; internal set { Touch(); V(); field = value; } }

    /// <summary>P_WEXIT: exit1() has started; never swapped out.</summary>
    public bool Exiting
    {
        get { Touch(); return _exiting; }
        internal set { Touch(); _d?.BigLockWrite(this, "p_flag"); V(); _exiting = value; }
    }

    /// <summary>p_lwps: the process's LWPs. An exiting LWP leaves it when it is detached or collected.</summary>
    public IReadOnlyList<Lwp> Lwps
    {
        get { Touch(); return _lwpList; }
    }

    /// <summary>p_lwps, for the kernel paths that link and unlink LWPs.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Proc"/>).</remarks>
    internal List<Lwp> LwpList => Taken(_lwpList);

    /// <summary>Backs <see cref="Lwps"/> and <see cref="LwpList"/>.</summary>
    private readonly List<Lwp> _lwpList = [];

    /// <summary>
    /// The path that made this process a zombie wakes its parent in a later section of its own
    /// (the reaper of kern_exit.c 1.121: wakeup(p->p_pptr) after KERNEL_PROC_UNLOCK): until then
    /// the parent may sleep in wait4() with the zombie there, not for a lost wakeup.
    /// </summary>
    public bool ParentWakeupOwed { get; internal set { V(); field = value; } }

    /// <summary>p_stat.</summary>
    public ProcStat Stat
    {
        get { Touch(); return _stat; }
        internal set { Touch(); V(); _stat = value; }
    }

    /// <summary>p_pptr: the parent, which collects it with wait4(); null for a process nobody waits for.</summary>
    public Proc? Parent
    {
        get { Touch(); return _parent; }
        internal set { Touch(); _d?.BigLockWrite(this, "p_pptr"); V(); _parent = value; }
    }

    /// <summary>p_children: its children not yet collected.</summary>
    public IReadOnlyList<Proc> Children
    {
        get { Touch(); return _childList; }
    }

    /// <summary>p_children, for fork, wait and the reparenting of orphans.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Proc"/>).</remarks>
    internal List<Proc> ChildList
    {
        get
        {
            _d?.BigLockWrite(this, "p_children");
            return Taken(_childList);
        }
    }

    /// <summary>Backs <see cref="Children"/> and <see cref="ChildList"/>.</summary>
    private readonly List<Proc> _childList = [];

    /// <summary>
    /// p_list: which of allproc and zombproc the process is on (one LIST_ENTRY serves both), or
    /// neither once proc_free() has taken it off (kern_exit.c 1.89.2.27). Written only under
    /// proclist_lock_write(), which the walkers of both lists hold for reading (a lock-discipline
    /// check, as alllwp's l_list).
    /// </summary>
    public ProcList ListedOn
    {
        get { Touch(); return _listedOn; }
    }

    /// <summary>
    /// p_hash: the process is on its pid hash chain, where pfind() looks (kern_proc.c 1.63). fork1()
    /// hashes it; exit1() unhashes it as it moves the process to zombproc (kern_exit.c 1.89.2.27:
    /// <c>LIST_REMOVE(p, p_hash); LIST_REMOVE(p, p_list); LIST_INSERT_HEAD(&amp;zombproc, p, p_list)</c>).
    /// </summary>
    public bool Hashed
    {
        get { Touch(); return _hashed; }
    }

    /// <summary>
    /// <see cref="Hashed"/> without the use-after-free check: the model's own walk over every
    /// process it ever made (freed ones too) to find the hash chain's members, where the kernel
    /// walks only the chain. A member found is then read through the checked fields.
    /// </summary>
    public bool HashedUnchecked => _hashed;

    /// <summary><see cref="ListedOn"/> without the use-after-free check, for the link check of a freed process.</summary>
    public ProcList ListedOnUnchecked => _listedOn;

    /// <summary>Backs <see cref="ListedOn"/>.</summary>
    private ProcList _listedOn;

    /// <summary>Backs <see cref="Hashed"/>.</summary>
    private bool _hashed;

    /// <summary>
    /// A write of p_list and p_hash under <paramref name="proclist"/> (proclist_lock): the process
    /// goes onto <paramref name="list"/> (fork1(): allproc and its hash chain; exit1(): zombproc,
    /// unhashed; proc_free(): neither).
    /// </summary>
    internal void Relist(IOwnedLock proclist, ProcList list, bool hashed)
    {
        Touch();
        V();
        _d?.Write(proclist, this, "p_list", (int)_listedOn);
        _listedOn = list;
        _hashed = hashed;
    }

    /// <summary>
    /// p_nlwps, "Number of LWPs" (proc.h 1.154): the LWPs on p_lwps. newlwp() counts one in
    /// (kern_lwp.c 1.4), lwp_wait1() counts a collected zombie out, exit1() its own last LWP as it
    /// takes it off p_lwps (the 2004 design; the reaper's detached branch in the reaper design).
    /// The 2003-04 texts change it under p_lwplock or the big lock alone (not modelled as a
    /// lock); exit_lwps() waits while it is above one, and lwp_exit()'s last-LWP test reads it.
    /// </summary>
    public int Nlwps
    {
        get { Touch(); return _nlwps; }
        internal set { Touch(); V(); _nlwps = value; }
    }

    /// <summary>
    /// p_nrlwps, "Number of running LWPs": the LSRUN and LSONPROC ones (the sites of 2003-04 count
    /// nothing else). fork1() sets it to 1, ltsleep() counts a sleeper out under sched_lock,
    /// setrunnable() counts it back in (kern_synch.c of 2006; the 2003-04 text is not stored),
    /// lwp_exit() and exit1() count the exiting LWP out as it becomes LSDEAD.
    /// </summary>
    /// <remarks>
    /// Each of those sites holds sched_lock (the fix of PR kern/29652, kern_lwp.c 1.30: "Protect
    /// p_nrlwps by sched_lock"), and a write without it is reported (lock discipline). The store is
    /// logged, so the 2003-04 lwp_exit(), which counts itself out under p_lwplock only
    /// (<see cref="RacyNrlwps"/>, <see cref="SetNrlwpsUnderLwplock"/>), may read the count from
    /// before a store another CPU made under sched_lock in the last critical section.
    /// </remarks>
    public int Nrlwps
    {
        get { Touch(); return _nrlwps; }
        internal set { Touch(); if (kernel is not null) _d?.Write(kernel.SchedLock, this, "p_nrlwps", _nrlwps); V(); _nrlwps = value; }
    }

    /// <summary>
    /// p_nrlwps read without sched_lock, as the 2003-04 lwp_exit() does (kern_lwp.c 1.4:
    /// <c>simple_lock(&amp;p->p_lwplock); p->p_nrlwps--; simple_unlock(&amp;p->p_lwplock);</c>): the
    /// decrement's load may see the value before an unseen store of the last critical section,
    /// another CPU's ltsleep() or setrunnable() under sched_lock. <paramref name="why"/> quotes the kernel.
    /// </summary>
    public int RacyNrlwps(string why)
    {
        _ = why;
        Touch();
        return _d is null ? _nrlwps : (int)_d.Racy(this, "p_nrlwps", _nrlwps);
    }

    /// <summary>
    /// The store of the 2003-04 lwp_exit()'s <c>p->p_nrlwps--</c>, under p_lwplock, a spin lock of
    /// the process that none of the sched_lock writers takes (not modelled: it is taken and released
    /// around this one store).
    /// </summary>
    internal void SetNrlwpsUnderLwplock(int value)
    {
        Touch();
        V();
        _nrlwps = value;
    }

    /// <summary>
    /// p_nzlwps, "Number of zombie LWPs": LSZOMB LWPs still on p_lwps. The reaper (kern_exit.c
    /// 1.121) or the 2004 lwp_exit2() counts one in as it makes it LSZOMB, lwp_wait1() counts it
    /// out as it collects it. (The 2006 fix of lwp_exit()'s last-LWP test counts an exiting LWP
    /// from its lwp_exit() on; the model's default runs that test on l_stat, and keeps this count
    /// as 2003-04 did: <see cref="Exit.LwpExit"/>.)
    /// </summary>
    public int Nzlwps
    {
        get { Touch(); return _nzlwps; }
        internal set { Touch(); V(); _nzlwps = value; }
    }

    /// <summary>Back <see cref="Nlwps"/>, <see cref="Nrlwps"/> and <see cref="Nzlwps"/>.</summary>
    private int _nlwps, _nrlwps, _nzlwps;

    /// <summary>
    /// P_NOCLDWAIT: the process set SA_NOCLDWAIT for SIGCHLD (sigaction1(), kern_sig.c), so each
    /// child of it that exits is given to init (exit1(): "If parent has the P_NOCLDWAIT flag set,
    /// notify init instead"). fork1() does not pass it on (it copies only P_SUGID and the STOPFORK
    /// and STOPEXEC bits of p_flag).
    /// </summary>
    public bool NoCldWait
    {
        get { Touch(); return _noCldWait; }
        internal set { Touch(); _d?.BigLockWrite(this, "p_flag"); V(); _noCldWait = value; }
    }

    private bool _noCldWait;

    /// <summary>
    /// P_STOPFORK: the process is traced with stop-on-fork (a debugger's or systrace's
    /// sysctl proc.PID.stopfork, kern_sysctl.c): fork1() passes it on to the child ("Inherit
    /// STOPFORK and STOPEXEC flags", kern_fork.c 1.111) and creates the child in SSTOP, its LWP
    /// LSSTOP, for the debugger to continue (<see cref="Exit.ProcessFork"/>).
    /// </summary>
    public bool StopFork
    {
        get { Touch(); return _stopFork; }
        internal set { Touch(); V(); _stopFork = value; }
    }

    private bool _stopFork;

    /// <summary>
    /// SIGSTOP is in p_sigctx.ps_siglist: kpsignal1() posted it while an LWP of the process was
    /// running (p_nrlwps &gt; 0), so the first LWP to reach issignal() on its way back to user mode
    /// takes it and stops the process (kern_sig.c 1.153). A SIGCONT posted after it removes it
    /// (<c>sigminusset(&amp;stopsigmask, &amp;p->p_sigctx.ps_siglist)</c>). The other signals of the
    /// model leave nothing pending: SIGCONT's default action is to be ignored once it has continued
    /// the process (<see cref="Signals"/>).
    /// </summary>
    public bool SigStopPending
    {
        get { Touch(); return _sigStopPending; }
        internal set { Touch(); V(); _sigStopPending = value; }
    }

    private bool _sigStopPending;

    /// <summary>
    /// P_PPWAIT: a vfork() child whose parent LWP sleeps in fork1() until this process execs or
    /// exits (kern_fork.c 1.111: set with the child's other p_flag bits, before it is on any list;
    /// cleared by execve() and by exit1(), each with <c>wakeup(p->p_pptr)</c>).
    /// </summary>
    public bool PpWait
    {
        get { Touch(); return _ppWait; }
        internal set { Touch(); _d?.BigLockWrite(this, "p_flag"); V(); _ppWait = value; }
    }

    private bool _ppWait;

    /// <summary>
    /// p_vforklwp: the parent LWP that waits for this vfork() child, whose l_vforkwaiting the
    /// child clears with P_PPWAIT (later NetBSD's fork1(); the model's default: <see cref="Exit.ProcessFork"/>).
    /// Null for a process not made by vfork().
    /// </summary>
    public Lwp? VforkLwp
    {
        get { Touch(); return _vforkLwp; }
        internal set { Touch(); _d?.BigLockWrite(this, "p_vforklwp"); V(); _vforkLwp = value; }
    }

    private Lwp? _vforkLwp;

    /// <summary>
    /// The vmspace fork gave it (uvmspace_fork()), which p_vmspace names until the 2004 exit1()
    /// points it at vmspace0: the model's handle on it for the reference count check, not a field
    /// of struct proc. A vfork() child's is its parent's, which uvmspace_share() gave it with one
    /// more reference.
    /// </summary>
    public ProcVmspace ForkedVmspace { get; } = sharedVmspace ?? new(Named(PidNames, pid) ?? $"pid {pid}", kernel);

    /// <summary>The vmspaces uvmspace_exec() gave it, in order (the model's handles, as <see cref="ForkedVmspace"/>).</summary>
    public IReadOnlyList<ProcVmspace> ExecVmspaces => _execVmspaces ?? (IReadOnlyList<ProcVmspace>)[];

    /// <summary>Backs <see cref="ExecVmspaces"/>; null until the first exec that allocates one.</summary>
    private List<ProcVmspace>? _execVmspaces;

    /// <summary>uvmspace_exec(): <c>p->p_vmspace = nvm</c>, a new vmspace with its one reference, the process's.</summary>
    internal ProcVmspace ExecNewVmspace(Kernel k)
    {
        var nvm = new ProcVmspace($"pid {Pid}, exec {(_execVmspaces?.Count ?? 0) + 1}", k);
        (_execVmspaces ??= []).Add(nvm);
        Vmspace = nvm;
        return nvm;
    }

    /// <summary>p_vmspace: its address space (proc0's, once the 2004 exit1() has borrowed it).</summary>
    public ProcVmspace Vmspace
    {
        get { Touch(); return _vmspace ?? ForkedVmspace; }
        internal set { Touch(); V(); _versions?.Bump(StateDomain.VmRefs); _vmspace = value; }
    }

    /// <summary>
    /// uvm_proc_exit() has dropped the process's reference to its vmspace (uvmspace_free()): from
    /// then on p_vmspace counts for nothing in vm_refcnt, whether it names proc0's vmspace (the
    /// 2004 exit1()) or the freed old one (the reaper of kern_exit.c 1.121, whose uvm_proc_exit()
    /// leaves the pointer as it is).
    /// </summary>
    public bool VmspaceReleased
    {
        get { Touch(); return _vmspaceReleased; }
        internal set { Touch(); V(); _versions?.Bump(StateDomain.VmRefs); _vmspaceReleased = value; }
    }

    /// <summary>Backs <see cref="VmspaceReleased"/>.</summary>
    private bool _vmspaceReleased;

    /// <summary>proc_free() has run: the parent collected it and the structure is freed.</summary>
    public bool Reaped => _poison.Freed;

    /// <summary>proc_free() in <paramref name="function"/>: pool_put(&amp;proc_pool, p), the process is poisoned.</summary>
    internal void Free(string function)
    {
        V();
        _versions?.Bump(StateDomain.VmRefs); // a freed process holds no reference any more
        if (_d is not null) _d.Free(ref _poison, function, this);
        else _poison.FreedIn = function;
    }

    /// <summary>An access to a field: a use-after-free violation during a step once the process is freed.</summary>
    private void Touch() => _d?.Touch(_poison, this);

    /// <summary>A write to the process (<see cref="StateDomain.Proc"/>).</summary>
    private void V() => _versions?.Bump(StateDomain.Proc);

    /// <summary>A list taken by a path that changes it: an access (<see cref="Touch"/>) and a write (<see cref="V"/>).</summary>
    private T Taken<T>(T list)
    {
        Touch();
        V();
        return list;
    }

    /// <summary>The proc_pool item holding this struct proc (fork1's pool_get), or null if made at boot.</summary>
    public int? PoolItem { get; internal set { V(); _versions?.Bump(StateDomain.PoolItems); field = value; } }

    /// <inheritdoc/>
    public override string ToString() => $"pid {Pid}";
}

/// <summary>The list a struct proc's p_list links it on (kern_proc.c, kern_exit.c 2003-04).</summary>
public enum ProcList
{
    /// <summary>Neither: not yet linked, or freed by proc_free().</summary>
    None,

    /// <summary>allproc: every process from fork1() to its exit1().</summary>
    AllProc,

    /// <summary>zombproc: exited processes until proc_free().</summary>
    ZombProc,
}
