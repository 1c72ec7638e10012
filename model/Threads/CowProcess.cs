using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// An LWP of a copy-on-write process (model/Cow): faults on its private anonymous entry, fork(),
/// munmap(), mprotect(), madvise(), mlock() and munlock(), then exit (uvmspace_free), or earlier when a
/// user fault fails and its signal kills the process. A forked child's LWP starts asleep and is
/// woken by the parent's fork. A second LWP of the same process (<see cref="AddLwp"/>) shares the
/// space and does not free it; exit1() waits for it to exit (exit_lwps()), and it exits at its next
/// return to user mode once the process is exiting.
/// </summary>
public sealed class CowProcess : KernelThread
{
    private readonly IReadOnlyList<CowOp> _ops;
    private readonly IReadOnlyList<CowProcess> _children;
    private readonly bool _extraLwp;

    /// <summary>The process's second LWP (<c>isExtraLwp</c>), which exit1() waits for; null for none.</summary>
    private CowProcess? _second;

    /// <summary>An LWP running <paramref name="ops"/> on <paramref name="space"/>; the n-th Fork wakes <paramref name="children"/>[n].</summary>
    public CowProcess(Kernel kernel, string name, CowSpace space, IReadOnlyList<CowOp> ops, IReadOnlyList<CowProcess> children, bool isExtraLwp = false)
        : base(kernel, name)
    {
        Space = space;
        _ops = ops;
        _children = children;
        _extraLwp = isExtraLwp;
        ExitLwpsChannel = new($"exit_lwps of {name}");
        if (!isExtraLwp) kernel.Vm.CowSpaceList.Add(space);
    }

    /// <summary>A second LWP of this process running <paramref name="ops"/>, which shares its space; exit1() waits for it.</summary>
    public CowProcess AddLwp(string name, IReadOnlyList<CowOp> ops) =>
        _second = new CowProcess(Kernel, name, Space, ops, [], isExtraLwp: true) { ExitLwpsChannel = ExitLwpsChannel };

    /// <summary>The channel exit1()'s exit_lwps() sleeps on until the other LWP has exited, named once per process.</summary>
    private WaitChannel ExitLwpsChannel { get; init; }

    /// <summary>The process's address space.</summary>
    public CowSpace Space { get; }

    /// <summary>The channel a child sleeps on until fork1() makes it runnable.</summary>
    public WaitChannel ForkChannel => new($"fork of {Name}");

    /// <summary>A new space of <paramref name="pages"/> pages: no amap yet, needs-copy (UVM_FLAG_COPYONW).</summary>
    public static CowSpace NewSpace(string name, int pages, WriteVersions? versions = null, Discipline? discipline = null) => new(name, pages, versions, discipline) { NeedsCopy = true };

