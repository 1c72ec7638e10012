using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The loan-zero scenario: two processes send pages of memory they never touched, so every loan
/// goes to uvm_loanzero() and the shared zero page, while a third process fills memory; the zero
/// page's allocation then often fails and its callers sleep in uvm_wait("loanzero") until the
/// pagedaemon frees memory. Exercises the zero-page loan path (switches loan-recheck-after-sleep, loan-zero-page-unqueued).
/// </summary>
public static class LoanZeroScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "loan-zero",
        "3 free pages, 4 swap slots; two processes write a page, then send a never-touched one (the shared zero page) while a third fills memory and the pagedaemon pages out.",
        ["vm", "swap", "loan"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>
    /// The default workload: a process writes 3 pages into 3 free pages while two others each write
    /// one page of their buffer and then send a page they never touched (one also lends it to an
    /// anon), so the zero page is usually wanted while memory is short. About 120 steps a schedule.
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
                AnonProcesses = [new(3, [new(0, true), new(1, true), new(2, true)])],
            },
            new LoanWorkload
            {
                Clients =
                [
                    new(2, [new LoanTouch(1, Write: true), new LoanSend(0, 1), new LoanSend(0, 2)]),
                    new(2, [new LoanTouch(1, Write: true), new LoanSend(0, 1), new LoanToAnons(0, 1), new UnloanAnons()]),
                ],
            },
        ],
    };

    /// <summary>
    /// Two loaning processes of 1-2 never-touched pages sending, lending and writing them, beside a
    /// process filling 3-5 free pages; one in three also attaches the one-page SysV shm segment of
    /// key 1 (the first creates it), whose page follows its private ones, so both may loan the same
    /// object page (uvm_loanuobj(): to the kernel, or to anons that then share the borrowed page). Fewer than 3 pages can livelock, as a real kernel would: the
    /// zero page is never reclaimed, and a copy-on-write fault needs its source and a new page at once.
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from free in Gen.Choose(3, 5)
        from a in GenClient()
        from b in GenClient()
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                new PagingWorkload
                {
                    SwapSlots = free + 3, FreeMin = 1, FreeTarg = 2,
                    AnonProcesses = [new(free, [.. Enumerable.Range(0, free).Select(i => new AnonTouch(i, true))])],
                },
                new LoanWorkload { Clients = [a, b] },
            ],
        };

    private static FsCheck.Gen<LoanClientSpec> GenClient() =>
        from pages in Gen.Choose(1, 2)
        from shmPages in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Constant(1)))
        from ops in Gen.ListOf(
            from page in Gen.Choose(0, pages + shmPages - 1)
            from kind in Gen.Choose(0, 3)
            select kind switch
            {
                0 or 1 => (LoanOp)new LoanSend(page, 1),
                2 => new LoanToAnons(page, 1),
                _ => new LoanTouch(page, Write: true),
            }, 3)
        select new LoanClientSpec(pages, [.. ops]) { ShmKey = shmPages > 0 ? 1 : 0, ShmPages = shmPages };
}
