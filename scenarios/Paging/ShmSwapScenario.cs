using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The shm-swap scenario: two processes share a SysV shm segment bigger than free memory and
/// write its pages, so the pagedaemon pages the aobj out to swap and the processes fault the pages
/// back in, while an administrator runs swapctl -d / -a, whose uao_swap_off() pages every swapped
/// aobj page back in. Exercises PR kern/22752.
/// </summary>
public static class ShmSwapScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "shm-swap",
        "5 free pages (free target 5), 1 swap slot; 2 processes share a 4-page shm segment under heavy paging while swapctl -d/-a runs 4 times.",
        ["vm", "swap"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>
    /// The default workload: a 4-page segment in 5 pages of memory with a free target of 5, so every
    /// allocation wakes the pagedaemon and it keeps paging the segment out; one swap slot, so swap
    /// is often full and the swap-shortage scan frees the slots of resident pages; four swapctl
    /// -d/-a cycles. The segment fits in memory, so every swap_off can finish. One iteration takes
    /// about 50 steps.
    /// </summary>
    public static Workload Default() => new()
    {
        Cpus = 1,
        Seconds = 0,
        SwapoutScans = 0,
        FreePages = 5,
        Sections =
        [
            new PagingWorkload
            {
                SwapSlots = 1,
                FreeMin = 1,
                FreeTarg = 5,
                ShmUsers =
                [
                    [new ShmGet(1, 4), new ShmAt(1), W(0), R(3), W(2), W(0), W(1), W(2), W(0), R(3), new ShmDt(1)],
                    [new ShmGet(1, 4), new ShmAt(1), W(2), R(2), W(0), R(3), W(2), W(0), new ShmDt(1), new ShmRmid(1)],
                ],
                SwapCtl = [SwapCtlOp.Off, SwapCtlOp.On, SwapCtlOp.Off, SwapCtlOp.On, SwapCtlOp.Off, SwapCtlOp.On, SwapCtlOp.Off, SwapCtlOp.On],
            },
        ],
    };

    /// <summary>
    /// Two shm users with 2-6 touches each of a 2-4 page segment that fits in memory (swapctl -d
    /// must page it all in while no page can go to swap); in one workload in three the second user
    /// has a segment of its own (key 2), as large, and memory holds both; 1-3 slots, a free target at the size of
    /// memory so that the pagedaemon keeps paging, and 1-3 swapctl -d/-a cycles; one in three also has
    /// a process writing anon memory, with as many more free pages, so that swap_off() walks anons
    /// and aobjs in the same call. One in three fails chosen pageouts (swap-errors' EIO and ENOMEM,
    /// two more slots per failure): a shm page then keeps a slot marked bad that uao_get() fails on
    /// and swap_off() counts (hunt36).
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from pages in Gen.Choose(2, 4)
        from key in Gen.Elements(1, 1, 2) // 2: the second user has a segment of its own, so uao_swap_off() walks two aobjs
        from free in Gen.Choose(pages * key, Math.Max(5, pages * key)) // room for every segment's pages
        from slots in Gen.Choose(1, 3)
        from a in GenUser(pages, 1)
        from b in GenUser(pages, key)
        from detach in Gen.Elements(true, false) // false: the first user exits attached, and exit1()'s shmexit() detaches it
        from cycles in Gen.Choose(1, 3)
        from anon in PagedaemonScenario.GenSometimesOneProcess()
        from errors in CowOps.GenPageoutFaults()
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free + anon.Sum(a => a.Pages),
            Sections =
            [
                new PagingWorkload
                {
                    SwapSlots = slots + 2 * errors.Count, FreeMin = 1, FreeTarg = free + anon.Sum(a => a.Pages),
                    AnonProcesses = anon,
                    ShmUsers = [[new ShmGet(1, pages), new ShmAt(1), .. a, .. (detach ? new ShmOp[] { new ShmDt(1) } : [])], [new ShmGet(key, pages), new ShmAt(key), .. b, new ShmDt(key), new ShmRmid(key)]],
                    SwapCtl = [.. Enumerable.Repeat(new[] { SwapCtlOp.Off, SwapCtlOp.On }, cycles).SelectMany(x => x)],
                },
                .. CowOps.PageoutFaults(errors),
            ],
        };

    private static FsCheck.Gen<ShmOp[]> GenUser(int pages, int key) =>
        from n in Gen.Choose(2, 6)
        from touches in Gen.ListOf(
            from page in Gen.Choose(0, pages - 1)
            from write in Gen.Elements(true, true, false)
            select (ShmOp)new ShmTouch(key, page, write), n)
        select touches.ToArray();

    private static ShmTouch W(int page) => new(1, page, Write: true);

    private static ShmTouch R(int page) => new(1, page, Write: false);
}
