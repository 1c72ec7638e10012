using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>An administrator running swapctl -d / swapctl -a on the swap device, in order (<see cref="SwapOff"/>).</summary>
public sealed class SwapCtl(Kernel kernel, IReadOnlyList<SwapCtlOp> program) : KernelThread(kernel, "swapctl")
{
    /// <summary>swapctl -d's hold on the anon anon_swap_off() is paging in (<see cref="VmState.SwapOffHeld"/>), for the amap amap_swap_off() holds.</summary>
    public override int AnonReferencesTo(Anon anon) => anon == Kernel.Vm.SwapOffHeld ? 1 : 0;

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        foreach (var op in program)
        {
            // sys_swapctl(SWAP_ON / SWAP_OFF) under KERNEL_PROC_LOCK from entry to return (i386 trap.c syscall_plain).
            foreach (var s in Syscall(op == SwapCtlOp.On ? SwapOff.On(Kernel, this) : SwapOff.Off(Kernel, this))) yield return s;
        }
        yield return Step.Exit("swapctl: done");
    }
}
