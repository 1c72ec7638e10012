using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The swap-errors scenario: processes dirty more anon memory than fits, the pagedaemon gathers
/// dirty pages into swap clusters (one uvm_swap_alloc() each, the unused tail freed at the final
/// pageout), and chosen pageout completions fail: EIO marks the slots bad and loses the pages,
/// ENOMEM re-dirties and reactivates them and frees the slots, while the processes fault pages
/// back in and exit.
/// </summary>
public static class SwapErrorsScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "swap-errors",
        "3 free pages, 8 swap slots, clusters of 2; 2 processes write 3 anon pages each; the 1st pageout completion fails with EIO, the 2nd with ENOMEM.",
        ["vm", "swap", "vnode"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 3,
        Sections =
        [
            new PagingWorkload
            {
                SwapSlots = 8, FreeMin = 1, FreeTarg = 2,
                AnonProcesses = [new(3, [W(0), W(1), W(2), W(0)]), new(3, [W(0), W(1), W(2)])],
            },
            new SwapIoWorkload { ClusterPages = 2, Errors = [new(1, PageoutError.Eio), new(2, PageoutError.Enomem)] },
        ],
    };

    /// <summary>
    /// 1-3 processes of 1-4 anon pages that fit in memory plus swap less the slots errors may mark
    /// bad, clusters of 1-4 slots, and up to 3 failing completions among the first 6.
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from free in Gen.Choose(3, 6)
        from slots in Gen.Choose(4, 10)
        from cluster in Gen.Choose(1, 4)
        from n in Gen.Choose(1, 3)
        from procs in Gen.ListOf(PagedaemonScenario.GenProcess(), n)
        from errors in GenErrors()
        where procs.Sum(p => p.Pages) + errors.Count * cluster < free + slots
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                new PagingWorkload { SwapSlots = slots, FreeMin = 1, FreeTarg = 2, AnonProcesses = [.. procs] },
                new SwapIoWorkload { ClusterPages = cluster, Errors = errors },
            ],
        };

    /// <summary>Up to 3 distinct failing completions among the first 6, each EIO or ENOMEM.</summary>
    internal static FsCheck.Gen<IReadOnlyList<IoFault>> GenErrors() =>
        from picks in Gen.ListOf(
            from completion in Gen.Choose(1, 6)
            from error in Gen.Elements(PageoutError.Eio, PageoutError.Enomem)
            select new IoFault(completion, error), 3)
        from count in Gen.Choose(0, 3)
        select (IReadOnlyList<IoFault>)[.. picks.Take(count).DistinctBy(e => e.Completion)];

    private static AnonTouch W(int page) => new(page, Write: true);
}
