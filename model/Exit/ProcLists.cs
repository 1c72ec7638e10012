using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// The process-list state the exit paths share (kern_proc.c, kern_exit.c 2003-2004): initproc, which
/// inherits orphans; proc0's vmspace, which an exiting process borrows; and, for the reaper design,
/// the deadprocs/deadlwp lists under deadproc_slock. allproc, zombproc and the pid hash chains are
/// the processes of <see cref="Kernel.Procs"/> whose p_list and p_hash say so
/// (<see cref="Proc.ListedOn"/>, <see cref="Proc.Hashed"/>); alllwp the LWPs of
/// <see cref="Kernel.Lwps"/> whose l_list does.
/// </summary>
public sealed class ProcLists(Kernel? kernel = null)
{
    /// <summary>&amp;deadprocs: the reaper sleeps here until exit2()/lwp_exit2() queue work.</summary>
    public static readonly WaitChannel Deadprocs = new("&deadprocs");

    /// <summary>deadprocs: processes whose last LWP switched away, waiting for the reaper.</summary>
    private readonly List<Proc> _deadProcs = [];

    /// <summary>deadlwp: LWPs that switched away for good, waiting for the reaper.</summary>
    private readonly List<Lwp> _deadLwps = [];

    /// <summary>initproc: the parent of orphans; null when the workload has no process exit model.</summary>
    public Proc? Init { get; internal set; }

    /// <summary>
    /// proc0's vmspace (vmspace0), which uvm_proc_exit() activates before freeing the process's own.
    /// Its references are proc0's and one per kernel thread, which shares it (kthread_create1():
    /// fork1(FORK_SHAREVM), uvmspace_share(): <c>vm_refcnt++</c>; <see cref="Kernel.LinkKthreadLwp"/>);
    /// an exiting process borrows it without one.
    /// </summary>
    public ProcVmspace Proc0Vmspace { get; } = new("proc0", kernel);

    /// <summary>deadproc_slock: a spin lock around the two dead lists.</summary>
    public StepLock DeadprocLock { get; } = new("deadproc_slock");

    /// <summary>deadprocs, head first.</summary>
    public IReadOnlyList<Proc> DeadProcs => _deadProcs;

    /// <summary>deadlwp, head first.</summary>
    public IReadOnlyList<Lwp> DeadLwps => _deadLwps;

    /// <summary>The channel a parent sleeps on in wait4() and exit1() wakes: the proc's address.</summary>
    public static WaitChannel ChannelOf(Proc p) => p.AddressChannel;

    /// <summary>
    /// pfind(pid): the process with that pid on its hash chain, if SACTIVE or SSTOP (kern_proc.c 1.63),
    /// or null (the caller holds proclist_lock). The chain is every process still hashed: a freed
    /// one left there would be read.
    /// </summary>
    internal static Proc? Pfind(Kernel k, int pid)
    {
        var procs = k.Procs;
        for (int i = 0; i < procs.Count; i++)
        {
            var p = procs[i];
            if (p.Pid != pid || !p.HashedUnchecked) continue;
            return p.Stat is ProcStat.Active or ProcStat.Stop ? p : null; // SSTOP too: a stopped process is alive (pfind() finds any hashed one)
        }
        return null;
    }

    /// <summary>&amp;p->p_nlwps: exit_lwps() sleeps here until the process's other LWPs are zombies.</summary>
    public static WaitChannel NlwpsOf(Proc p) => p.NlwpsChannel;

    /// <summary>SLIST_INSERT_HEAD(&amp;deadprocs, p); the caller holds deadproc_slock.</summary>
    internal void QueueDeadProc(Proc p) => _deadProcs.Insert(0, p);

    /// <summary>LIST_INSERT_HEAD(&amp;deadlwp, l); the caller holds deadproc_slock.</summary>
    internal void QueueDeadLwp(Lwp l) => _deadLwps.Insert(0, l);

    /// <summary>Takes the head of deadlwp, or null.</summary>
    internal Lwp? TakeDeadLwp()
    {
        if (_deadLwps.Count == 0) return null;
        var l = _deadLwps[0];
        _deadLwps.RemoveAt(0);
        return l;
    }

    /// <summary>Takes the head of deadprocs, or null.</summary>
    internal Proc? TakeDeadProc()
    {
        if (_deadProcs.Count == 0) return null;
        var p = _deadProcs[0];
        _deadProcs.RemoveAt(0);
        return p;
    }
}
