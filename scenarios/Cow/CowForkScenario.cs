using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.CowOps;

namespace Uvm.Scenarios;

/// <summary>
/// The cow-fork scenario: a process writes its pages, forks, and parent and child write and read
/// them (needs-copy, amap_copy, case 1B copy-on-write) and exit, while a third process fills memory
/// and the pagedaemon pages anons out from under them.
/// </summary>
public static class CowForkScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "cow-fork",
        "3 free pages, 6 swap slots; a process writes 2 pages and forks twice, parent and children write and read them (copy-on-write) and exit while another process fills memory.",
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
                Processes = [new(2, [W(0), W(1), new(CowOpKind.Fork), new(CowOpKind.Fork), W(0), R(1)]) { ChildOps = [R(0), W(1), W(0)] }],
            },
        ],
    };

    /// <summary>
    /// A process of 1-3 pages forking once or twice with generated parent and child ops, beside a
    /// memory filler. One parent in three mprotect()s its entry after the fork (read-only, then
    /// read-write again, as cow-wire's parent does), and one in three has a second LWP touching the
    /// pages meanwhile: a stale writable mapping fork() leaves harms only another LWP of the
    /// parent, and only a write after PROT_READ|PROT_WRITE is given back meets the anons fork
    /// shared (session 30's hunt: neither was in any default or generated cow-fork workload). One
    /// workload in three fails chosen pageout completions (swap-errors' EIO and ENOMEM, clusters
    /// of one page, two more slots for those EIO marks bad): a parent and child then fault an anon
    /// whose slot is bad, and uvmfault_anonget()'s error branch runs against shared anons.
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from free in Gen.Choose(3, 4)
        from pages in Gen.Choose(1, 3)
        from before in GenTouches(pages, 2)
        from after in GenTouches(pages, 3)
        from child in GenTouches(pages, 3)
        from forks in Gen.Choose(1, 2)
        from protect in Gen.Frequency((2, Gen.Constant(Array.Empty<CowOp>())), (1, Gen.Constant(new[] { new CowOp(CowOpKind.Protect), new CowOp(CowOpKind.Unprotect) })))
        from lwp in Gen.Frequency((2, Gen.Constant(Array.Empty<CowOp>())), (1, GenTouches(pages, 3)))
        from errors in GenPageoutFaults()
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                PagingWithFiller(2 * pages + 4 + 2 * errors.Count),
                new CowWorkload { Processes = [new(pages, [.. before, .. Enumerable.Repeat(new CowOp(CowOpKind.Fork), forks), .. protect, .. after]) { ChildOps = child, LwpOps = lwp }] },
                .. PageoutFaults(errors),
            ],
        };

    /// <summary>Up to <paramref name="max"/> reads and writes of pages 0..pages-1.</summary>
    internal static FsCheck.Gen<CowOp[]> GenTouches(int pages, int max) =>
        from n in Gen.Choose(0, max)
        from ops in Gen.ArrayOf(GenTouch(pages), n)
        select ops;

    /// <summary>One read or write (two in three a write) of a page 0..pages-1.</summary>
    internal static FsCheck.Gen<CowOp> GenTouch(int pages) =>
        from page in Gen.Choose(0, pages - 1)
        from write in Gen.Elements(true, true, false)
        select new CowOp(write ? CowOpKind.Write : CowOpKind.Read, page);
}
