using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.CowOps;

namespace Uvm.Scenarios;

/// <summary>
/// The cow-wire-eio scenario: mlock() meets a swap error. A process writes its three pages and
/// mlock()s them while another process fills memory; the pagedaemon pages the process's pages out
/// and the write of the second to complete fails (EIO: uvm_swap_markbad(), the anon's slot becomes SWSLOT_BAD), so
/// uvm_map_pageable()'s pass 2 may wire a page before the wiring fault of a later one fails:
/// uvm_fault_wire() unwires what it wired and uvm_map_pageable() unwinds the entry's wiring
/// (model/Cow/CowWiring.cs). A second LWP reads the pages meanwhile, so a fault of the entry may
/// sleep across the failure. No default before it made a wiring fault fail: cow-wire's generator
/// does one time in three.
/// </summary>
public static class CowWireEioScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "cow-wire-eio",
        "4 free pages, 12 swap slots, a pageout that fails with EIO; a process writes 3 pages and mlock()s them while another process fills memory and a second LWP reads them: a wiring fault finds a bad slot and mlock() unwinds.",
        ["vm", "swap", "cow"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 4,
        Sections =
        [
            PagingWithFiller(12),
            new CowWorkload
            {
                Processes =
                [
                    new(3, [W(0), W(1), W(2), new(CowOpKind.Wire), R(0), new(CowOpKind.Unwire)]) { LwpOps = [R(1), R(0)] },
                ],
            },
            new SwapIoWorkload { ClusterPages = 1, Errors = [new IoFault(2, PageoutError.Eio)] },
        ],
    };

    /// <summary>cow-wire's generated workloads, every one with failing pageouts.</summary>
    public static FsCheck.Gen<Workload> Generate() =>
        CowWireScenario.Generate().Where(w => w.Sections.OfType<SwapIoWorkload>().Any());
}