    /// <summary>
    /// The process this actor stands for was never created: its parent was killed before the
    /// fork() that would have made it (<see cref="CowSpace.Exiting"/>), and exit1() woke it to leave.
    /// </summary>
    public bool NeverForked { get; private set; }

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        if (NeverForked)
        {
            yield return Step.Exit(NotForked);
            yield break;
        }
        int forks = 0;
        var failed = new Out<bool>();
        foreach (var op in _ops)
        {
            // A load or store through a mapping the pmap has is the MMU's: user mode, no trap, no lock.
            if (op.Kind is CowOpKind.Read or CowOpKind.Write && op.Page >= 0 && op.Page < Space.Pages
                && Space.MmuPage(op.Page, op.Kind == CowOpKind.Write) is { } mapped)
            {
                yield return Space.MmuAccess(Kernel, this, op.Page, mapped, op.Kind == CowOpKind.Write);
                continue;
            }
            // Into the kernel, and back through userret(): once the process's exit_lwps() has set
            // p_userret, the way back takes lwp_exit_hook instead of the next operation.
            if (Space.Exiting) break;
            var steps = op.Kind switch
            {
                CowOpKind.Read or CowOpKind.Write when op.Page >= 0 && op.Page < Space.Pages => CowFault.Touch(Kernel, this, Space, op.Page, op.Kind == CowOpKind.Write, failed: failed),
                CowOpKind.Fork when forks < _children.Count => ForkChild(_children[forks]),
                CowOpKind.Unmap => CowMapOps.Unmap(Kernel, this, Space, "uvm_unmap"),
                CowOpKind.Protect => CowMapOps.Protect(Kernel, this, Space),
                CowOpKind.DontNeed or CowOpKind.Free => CowMapOps.Clean(Kernel, this, Space, free: op.Kind == CowOpKind.Free),
                CowOpKind.Wire => CowWiring.Wire(Kernel, this, Space),
                CowOpKind.Unwire => CowWiring.Unwire(Kernel, this, Space),
                CowOpKind.Unprotect => CowMapOps.Protect(Kernel, this, Space, writable: true),
                CowOpKind.UnmapRange => CowMapOps.UnmapRange(Kernel, this, Space, op.Page, op.Pages),
                _ => [],
            };
            if (op.Kind == CowOpKind.Fork) forks++;
            // A user fault (trap() → uvm_fault()) or sys_fork / sys_munmap / sys_mprotect: under
            // KERNEL_PROC_LOCK from entry to return (i386 trap.c trap, syscall_plain); sys_madvise, sys_mlock and sys_munlock too.
            foreach (var s in Syscall(steps)) yield return s;
            // A user fault that failed: trap() posted SIGKILL (ENOMEM) or SIGSEGV, and userret()'s
            // postsig() ends the process (sigexit(), whose core dump may sleep, then exit1()).
            if (failed.Value) break;
        }
        foreach (var s in Syscall(Exit1(forks, killed: failed.Value))) yield return s;
    }

    /// <summary>The step of an actor whose process was never forked (<see cref="NeverForked"/>): no kernel code.</summary>
    public const string NotForked = "(no process: the parent was killed before its fork)";

    /// <summary>
    /// sys_exit → exit1() (or lwp_exit() of an extra LWP), under the big lock to the end. exit1()
    /// sets P_WEXIT and takes p_ru from rusage_pool (PR_WAITOK: it may sleep; after a failed
    /// fault's signal, sigexit()'s core dump may sleep first), and only then does exit_lwps() set
    /// p_userret (<see cref="CowSpace.Exiting"/>) and wait for the other LWP (kern_exit.c exit1()).
    /// An extra LWP the signal ended runs that exit1() itself: it sets the hook that ends the first
    /// LWP, which frees the space once the extra one has gone; one that ran off its program calls
    /// lwp_exit() and wakes a waiting exit_lwps().
    /// </summary>
    private IEnumerable<Step> Exit1(int forks, bool killed)
    {
        if (!_extraLwp || killed)
        {
            MaySleep(); // P_WEXIT; pool_get(&rusage_pool, PR_WAITOK)
            yield return Step.Ran("exit1");
            Space.Exiting = true; // exit_lwps(): p->p_userret = lwp_exit_hook
        }
        if (_extraLwp) Kernel.SleepQueues.Wakeup(ExitLwpsChannel); // lwp_exit(): the last LWP but one wakes exit_lwps()
        else
        {
            while (_second is { Exited: false })
                yield return Step.Sleep("exit1: exit_lwps", ExitLwpsChannel);
            foreach (var s in CowMapOps.Unmap(Kernel, this, Space, "uvmspace_free")) yield return s;
            Space.Exited = true;
        }
        // A workload's child of a fork() the process did not live to call never exists: its actor leaves.
        for (int c = forks; c < _children.Count; c++)
        {
            _children[c].NeverForked = true;
            Kernel.SleepQueues.Wakeup(_children[c].ForkChannel);
        }
        yield return Step.Exit(_extraLwp ? "lwp_exit" : "exit1 → uvmspace_free");
    }

    private IEnumerable<Step> ForkChild(CowProcess child)
    {
        foreach (var s in CowMapOps.Fork(Kernel, this, Space, child.Space)) yield return s;
        if (Kernel.Config.Has(Switches.ForkProtectsAfterUnlock) && Space.NeedsCopy) Space.WriteProtectAll(); // fork-protects-after-unlock: the pmap_protect() past vm_map_unlock()
        if (!Kernel.Config.Has(Switches.CowForkSkipsChildWakeup)) Kernel.SleepQueues.Wakeup(child.ForkChannel); // cow-fork-skips-child-wakeup
        yield return Step.Ran("fork1: setrunnable(child)");
    }
}
