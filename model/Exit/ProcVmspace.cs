using Uvm.Model.Core;

namespace Uvm.Model.Exit;

/// <summary>
/// A process's struct vmspace as the exit paths see it: whose it is, its reference count
/// (vm_refcnt) and whether uvmspace_free() has released it. A CPU has one active (pmap_activate)
/// while it runs an LWP of that process. Left out: the map, its entries and pages (the map model
/// is <see cref="Maps.Vmspace"/>); its page directory is what uvmspace_free() gives back to
/// kernel_map (pmap_destroy, approx.). Freed, it is poisoned: a step that reads its count or its
/// map (uvm_io) through a stale pointer is a use after free (model/Core/Discipline.cs).
/// </summary>
public sealed class ProcVmspace(string owner, Kernel? kernel = null)
{
    /// <summary>The detectors of its kernel; null for one built alone in a test.</summary>
    private readonly Discipline? _d = kernel?.Discipline;

    /// <summary>The write versions of its kernel (<see cref="StateDomain.Proc"/>).</summary>
    private readonly WriteVersions? _versions = kernel?.Versions;

    /// <summary>Where uvmspace_free() freed it.</summary>
    private Poison _poison;

    /// <summary>Who dropped the reference count to 0 (<see cref="Discipline.Counted"/>).</summary>
    private LastReference _lastReference;

    /// <summary>Backs <see cref="RefCount"/>: uvmspace_alloc() makes a vmspace with one reference.</summary>
    private int _refCount = 1;

    /// <summary>Whose address space it is: <c>pid 3</c>, or <c>proc0</c>.</summary>
    public string Owner { get; } = owner;

    /// <summary>uvmspace_free() has released it.</summary>
    public bool Freed => _poison.Freed;

    /// <summary>
    /// vm_refcnt: the process that runs in it, and every reader that took a reference from outside
    /// (sysctl KERN_PROC_ARGS, ptrace, procfs; model/Exit/SysctlProcArgs.cs). No lock guards it in
    /// 2003-04 (uvm_map.c: "XXX: no locking on vmspace"; a lock first in sys_process.c 1.111 of
    /// 2006): its unlocked ++ and -- are safe only because nothing between them and their tests
    /// sleeps, under the big lock.
    /// </summary>
    public int RefCount
    {
        get { Touch(); return _refCount; }
        internal set { Touch(); _d?.BigLockWrite(this, "vm_refcnt"); _d?.Counted(this, "vm_refcnt", _refCount, value, ref _lastReference); V(); _refCount = value; }
    }

    /// <summary>A read of its map (uvm_io()'s uvm_map_extract()): a use after free once it is freed.</summary>
    internal void Touch() => _d?.Touch(_poison, this);

    /// <summary>uvmspace_free() at the last reference: the vmspace is freed (a write of <see cref="StateDomain.Proc"/>).</summary>
    internal void MarkFreed()
    {
        V();
        Discipline.Free(_d, ref _poison, "uvmspace_free", this);
    }

    /// <summary>A write (<see cref="StateDomain.Proc"/>, and its part <see cref="StateDomain.VmRefs"/>).</summary>
    private void V()
    {
        _versions?.Bump(StateDomain.Proc);
        _versions?.Bump(StateDomain.VmRefs);
    }

    /// <inheritdoc/>
    public override string ToString() => $"vmspace of {Owner}";
}
