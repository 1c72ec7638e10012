using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// An LWP of a copy-on-write process (model/Cow): faults on its private anonymous entry, fork(),
/// munmap(), mprotect(), madvise(), mlock() and munlock(), then exit (uvmspace_free). A forked child's LWP starts asleep and is
/// woken by the parent's fork. A second LWP of the same process (<c>isExtraLwp</c>) shares the
/// space and does not free it.
/// </summary>
public sealed class CowProcess : KernelThread
{
    private readonly IReadOnlyList<CowOp> _ops;
    private readonly IReadOnlyList<CowProcess> _children;
    private readonly bool _extraLwp;

    /// <summary>An LWP running <paramref name="ops"/> on <paramref name="space"/>; the n-th Fork wakes <paramref name="children"/>[n].</summary>
    public CowProcess(Kernel kernel, string name, CowSpace space, IReadOnlyList<CowOp> ops, IReadOnlyList<CowProcess> children, bool isExtraLwp = false)
        : base(kernel, name)
    {
        Space = space;
        _ops = ops;
        _children = children;
        _extraLwp = isExtraLwp;
        if (!isExtraLwp) kernel.Vm.CowSpaceList.Add(space);
    }

    /// <summary>The process's address space.</summary>
    public CowSpace Space { get; }

    /// <summary>The channel a child sleeps on until fork1() makes it runnable.</summary>
    public WaitChannel ForkChannel => new($"fork of {Name}");

    /// <summary>A new space of <paramref name="pages"/> pages: no amap yet, needs-copy (UVM_FLAG_COPYONW).</summary>
    public static CowSpace NewSpace(string name, int pages, WriteVersions? versions = null, Discipline? discipline = null) => new(name, pages, versions, discipline) { NeedsCopy = true };

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        int forks = 0;
        foreach (var op in _ops)
        {
            // A load or store through a mapping the pmap has is the MMU's: user mode, no trap, no lock.
            if (op.Kind is CowOpKind.Read or CowOpKind.Write && op.Page >= 0 && op.Page < Space.Pages
                && Space.MmuPage(op.Page, op.Kind == CowOpKind.Write) is { } mapped)
            {
                yield return Space.MmuAccess(Kernel, this, op.Page, mapped, op.Kind == CowOpKind.Write);
                continue;
            }
            var steps = op.Kind switch
            {
                CowOpKind.Read or CowOpKind.Write when op.Page >= 0 && op.Page < Space.Pages => CowFault.Touch(Kernel, this, Space, op.Page, op.Kind == CowOpKind.Write),
                CowOpKind.Fork when forks < _children.Count => ForkChild(_children[forks]),
                CowOpKind.Unmap => CowMapOps.Unmap(Kernel, this, Space, "uvm_unmap"),
                CowOpKind.Protect => CowMapOps.Protect(Kernel, this, Space),
                CowOpKind.DontNeed or CowOpKind.Free => CowMapOps.Clean(Kernel, this, Space, free: op.Kind == CowOpKind.Free),
                CowOpKind.Wire => CowWiring.Wire(Kernel, this, Space),
                CowOpKind.Unwire => CowWiring.Unwire(Kernel, this, Space),
                CowOpKind.Unprotect => CowMapOps.Protect(Kernel, this, Space, writable: true),
                _ => [],
            };
            if (op.Kind == CowOpKind.Fork) forks++;
            // A user fault (trap() → uvm_fault()) or sys_fork / sys_munmap / sys_mprotect: under
            // KERNEL_PROC_LOCK from entry to return (i386 trap.c trap, syscall_plain); sys_madvise, sys_mlock and sys_munlock too.
            foreach (var s in Syscall(steps)) yield return s;
        }
        foreach (var s in Syscall(Exit1())) yield return s;
    }

    /// <summary>sys_exit → exit1() (or lwp_exit() of an extra LWP), under the big lock to the end.</summary>
    private IEnumerable<Step> Exit1()
    {
        if (!_extraLwp)
        {
            foreach (var s in CowMapOps.Unmap(Kernel, this, Space, "uvmspace_free")) yield return s;
            Space.Exited = true;
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
