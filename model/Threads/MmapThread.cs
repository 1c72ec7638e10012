using Uvm.Model.Core;
using Uvm.Model.Maps;

namespace Uvm.Model.Threads;

/// <summary>
/// An LWP of a process making mmap()/munmap() calls on the process's shared map (sys_mmap() →
/// uvm_mmap() → uvm_map(); sys_munmap() → uvm_unmap()). sys_mmap() computes its hint,
/// VM_DEFAULT_ADDRESS from vm_maxsaddr or vm_daddr, before taking the map lock. Each munmap()
/// unmaps the range of this LWP's latest mapping still held (or part of it), whatever occupies it by then. The
/// user-mode work between the calls is left out.
/// </summary>
public sealed class MmapThread(Kernel kernel, string name, Vmspace vmspace, IReadOnlyList<MapOp> program)
    : KernelThread(kernel, name)
{
    /// <summary>The ranges this LWP has mapped and not yet unmapped, latest last.</summary>
    private readonly List<(int Start, int End)> _held = [];

    /// <summary>The system calls it makes.</summary>
    public IReadOnlyList<MapOp> Program { get; } = program;

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        int n = 0;
        foreach (var op in Program)
        {
            switch (op)
            {
                case Mmap m:
                    // sys_mmap(): hint = VM_DEFAULT_ADDRESS(vm_daddr, size), read without the map lock.
                    var request = new FindspaceRequest(vmspace.DefaultAddress(m.Pages), m.Pages, m.Align, vmspace.Map.TopDown);
                    var call = new MapCall();
                    // sys_mmap() under KERNEL_PROC_LOCK from syscall entry to return (i386 trap.c syscall_plain).
                    foreach (var s in Syscall(UvmMap.Map(Kernel, this, vmspace, request, $"{Name} mmap#{++n}", call))) yield return s;
                    if (call.Va is { } va) _held.Add((va, va + m.Pages));
                    else vmspace.RecordMmapFailure(new ExecFailure($"{Name} mmap#{n}", request, vmspace.Map.Min, vmspace.Map.Max, call.FullLayout)); // ENOMEM
                    break;
                case Munmap { Pages: 0 } when _held.Count > 0:
                    var (start, end) = _held[^1];
                    _held.RemoveAt(_held.Count - 1);
                    foreach (var s in Syscall(UvmMap.Unmap(Kernel, this, vmspace, start, end))) yield return s; // sys_munmap()
                    break;
                case Munmap part when _held.Count > 0 && _held[^1].Start + part.Offset < _held[^1].End:
                    // munmap() of part of the range: the rest stays held, for a later munmap() of it all.
                    var (from, until) = (_held[^1].Start + part.Offset, Math.Min(_held[^1].End, _held[^1].Start + part.Offset + part.Pages));
                    foreach (var s in Syscall(UvmMap.Unmap(Kernel, this, vmspace, from, until))) yield return s;
                    break;
            }
        }
        yield return Step.Exit("exit1");
    }
}
