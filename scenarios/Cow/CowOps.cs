using FsCheck.Fluent;
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

    /// <summary>
    /// The failing pageout completions of a generated workload: none two times in three, else
    /// swap-errors' EIO and ENOMEM at chosen completions (<see cref="SwapErrorsScenario.GenErrors"/>).
    /// The caller gives the filler two more slots per failure (EIO marks its slot bad).
    /// </summary>
    public static FsCheck.Gen<IReadOnlyList<IoFault>> GenPageoutFaults() =>
        Gen.Frequency((2, Gen.Constant((IReadOnlyList<IoFault>)[])), (1, SwapErrorsScenario.GenErrors()));

    /// <summary>The workload sections of <paramref name="errors"/>: a swap I/O section of one-page clusters, or none.</summary>
    public static object[] PageoutFaults(IReadOnlyList<IoFault> errors) =>
        errors.Count > 0 ? [new SwapIoWorkload { ClusterPages = 1, Errors = errors }] : [];
}
