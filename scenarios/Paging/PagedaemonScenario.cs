using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The pagedaemon scenario: processes touch more private anonymous memory than there is, so
/// allocations below the free target wake the pagedaemon, which frees clean pages, pages dirty
/// ones out to a small swap device and lets the aiodone daemon complete them, while the processes
/// fault swapped-out pages back in and finally exit.
/// </summary>
public static class PagedaemonScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "pagedaemon",
        "4 free pages, 4 swap slots; 2 processes write 3 anon pages each and fault them back in while the pagedaemon pages out.",
        ["vm", "swap"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload: 6 anon pages in 4 pages of memory.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1,
        Seconds = 0,
        SwapoutScans = 0,
        FreePages = 4,
        Sections =
        [
            new PagingWorkload
            {
                SwapSlots = 4,
                FreeMin = 1,
                FreeTarg = 2,
                AnonProcesses =
                [
                    new(3, [W(0), W(1), W(2), R(0), W(1)]),
                    new(3, [W(0), W(1), W(2), W(0)]),
                ],
            },
        ],
    };

    /// <summary>
    /// 1-3 processes of 1-4 anon pages, 3-8 free pages, 1-6 swap slots, with all anon pages fitting
    /// in memory plus swap three times in four. The fourth may not fit: once swap holds only pages
    /// whose one copy it is, a fault that needs a new page returns ENOMEM (uvm_fault.c 1.69, cases
    /// 1B and 2B: "out of swap") instead of waiting in uvm_wait() for a page the pagedaemon has
    /// nowhere to put.
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from free in Gen.Choose(3, 8)
        from slots in Gen.Choose(1, 6)
        from n in Gen.Choose(1, 3)
        from procs in Gen.ListOf(GenProcess(), n)
        from overcommit in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        where overcommit || procs.Sum(p => p.Pages) < free + slots
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections = [new PagingWorkload { SwapSlots = slots, FreeMin = 1, FreeTarg = 2, AnonProcesses = [.. procs] }],
        };

    /// <summary>
    /// For another scenario's workloads: in one in three, one process of <see cref="GenProcess"/>,
    /// else none, so that a third of them fault anon pages beside that scenario's own work.
    /// </summary>
    internal static FsCheck.Gen<AnonProcessSpec[]> GenSometimesOneProcess() =>
        Gen.Frequency((2, Gen.Constant<AnonProcessSpec[]>([])), (1, GenProcess().Select(a => new[] { a })));

    /// <summary>A process of 1-4 anon pages making 1-6 touches, two writes to one read.</summary>
    internal static FsCheck.Gen<AnonProcessSpec> GenProcess() =>
        from pages in Gen.Choose(1, 4)
        from n in Gen.Choose(1, 6)
        from touches in Gen.ListOf(
            from page in Gen.Choose(0, pages - 1)
            from write in Gen.Elements(true, true, false)
            select new AnonTouch(page, write), n)
        select new AnonProcessSpec(pages, [.. touches]);

    private static AnonTouch W(int page) => new(page, Write: true);

    private static AnonTouch R(int page) => new(page, Write: false);
}
