using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// execve() as far as the process's vmspace goes (kern_exec.c sys_execve, uvm_map.c
/// uvmspace_exec(); 1.34 of 1999 is the stored text before 2015, and the later texts keep its two
/// branches): namei() and the image's headers are read (may
/// sleep); then uvmspace_exec() tests <c>ovm->vm_refcnt == 1</c>: alone in it, the process keeps
/// the vmspace and uvm_unmap() empties it (vm_map_lock; may sleep); shared (vfork, or a reader
/// such as sysctl KERN_PROC_ARGS holding a reference), uvmspace_alloc() makes a new one
/// (pool_get(PR_WAITOK), may sleep), pmap_deactivate(), <c>p->p_vmspace = nvm</c>,
/// pmap_activate(), and uvmspace_free(ovm) drops the process's reference to the old. Left out:
/// P_INEXEC (no modelled reader of it), the new image's mappings (vmcmds; the map scenarios model
/// those, model/Maps/Exec.cs), credentials, signals, and the exec of a process with more than one
/// LWP (the generators give exec to one-LWP processes only).
/// </summary>
public static class ProcessExec
{
    /// <summary>The execve() of <paramref name="l"/>'s process.</summary>
    public static IEnumerable<Step> Run(Kernel k, Lwp l)
    {
        var selfOf = l.CpuThreadOf;
        var p = l.Proc;
        // check_exec(): namei() and VOP_READ of the image's headers may sleep.
        selfOf().MaySleep();
        yield return Step.Ran("execve: check_exec");

        var ovm = p.Vmspace;
        if (ovm.RefCount == 1)
        {
            // "if p is the only process using its vmspace then we can safely recycle that vmspace":
            // uvm_unmap() of the old program under vm_map_lock (may sleep).
            ovm.Touch();
            selfOf().MaySleep();
            yield return Step.Ran("uvmspace_exec: uvm_unmap");
            foreach (var s in WakeVforkParent(k, l)) yield return s;
            yield break;
        }
        // "p's vmspace is being shared": uvmspace_alloc(), pool_get(&uvm_vmspace_pool, PR_WAITOK).
        selfOf().MaySleep();
        yield return Step.Ran("uvmspace_exec: uvmspace_alloc");
        // pmap_deactivate(l); p->p_vmspace = nvm; pmap_activate(l); uvmspace_free(ovm).
        var nvm = p.ExecNewVmspace(k);
        l.CurCpu!.Vmspace = nvm;
        var teardown = KernelMem.UvmspaceFree(k, selfOf, ovm);
        yield return Step.Ran("uvmspace_exec: new vmspace");
        foreach (var s in teardown) yield return s;
        foreach (var s in WakeVforkParent(k, l)) yield return s;
    }

    /// <summary>
    /// sys_execve(), after the new image is set up (the vmcmds, copyargs and the ps_strings copyout
    /// may sleep or fault, so a step of its own): <c>p->p_flag |= P_EXEC; if (p->p_flag &amp;
    /// P_PPWAIT) { p->p_flag &amp;= ~P_PPWAIT; wakeup((caddr_t) p->p_pptr); }</c> (kern_exec.c 1.133
    /// of 2000 and 1.201 of 2005 alike; a failure in between goes to exec_abort and exit1(), which
    /// clears it too).
    /// </summary>
    private static IEnumerable<Step> WakeVforkParent(Kernel k, Lwp l)
    {
        if (!l.Proc.PpWait) yield break;
        ProcessFork.VforkDone(k, l.CpuThreadOf(), l.Proc);
        yield return Step.Ran("execve: P_PPWAIT");
    }
}
