using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The anon-swapoff scenario: processes write private anon memory under a free target at the size
/// of memory, so the pagedaemon keeps paging their anons out, and exit while an administrator runs
/// swapctl -d / -a, whose anon_swap_off() pages every swapped anon back in. Exercises the anon
/// walk of swap_off() against the owners' exits (switch <c>anon-swap-off-unheld</c>).
/// </summary>
public static class AnonSwapOffScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "anon-swapoff",
        "3 free pages (free target 3), 1 swap slot; a process writes 3 anon pages and exits while swapctl -d/-a runs twice.",
        ["vm", "swap"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>
    /// The default workload: a process writes 3 anon pages in 3 pages of memory with a free target
    /// of 3, so every allocation wakes the pagedaemon and it pages anons out to the one slot, which
    /// is then full, so the swap-shortage scan frees the slots of resident pages; two swapctl -d/-a
    /// cycles. The anons fit in memory, so every swap_off can finish. An iteration is about 40 steps.
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
                SwapSlots = 1,
                FreeMin = 1,
                FreeTarg = 3,
                AnonProcesses = [new(3, [W(0), W(1), W(2), W(0)])],
                SwapCtl = [SwapCtlOp.Off, SwapCtlOp.On, SwapCtlOp.Off, SwapCtlOp.On],
            },
        ],
    };

    /// <summary>
    /// 1-2 processes of 1-3 anon pages that fit in memory together (swapctl -d must page them all
    /// in while no page can go to swap), 1-3 slots, a free target at the size of memory so that the
    /// pagedaemon keeps paging, and 1-3 swapctl -d/-a cycles. One in three fails chosen pageouts
    /// (swap-errors' EIO and ENOMEM, two more slots per failure), so that swapctl -d removes a
    /// device with slots marked bad (swap_off()'s swpginuse -= swd_npgbad; hunt36 planted it unreached).
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from n in Gen.Choose(1, 2)
        from procs in Gen.ListOf(PagedaemonScenario.GenProcess(), n)
        from slots in Gen.Choose(1, 3)
        from extra in Gen.Choose(0, 1)
        from cycles in Gen.Choose(1, 3)
        from errors in CowOps.GenPageoutFaults()
        where procs.Sum(p => p.Pages) <= 5
        let free = procs.Sum(p => p.Pages) + extra
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                new PagingWorkload
                {
                    SwapSlots = slots + 2 * errors.Count, FreeMin = 1, FreeTarg = free,
                    AnonProcesses = [.. procs],
                    SwapCtl = [.. Enumerable.Repeat(new[] { SwapCtlOp.Off, SwapCtlOp.On }, cycles).SelectMany(x => x)],
                },
                .. CowOps.PageoutFaults(errors),
            ],
        };

    private static AnonTouch W(int page) => new(page, Write: true);
}
