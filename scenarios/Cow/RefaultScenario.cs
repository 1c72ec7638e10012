using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.CowOps;

namespace Uvm.Scenarios;

/// <summary>
/// The refault scenario: a process's faults sleep (page-in from swap, a busy page, no memory) while
/// its second LWP munmaps or mprotects the same entry; uvmfault_relock() must fail and the fault
/// refault (EFAULT / EACCES) rather than map a stale page or a writable one in a read-only entry.
/// </summary>
public static class RefaultScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "refault",
        "2 free pages, 6 swap slots; a process writes 2 pages and reads/writes them again while its second LWP faults, mprotects then munmaps the entry and memory is short.",
        ["vm", "swap", "cow"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 2,
        Sections =
        [
            PagingWithFiller(6),
            new CowWorkload
            {
                Processes =
                [
                    new(2, [W(0), W(1), R(0), W(1), R(0), W(0)]) { LwpOps = [R(1), R(0), new(CowOpKind.Protect), R(1), new(CowOpKind.Unmap)] },
                ],
            },
        ],
    };

    /// <summary>A process of 1-2 pages faulting while its second LWP faults and does two of munmap/mprotect; optional fork.</summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from pages in Gen.Choose(1, 2)
        from before in CowForkScenario.GenTouches(pages, 2)
        from after in CowForkScenario.GenTouches(pages, 3)
        from fork in Gen.Elements(true, false)
        from child in CowForkScenario.GenTouches(pages, 2)
        from lwpTouches in CowForkScenario.GenTouches(pages, 2)
        from changes in Gen.ArrayOf(Gen.Elements(new CowOp(CowOpKind.Unmap), new CowOp(CowOpKind.Protect)), 2)
        let lwp = (CowOp[])[.. lwpTouches, .. changes]
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 2,
            Sections =
            [
                PagingWithFiller(2 * pages + 4),
                new CowWorkload
                {
                    Processes = [new(pages, fork ? [.. before, new(CowOpKind.Fork), .. after] : [.. before, .. after]) { ChildOps = fork ? child : [], LwpOps = lwp }],
                },
            ],
        };
}
