using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>What the copy-on-write scenarios write their workloads with: reads and writes of a process's pages, and the paging section with its memory filler.</summary>
internal static class CowOps
{
    /// <summary>A write of page <paramref name="p"/>.</summary>
    public static CowOp W(int p) => new(CowOpKind.Write, p);

    /// <summary>A read of page <paramref name="p"/>.</summary>
    public static CowOp R(int p) => new(CowOpKind.Read, p);

    /// <summary>The paging section of <paramref name="swapSlots"/> slots (freemin 1, freetarg 2) with a process that writes 2 pages beside the copy-on-write ones: the memory filler.</summary>
    public static PagingWorkload PagingWithFiller(int swapSlots) =>
        new() { SwapSlots = swapSlots, FreeMin = 1, FreeTarg = 2, AnonProcesses = [new(2, [new(0, true), new(1, true)])] };
}
