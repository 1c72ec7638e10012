using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The anon-munmap scenario: a process of two LWPs, one faulting its anon heap back in from swap
/// while the other munmap()s the heap, beside another process that keeps memory short, so the
/// pagedaemon pages the heap out. A fault that sleeps reading an anon's page from swap finds,
/// when it relocks, that the munmap freed the anon meanwhile: uvm_anfree() left the busy page
/// PG_RELEASED, and uvmfault_anonget() frees page and anon and restarts the fault, which finds the
/// entry gone.
/// </summary>
public static class AnonMunmapScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "anon-munmap",
        "3 free pages, 4 swap slots; LWP 1 of a process writes and reads back 3 anon pages while its LWP 2 munmaps them, beside a process writing 2 pages; the pagedaemon pages out.",
        ["vm", "swap"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>
    /// The default workload: 5 anon pages in 3 pages of memory and 4 slots. LWP 1 writes its 3
    /// pages, creates LWP 2 and reads them back, often from swap, while LWP 2 munmaps them.
    /// </summary>
    public static Workload Default() => new()
    {
        Cpus = 1,
        Seconds = 0,
        SwapoutScans = 0,
        FreePages = 3,
        Sections =
        [
            new PagingWorkload
            {
                SwapSlots = 4,
                FreeMin = 1,
                FreeTarg = 2,
                AnonProcesses =
                [
                    new(3, [W(0), W(1), W(2), R(0), R(1), R(2), R(0)]) { MunmapLwpAfter = 3 },
                    new(2, [W(0), W(1), W(0)]),
                ],
            },
        ],
    };

    /// <summary>
    /// One process of <see cref="PagedaemonScenario.GenProcess"/> that creates a munmapping second
    /// LWP after any number of its touches, beside 0-2 more, in 2-6 free pages, every anon page fitting in memory plus swap.
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from free in Gen.Choose(2, 6)
        from slots in Gen.Choose(1, 6)
        from unmapped in PagedaemonScenario.GenProcess()
        from after in Gen.Choose(0, unmapped.Touches.Count)
        from n in Gen.Choose(0, 2)
        from others in Gen.ListOf(PagedaemonScenario.GenProcess(), n)
        where unmapped.Pages + others.Sum(p => p.Pages) < free + slots
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                new PagingWorkload
                {
                    SwapSlots = slots, FreeMin = 1, FreeTarg = 2,
                    AnonProcesses = [unmapped with { MunmapLwpAfter = after }, .. others],
                },
            ],
        };

    private static AnonTouch W(int page) => new(page, Write: true);

    private static AnonTouch R(int page) => new(page, Write: false);
}
