using Uvm.Model.Core;
using Uvm.Model.Maps;
using Uvm.Model.Exit;
using Uvm.Model.Sched;

namespace Uvm.Model;

/// <summary>
/// The read-only view of the kernel that invariants and monitors see. Entity setters are internal
/// to the model and collections are read-only lists, so a predicate cannot change what it checks.
/// </summary>
public interface IKernelView
{
    /// <summary>Which bug switches are on.</summary>
    KernelConfig Config { get; }

    /// <summary>The CPUs.</summary>
    IReadOnlyList<Cpu> Cpus { get; }

    /// <summary>allproc.</summary>
    IReadOnlyList<Proc> Procs { get; }

    /// <summary>alllwp: the LWPs of the workload's processes.</summary>
    IReadOnlyList<Lwp> Lwps { get; }

    /// <summary>The rest of alllwp: the LWPs of the P_SYSTEM kernel threads.</summary>
    IReadOnlyList<Lwp> KthreadLwps { get; }

    /// <summary>The run queue.</summary>
    RunQueue RunQueue { get; }

    /// <summary>uvmexp.</summary>
    Uvmexp Uvmexp { get; }

    /// <summary>The kernel threads.</summary>
    IReadOnlyList<KernelThread> Threads { get; }

    /// <summary>The locks some thread has slept on (<see cref="Locks"/>): whose channels are a lock's.</summary>
    IReadOnlyList<SimpleLock> LocksSleptOn { get; }

    /// <summary>The process address spaces (struct vmspace), with their maps.</summary>
    IReadOnlyList<Vmspace> Vmspaces { get; }

    /// <summary>Pages, paging queues, anons, aobjs, swap and shm segments.</summary>
    Vm.VmState Vm { get; }

    /// <summary>The u-area free list and every u-area created.</summary>
    UareaCache Uareas { get; }

    /// <summary>The kernel's pools (proc, lwp and map-entry pools).</summary>
    Pool.KernelPools Pools { get; }

    /// <summary>initproc, proc0's vmspace, and the reaper's dead lists.</summary>
    ProcLists ProcLists { get; }

    /// <summary>The first rule about an event that a kernel site found broken, if any.</summary>
    EventChecks Events { get; }
}
