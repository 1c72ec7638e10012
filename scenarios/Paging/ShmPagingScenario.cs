using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The shm-paging scenario: a process writes more private anon memory than is free while two
/// processes share a SysV shm segment and fault its pages in for the first time, reads as often as
/// writes (PR kern/22752's "SysV shm and heavy paging", without swapctl). A first touch that finds
/// no free page fails uao_get(PGO_LOCKED), and the unlocked uao_get() waits in
/// uvm_wait("uao_getpage") for the pagedaemon, then zero-fills the page itself (uvm_pagezero()).
/// </summary>
public static class ShmPagingScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "shm-paging",
        "4 free pages, 4 swap slots; a process writes 3 anon pages while 2 processes share a 3-page shm segment and fault it in, reads first, as the pagedaemon pages out.",
        ["vm", "swap"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>
    /// The default workload: 3 anon and 3 shm pages in 4 pages of memory and 4 slots. The anon
    /// writer fills memory while the shm users touch their pages for the first time, so a touch
    /// often finds no free page. An iteration is about 60 steps.
    /// </summary>
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
                AnonProcesses = [new(3, [new(0, true), new(1, true), new(2, true), new(0, true)])],
                ShmUsers =
                [
                    [new ShmGet(1, 3), new ShmAt(1), R(0), R(2), W(1), R(0), new ShmDt(1)],
                    [new ShmGet(1, 3), new ShmAt(1), R(1), W(2), R(0), new ShmDt(1), new ShmRmid(1)],
                ],
            },
        ],
    };

    /// <summary>
    /// 1-2 anon processes (<see cref="PagedaemonScenario.GenProcess"/>) and two users of a 1-4 page
    /// segment with 2-5 touches each, reads as likely as writes, in 3-6 free pages, with every
    /// page fitting in memory plus swap (beyond that an shm fault has nothing left to reclaim:
    /// uao_get() waits in uvm_wait("uao_getpage") and has no ENOMEM return, unlike the anon
    /// faults of <see cref="PagedaemonScenario.Generate"/>).
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from free in Gen.Choose(3, 6)
        from n in Gen.Choose(1, 2)
        from procs in Gen.ListOf(PagedaemonScenario.GenProcess(), n)
        from pages in Gen.Choose(1, 4)
        from a in GenUser(pages)
        from b in GenUser(pages)
        from detach in Gen.Elements(true, false) // false: the first user exits attached, and exit1()'s shmexit() detaches it
        from spare in Gen.Choose(1, 2)
        let slots = Math.Max(1, procs.Sum(p => p.Pages) + pages - free + spare)
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                new PagingWorkload
                {
                    SwapSlots = slots, FreeMin = 1, FreeTarg = 2, AnonProcesses = [.. procs],
                    ShmUsers = [[new ShmGet(1, pages), new ShmAt(1), .. a, .. (detach ? new ShmOp[] { new ShmDt(1) } : [])], [new ShmGet(1, pages), new ShmAt(1), .. b, new ShmDt(1), new ShmRmid(1)]],
                },
            ],
        };

    private static FsCheck.Gen<ShmOp[]> GenUser(int pages) =>
        from n in Gen.Choose(2, 5)
        from touches in Gen.ListOf(
            from page in Gen.Choose(0, pages - 1)
            from write in Gen.Elements(true, false)
            select (ShmOp)new ShmTouch(1, page, write), n)
        select touches.ToArray();

    private static ShmTouch W(int page) => new(1, page, Write: true);

    private static ShmTouch R(int page) => new(1, page, Write: false);
}
