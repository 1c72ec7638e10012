using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>paging</c> section of a <see cref="Workload"/> (<see cref="PagingSection"/>): the swap
/// device, the pagedaemon's targets, the processes touching anon memory, the SysV shm users, and
/// swapctl. Present only in scenarios that exercise the pagedaemon; memory is the workload's
/// <c>freePages</c>.
/// </summary>
public sealed record PagingWorkload
{
    /// <summary>Upper bounds: larger ones explode the state space.</summary>
    public const int MaxSlots = 64, MaxPages = 16, MaxUsers = 8, MaxOps = 32, MaxKey = 8;

    /// <summary>Slots of the swap device (0: no swap).</summary>
    public int SwapSlots { get; init; } = 4;

    /// <summary>uvmexp.freemin.</summary>
    public int FreeMin { get; init; } = 1;

    /// <summary>uvmexp.freetarg.</summary>
    public int FreeTarg { get; init; } = 2;

    /// <summary>Processes touching private anonymous memory.</summary>
    public IReadOnlyList<AnonProcessSpec> AnonProcesses { get; init; } = [];

    /// <summary>Processes using SysV shared memory, each a list of shm operations.</summary>
    public IReadOnlyList<IReadOnlyList<ShmOp>> ShmUsers { get; init; } = [];

    /// <summary>What swapctl does to the swap device, in order (empty: no swapctl thread).</summary>
    public IReadOnlyList<SwapCtlOp> SwapCtl { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() =>
        $"swap {SwapSlots}, freetarg {FreeTarg}"
        + string.Concat(AnonProcesses.Select((p, i) => $"; anon {i + 1} ({p.Pages}p): {string.Join(" ", p.Touches)}" + (p.MunmapLwpAfter is { } n ? $" | lwp2 after {n}: munmap" : "")))
        + string.Concat(ShmUsers.Select((ops, i) => $"; shm {i + 1}: {string.Join(" ", ops)}"))
        + (SwapCtl.Count > 0 ? $"; swapctl: {string.Join(" ", SwapCtl.Select(o => o == SwapCtlOp.Off ? "-d" : "-a"))}" : "");
}

/// <summary>A process with <paramref name="Pages"/> pages of private anonymous memory and the touches it makes.</summary>
public sealed record AnonProcessSpec(int Pages, IReadOnlyList<AnonTouch> Touches)
{
    /// <summary>
    /// After this many touches the process creates a second LWP, which munmap()s the whole heap
    /// while the first goes on touching it (model/Threads/AnonUser.cs); null: one LWP.
    /// </summary>
    public int? MunmapLwpAfter { get; init; }
}
