using Uvm.Model.Core;
using Uvm.Model.Maps;

namespace Uvm.Model.Threads;

/// <summary>
/// An LWP in execve(): lays out <see cref="Image"/> in its process's map with the given stack and
/// data rlimits (<see cref="Exec.Execve"/>), then returns to the new image or, if a vmcmd found no
/// space, dies. Its steps are exec's uvm_map() calls; the rest of exec is left out.
/// </summary>
public sealed class ExecThread(Kernel kernel, string name, Vmspace vmspace, ExecImage image, int? stackLimit, int dataLimit)
    : KernelThread(kernel, name)
{
    /// <summary>The program exec maps.</summary>
    public ExecImage Image { get; } = image;

    /// <inheritdoc/>
    /// <remarks>sys_execve() runs under KERNEL_PROC_LOCK from syscall entry to return (i386 trap.c syscall_plain).</remarks>
    protected override IEnumerable<Step> Body() => Syscall(Exec.Execve(Kernel, this, vmspace, Image, stackLimit, dataLimit));
}
