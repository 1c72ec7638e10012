using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.CowOps;

namespace Uvm.Scenarios;

/// <summary>
/// The cow-wire scenario: a process writes its pages, forks, write-protects and mlock()s its
/// private entry, gives writing back and writes, forks again while wired (amap_cow_now()) and
/// exits; a second LWP mprotect(PROT_READ|PROT_WRITE)s and munlock()s the entry meanwhile (the
/// mprotect() since session 31: a map call of another LWP during the wiring is where VM_MAP_BUSY
/// matters; an mprotect(PROT_READ) until session 34, when a write fault it made fail began to end
/// the process, SIGSEGV, as the kernel does, and most schedules ended there). Its children read and write the shared
/// pages, while another process fills memory and the pagedaemon pages out whatever is not wired
/// (model/Cow/CowWiring.cs).
/// </summary>
public static class CowWireScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "cow-wire",
        "4 free pages, 8 swap slots; a process writes 2 pages, forks, mprotect(PROT_READ)s and mlock()s them, gives writing back, writes, forks again while wired and exits; a second LWP mprotect(PROT_READ|PROT_WRITE)s and munlock()s them, the children read and write the pages while another process fills memory.",
        ["vm", "swap", "cow"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 4,
        Sections =
        [
            PagingWithFiller(8),
            new CowWorkload
            {
                Processes =
                [
                    new(2, [W(0), W(1), new(CowOpKind.Fork), new(CowOpKind.Protect), new(CowOpKind.Wire), new(CowOpKind.Unprotect), W(0), new(CowOpKind.Fork), R(1)])
                    {
                        ChildOps = [R(0), W(1), R(1)],
                        LwpOps = [new(CowOpKind.Unprotect), new(CowOpKind.Unwire)],
                    },
                ],
            },
        ],
    };

    /// <summary>
    /// A process of 1-3 pages that touches, forks, wires, protects and unwires, with a second LWP
    /// one time in two (one in four until session 31: a map call of the second LWP while the first
    /// wires is where VM_MAP_BUSY matters), beside a memory filler; one time in three chosen
    /// pageouts fail, as in cow-fork's generator, so a wiring fault may meet a bad slot and
    /// uvm_map_pageable() unwind its wiring. Memory holds the wired pages and a copy of each:
    /// amap_cow_now() at the fork of a wired entry waits in uvm_wait("cownowpage") for a page to copy
    /// into and cannot fail ("XXXCDC"), so with every page wired the kernel of the time deadlocks
    /// on memory (found by the cycle detector in a generated workload with three pages wired in
    /// three free; with 3-5 free pages for 1-3 wired ones until session 33).
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from pages in Gen.Choose(1, 3)
        from free in Gen.Choose(Math.Max(3, 2 * pages), 2 * pages + 2)
        from before in CowForkScenario.GenTouches(pages, 2)
        from ops in GenWiringOps(pages, 6, forks: true)
        from child in CowForkScenario.GenTouches(pages, 3)
        from lwp in Gen.Frequency((1, Gen.Constant(Array.Empty<CowOp>())), (1, GenWiringOps(pages, 2, forks: false)))
        from errors in GenPageoutFaults()
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free,
            Sections =
            [
                PagingWithFiller(3 * pages + 4 + 2 * errors.Count),
                new CowWorkload { Processes = [new(pages, [.. before, .. ops]) { ChildOps = ops.Any(o => o.Kind == CowOpKind.Fork) ? child : [], LwpOps = lwp }] },
                .. PageoutFaults(errors),
            ],
        };

    /// <summary>
    /// Up to <paramref name="max"/> operations: touches, and one in two an mlock(), an munlock(), an
    /// mprotect() either way, an madvise() (MADV_FREE or MADV_DONTNEED) or (with
    /// <paramref name="forks"/>, at most two) a fork.
    /// </summary>
    private static FsCheck.Gen<CowOp[]> GenWiringOps(int pages, int max, bool forks) =>
        from n in Gen.Choose(1, max)
        from ops in Gen.ArrayOf(Gen.Frequency(
            (1, CowForkScenario.GenTouch(pages)),
            (1, Gen.Elements(MapCalls(forks)))), n)
        select ops.Where((o, i) => o.Kind != CowOpKind.Fork || ops.Take(i).Count(p => p.Kind == CowOpKind.Fork) < 2).ToArray();

    private static CowOp[] MapCalls(bool forks) =>
        forks ? [new(CowOpKind.Wire), new(CowOpKind.Unwire), new(CowOpKind.Fork), new(CowOpKind.Protect), new(CowOpKind.Unprotect), new(CowOpKind.Free), new(CowOpKind.DontNeed)]
              : [new(CowOpKind.Wire), new(CowOpKind.Unwire), new(CowOpKind.Protect), new(CowOpKind.Unprotect), new(CowOpKind.Free), new(CowOpKind.DontNeed)];
}
