using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// fork1() of kern_fork.c with uvm_uarea_alloc() and uvm_lwp_fork() of uvm_glue.c (2004): the
/// child's u-area comes from the free list if one is cached (still wired: L_INMEM is set at once),
/// else from uvm_km_alloc() (pageable; takes kernel_map's lock, may sleep); uvm_lwp_fork() wires it
/// only if !L_INMEM (uvm_fault_wire, waiting in uvm_wait() while memory is short); then the child
/// goes on its parent's children (proclist write lock) and onto the run queue (sched_lock). The
/// model creates the proc and LWP (SIDL, LSIDL) on allproc/alllwp and ties the u-area to the LWP at
/// once; the kernel links them later and holds the u-area in a local until newlwp() (approx.).
/// Left out: uvmspace_fork() (no pages are modelled), credentials, limits, file descriptors.
/// </summary>
public static class ProcessFork
{
    /// <summary>fork1() by <paramref name="l1"/>: a child process with one LWP running <paramref name="program"/>.</summary>
    public static IEnumerable<Step> Fork1(Kernel k, Lwp l1, IReadOnlyList<LwpOp> program)
    {
        KernelThread Self() => LwpExit.CpuThreadOf(k, l1);
        var p1 = l1.Proc;
        var p2 = new Proc(k.Procs.Count + 1, system: false) { Stat = ProcStat.Idl, Parent = p1 };
        k.Procs.Add(p2);
        var l2 = new Lwp(k.Lwps.Count + 1, p2, program) { Stat = LwpStat.Idle, InMemory = false };
        p2.LwpList.Add(l2);
        k.Lwps.Add(l2);

        // uvm_uarea_alloc(): a cached u-area under uvm_uareas_slock (the cache is the rework's), else uvm_km_alloc().
        var cached = k.Config.ExitDesign == ExitDesign.Reaperless ? k.Uareas.TryPop(Self()) : null;
        if (cached is not null)
        {
            Attach(l2, cached, inMemory: true);
            yield return Step.Ran("uvm_uarea_alloc");
        }
        else
        {
            foreach (var s in KernelMem.AllocUarea(k, Self, u => Attach(l2, u, inMemory: false))) yield return s;
        }

        // uvm_lwp_fork(): if (!L_INMEM) uvm_fault_wire() the u-area; short of memory, uvm_wait().
        while (!l2.InMemory)
        {
            if (k.Uvmexp.Free < Uvmexp.UspacePages)
            {
                PagedaemonWakeup.Wake(k);
                yield return Step.Sleep("uvm_fault_wire: uvm_wait", Pageout.FreeMemory);
                continue;
            }
            PhysMem.WireUarea(k, l2.Uarea!);
            l2.UareaWireCount = 1;
            l2.InMemory = true;
            if (PagedaemonWakeup.Shortage(k)) PagedaemonWakeup.Wake(k);
            yield return Step.Ran("uvm_fault_wire");
        }

        // fork1(): proclist_lock_write { onto the parent's children }; SCHED_LOCK { SACTIVE; LSRUN; setrunqueue }.
        var self = Self();
        p1.ChildList.Add(p2);
        p2.Stat = ProcStat.Active;
        k.SchedLock.Acquire(self);
        l2.Stat = LwpStat.Run;
        Scheduler.SetRunQueue(k, l2);
        k.SchedLock.Release(self);
        yield return Step.Ran("fork1");
    }

    /// <summary>newlwp(): l2->l_addr = the u-area; L_INMEM if it came wired from the cache.</summary>
    private static void Attach(Lwp l2, Uarea u, bool inMemory)
    {
        u.State = UareaState.InUse;
        u.Owner = l2;
        l2.Uarea = u;
        l2.InMemory = inMemory;
    }
}
