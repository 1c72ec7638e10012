using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// sysctl_procargs() (KERN_PROC_ARGS): an LWP reads another process's arguments through that
/// process's vmspace, holding a reference to it from outside (vm_refcnt++) while uvm_io() reads its
/// map. The 2003-04 text (kern_sysctl.c 1.95 of 2001, the same lines in init_sysctl.c 1.47 of 2005
/// and in darwin_sysctl.c 1.14 and 1.24 of 2003-04) finds the process with pfind(), which holds
/// proclist_lock only inside itself and returns an SACTIVE or SSTOP process (kern_proc.c 1.63),
/// tests P_WEXIT and <c>vm_refcnt &lt; 1</c> and does <c>p->p_vmspace->vm_refcnt++</c> with no lock
/// but the big lock ("XXXCDC: how should locking work here?"), then keeps only <c>p</c>: after
/// malloc(M_WAITOK) and every uvm_io(), which may sleep, it reads <c>p->p_vmspace</c>,
/// <c>p->p_psstr</c> and <c>p->p_psnargv</c> again, and ends with
/// <c>uvmspace_free(p->p_vmspace)</c>. Meanwhile the process may exit (the 2004 exit1() points
/// p_vmspace at vmspace0 and drops its own reference) and be collected by wait4() (proc_free()),
/// or exec (<see cref="ProcessExec"/>: the reader's reference makes the vmspace shared, so the
/// process gets a new one, which the 2003-04 reader then reads and drops without holding it).
/// The default kernel runs the later fix (init_sysctl.c 1.96.2.2, 2007-03-09): the tests, the copy
/// of p_psstr and p_psnargv and <c>vmspace = p->p_vmspace; vmspace->vm_refcnt++</c> under
/// proclist_lock, then only the saved vmspace. <see cref="Switches.ProcArgsRereadsProc"/> selects
/// the 2003-04 text. Left out: sysctl_memlock and uvm_vslock() of the caller's buffer (sys___sysctl,
/// before the handler), the copyouts to that wired buffer, the loop over pages of strings (one
/// uvm_io() for the argv pointers, one for the strings).
/// </summary>
public static class SysctlProcArgs
{
    /// <summary>The system call of <paramref name="l"/> on process <paramref name="pid"/>.</summary>
    public static IEnumerable<Step> Run(Kernel k, Lwp l, int pid)
    {
        var selfOf = l.CpuThreadOf;
        bool rereads = k.Config.Has(Switches.ProcArgsRereadsProc);
        // pfind(): proclist_lock_read { the process with that pid, if SACTIVE or SSTOP } (the model's
        // proclist_lock is one exclusive lock; a reader of it spins in the kernel).
        foreach (var s in Locks.Take(k.ProcListLock, selfOf, "sysctl_procargs", "pfind: proclist_lock_read")) yield return s;
        var p = ProcLists.Pfind(k, pid);
        // 2003-04: pfind() drops the lock before its caller's tests; the fix tests under it.
        if (rereads || p is null) k.ProcListLock.Release(k, selfOf());
        if (p is null)
        {
            yield return Step.Ran("sysctl_procargs: pfind: EINVAL");
            yield break;
        }
        if (p.Exiting || p.Vmspace.RefCount < 1)
        {
            if (!rereads) k.ProcListLock.Release(k, selfOf());
            yield return Step.Ran("sysctl_procargs: P_WEXIT: EFAULT");
            yield break;
        }
        var vmspace = p.Vmspace;
        vmspace.RefCount++;
        l.HeldVmspace = vmspace;
        if (!rereads) k.ProcListLock.Release(k, selfOf());
        yield return Step.Ran("sysctl_procargs: vm_refcnt++");

        // arg = malloc(PAGE_SIZE, M_TEMP, M_WAITOK): may sleep for memory, releasing the big lock.
        selfOf().MaySleep();
        yield return Step.Ran("sysctl_procargs: malloc");

        // uvm_io() of the ps_strings at p_psstr, then of the argv pointers at p_psnargv: the 2003-04
        // text reads p->p_vmspace (and p_psstr, p_psnargv) again for each.
        foreach (var s in UvmIo(k, selfOf, rereads ? p.Vmspace : vmspace)) yield return s;
        foreach (var s in UvmIo(k, selfOf, rereads ? p.Vmspace : vmspace)) yield return s;

        // uvmspace_free(p->p_vmspace) (2003-04) or uvmspace_free(vmspace); free(arg, M_TEMP).
        var drop = rereads ? p.Vmspace : vmspace;
        l.HeldVmspace = null;
        var teardown = k.Config.Has(Switches.ProcArgsLeaksVmspaceRef) ? [] : KernelMem.UvmspaceFree(k, selfOf, drop); // procargs-leaks-vmspace-ref
        // procargs-drops-ref-twice: a second uvmspace_free() of the same vmspace.
        var again = k.Config.Has(Switches.ProcArgsDropsRefTwice) ? KernelMem.UvmspaceFree(k, selfOf, drop) : [];
        yield return Step.Ran("sysctl_procargs: uvmspace_free");
        foreach (var s in teardown) yield return s;
        foreach (var s in again) yield return s;
    }

    /// <summary>
    /// uvm_io(&amp;vm->vm_map, uio) (uvm_io.c 1.16): uvm_map_extract() of the range into kernel_map
    /// (vm_map_lock() of the source map and of kernel_map, amap_copy, amap_ref: it may sleep), the
    /// uiomove() through that mapping (faults, which may sleep), then under kernel_map's lock
    /// uvm_unmap_remove() of the range. The source map is not modelled here: reading it is a read
    /// of the vmspace (a use after free once it is freed).
    /// </summary>
    private static IEnumerable<Step> UvmIo(Kernel k, Func<KernelThread> selfOf, ProcVmspace vm)
    {
        vm.Touch();
        selfOf().MaySleep();
        yield return Step.Ran("uvm_io: uvm_map_extract, uiomove");
        foreach (var s in KernelMem.LockKernelMap(k, selfOf, "uvm_io")) yield return s;
        KernelMem.UnlockKernelMap(k, selfOf());
        yield return Step.Ran("uvm_io: uvm_unmap_remove(kernel_map)");
    }
}
