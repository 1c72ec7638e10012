using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.CowOps;

namespace Uvm.Scenarios;

/// <summary>
/// The cow-madvise scenario: a process writes its pages and forks; parent and child write, read
/// and madvise() the shared private entry (MADV_FREE: uvm_map_clean(PGO_FREE) takes anons out of
/// the amap; MADV_DONTNEED: PGO_DEACTIVATE) while another process fills memory and the pagedaemon
/// pages anons out from under them.
/// </summary>
public static class CowMadviseScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "cow-madvise",
        "3 free pages, 6 swap slots; a process writes 2 pages and forks, writes a page and calls madvise(MADV_FREE), then reads; the child writes, calls madvise(MADV_DONTNEED) and reads, while another process fills memory.",
        ["vm", "swap", "cow"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 3,
        Sections =
        [
            PagingWithFiller(6),
            new CowWorkload
            {
                Processes = [new(2, [W(0), W(1), new(CowOpKind.Fork), W(0), new(CowOpKind.Free), R(1)]) { ChildOps = [W(1), new(CowOpKind.DontNeed), R(0)] }],
            },
        ],
    };

    /// <summary>
    /// A process of 1-3 pages forking once, parent and child touching and advising its pages, beside
    /// a memory filler. One time in three the parent's first call after fork() is an madvise(), while
    /// every anon is still shared (since session 34: a hunt's MADV_FREE that tested the anon's
    /// reference count for the amap's needed it, and no generated workload had it).
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from free in Gen.Choose(3, 4)
        from pages in Gen.Choose(1, 3)
        from before in CowForkScenario.GenTouches(pages, 2)
        from first in Gen.Frequency(
            (2, Gen.Constant(Array.Empty<CowOp>())),
            (1, Gen.Elements(new[] { new CowOp(CowOpKind.Free) }, [new CowOp(CowOpKind.DontNeed)])))
        from rest in GenTouchesAndAdvice(pages, 4)
        let after = first.Concat(rest).ToArray()
        from child in GenTouchesAndAdvice(pages, 3)
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                PagingWithFiller(2 * pages + 4),
                new CowWorkload { Processes = [new(pages, [.. before, new(CowOpKind.Fork), .. after]) { ChildOps = child }] },
            ],
        };

    /// <summary>Up to <paramref name="max"/> reads, writes and madvise() calls (one in four an madvise, MADV_FREE or MADV_DONTNEED).</summary>
    private static FsCheck.Gen<CowOp[]> GenTouchesAndAdvice(int pages, int max) =>
        from n in Gen.Choose(0, max)
        from ops in Gen.ArrayOf(Gen.Frequency(
            (3, CowForkScenario.GenTouch(pages)),
            (1, Gen.Elements(new CowOp(CowOpKind.Free), new CowOp(CowOpKind.DontNeed)))), n)
        select ops;
}
