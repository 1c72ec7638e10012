using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// A process that maps files MAP_SHARED and reads and writes their pages: each access is a fault
/// on the file's vnode object (<see cref="VnodePager.Fault"/>), which brings a page in through
/// pgo_get or finds it resident; a write leaves the page dirty for the pagedaemon's pgo_put. The
/// files outlive the process: exit unmaps them and leaves their pages cached.
/// </summary>
public sealed class FileUser(Kernel kernel, string name, IReadOnlyList<AObj> files, IReadOnlyList<FileTouch> program) : KernelThread(kernel, name)
{
    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        foreach (var t in program)
        {
            if (t.File < 0 || t.File >= files.Count || t.Page < 0 || t.Page >= files[t.File].Size) continue;
            // A user page fault: trap() → uvm_fault() under KERNEL_PROC_LOCK (i386 trap.c).
            foreach (var s in Syscall(VnodePager.Fault(Kernel, this, files[t.File], t.Page, t.Write))) yield return s;
        }
        yield return Step.Exit("exit1 → uvmspace_free");
    }
}
