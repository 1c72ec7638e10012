using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// A process that maps files MAP_SHARED, PROT_READ|PROT_WRITE, and reads and writes their pages.
/// An access of a page its pmap maps (<see cref="UserPmap"/>) is the MMU's: user mode, no trap, no
/// lock; it sets the reference bit, and a store the pmap modified bit and the data. Any other
/// access is a fault on the file's vnode object (<see cref="VnodePager.Fault"/>), which brings a
/// page in through pgo_get or finds it resident and maps it writable, whether the fault was a read
/// or a write. The files outlive the process: exit removes its mappings (uvmspace_free()'s
/// pmap_remove()) and leaves their pages cached.
/// </summary>
public sealed class FileUser(Kernel kernel, string name, IReadOnlyList<AObj> files, IReadOnlyList<FileTouch> program) : KernelThread(kernel, name)
{
    private readonly UserPmap _pmap = Register(kernel, name, files);

    /// <summary>The first slot of each file in the pmap.</summary>
    private readonly int[] _firstSlot = [.. files.Select((f, i) => files.Take(i).Sum(g => g.Size))];

    private static UserPmap Register(Kernel k, string name, IReadOnlyList<AObj> files)
    {
        var pmap = new UserPmap(name, files.Sum(f => f.Size), k.Versions);
        k.Vm.UserPmapList.Add(pmap);
        return pmap;
    }

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        foreach (var t in program)
        {
            if (t.File < 0 || t.File >= files.Count || t.Page < 0 || t.Page >= files[t.File].Size) continue;
            int slot = _firstSlot[t.File] + t.Page;
            if (_pmap.MmuPage(slot, t.Write) is { } mapped)
            {
                yield return Pmap.MmuAccess(Kernel, this, mapped, t.Write);
                continue;
            }
            // A user page fault: trap() → uvm_fault() under KERNEL_PROC_LOCK (i386 trap.c).
            foreach (var s in Syscall(VnodePager.Fault(Kernel, this, files[t.File], t.Page, t.Write, _pmap, slot))) yield return s;
        }
        if (!Kernel.Config.Has(Switches.ExitSkipsPmapRemove)) _pmap.RemoveAll(); // exit-skips-pmap-remove: uvm_unmap_remove()'s pmap_remove()
        _pmap.Destroy(); // pmap_destroy()
        yield return Step.Exit("exit1 → uvmspace_free");
    }
}
