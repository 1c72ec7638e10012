using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.CowOps;

namespace Uvm.Scenarios;

/// <summary>
/// The cow-partial scenario (session 37): a process writes two pages of its private entry, forks,
/// munmap()s a tail of the entry and then a head of what is left, and faults on the rest, while its
/// child and its second LWP fault on the pages and the pagedaemon pages them out. Each munmap()
/// clips the entry (uvm_map_clip_end / uvm_map_clip_start → amap_splitref(): am_ref++, ppref on
/// the first split) and drops the clipped part's slots after the map is unlocked (amap_unref() →
/// amap_pp_adjref(-1) → amap_wiperange() of the slots no entry references any more), and the
/// child's copy of the amap (amap_copy()'s own amap_pp_adjref(-1)) or its exit may be the one that
/// drops a slot's count to 0 (model/Cow/CowMapOps.cs UnmapRange, model/Cow/AmapOps.cs).
/// </summary>
public static class CowPartialScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "cow-partial",
        "3 free pages, 8 swap slots; a process of 4 pages writes pages 2 and 3, forks, munmap()s pages 2-3 then page 0 and writes page 1, while its child reads and writes the pages, its second LWP touches page 1 and another process fills memory.",
        ["vm", "swap", "cow"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 3,
        Sections =
        [
            PagingWithFiller(8),
            new CowWorkload
            {
                Processes =
                [
                    new(4, [W(2), W(3), new(CowOpKind.Fork), Munmap(2, 2), Munmap(0, 1), W(1), R(1)])
                    {
                        ChildOps = [R(3), W(2), R(0)],
                        LwpOps = [R(1), W(1)],
                    },
                ],
            },
        ],
    };

    /// <summary>munmap() of <paramref name="pages"/> pages from <paramref name="page"/>.</summary>
    public static CowOp Munmap(int page, int pages) => new(CowOpKind.UnmapRange, page, pages);

    /// <summary>
    /// A process of 2-4 pages that touches, forks one time in two, and munmap()s one or two heads or
    /// tails of its entry among further touches, with a child and a second LWP touching the pages,
    /// beside a memory filler.
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from pages in Gen.Choose(2, 4)
        from free in Gen.Choose(3, 4)
        from before in CowForkScenario.GenTouches(pages, 3)
        from fork in Gen.Elements(true, false)
        from unmaps in Gen.ArrayOf(GenMunmap(pages), 2)
        from count in Gen.Choose(1, 2)
        from mid in CowForkScenario.GenTouches(pages, 2)
        from after in CowForkScenario.GenTouches(pages, 2)
        from child in CowForkScenario.GenTouches(pages, 3)
        from lwp in Gen.Frequency((1, Gen.Constant(Array.Empty<CowOp>())), (1, CowForkScenario.GenTouches(pages, 2)))
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                PagingWithFiller(2 * pages + 4),
                new CowWorkload
                {
                    Processes =
                    [
                        new(pages, [.. before, .. fork ? [new CowOp(CowOpKind.Fork)] : Array.Empty<CowOp>(), unmaps[0], .. mid, .. count == 2 ? [unmaps[1]] : Array.Empty<CowOp>(), .. after])
                        {
                            ChildOps = fork ? child : [],
                            LwpOps = lwp,
                        },
                    ],
                },
            ],
        };

    /// <summary>A munmap() of a head (pages 0..n-1) or a tail (pages n..pages-1) of the mapping, short of all of it.</summary>
    private static FsCheck.Gen<CowOp> GenMunmap(int pages) =>
        from n in Gen.Choose(1, pages - 1)
        from tail in Gen.Elements(true, false)
        select tail ? Munmap(pages - n, n) : Munmap(0, n);
}
