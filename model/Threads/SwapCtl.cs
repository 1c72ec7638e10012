using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>An administrator running swapctl -d / swapctl -a on the swap device, in order (<see cref="SwapOff"/>).</summary>
public sealed class SwapCtl(Kernel kernel, IReadOnlyList<SwapCtlOp> program) : KernelThread(kernel, "swapctl")
{
    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        foreach (var op in program)
        {
            if (op == SwapCtlOp.On)
            {
                yield return SwapOff.On(Kernel, this);
                continue;
            }
            foreach (var s in SwapOff.Off(Kernel, this)) yield return s;
        }
        yield return Step.Exit("swapctl: done");
    }
}
