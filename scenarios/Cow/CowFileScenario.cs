using FsCheck.Fluent;
using Uvm.Model.Vm;
using static Uvm.Scenarios.CowOps;

namespace Uvm.Scenarios;

/// <summary>
/// The cow-file scenario: the refault workload on a file mapped MAP_PRIVATE (<see cref="CowWorkload.FileBacked"/>):
/// reads map the vnode's pages read-only (uvm_fault case 2A), writes promote them into anons (case
/// 2B from the object), the pgo_get sleeps race the second LWP's faults on the same page, mprotect
/// and munmap, while the pagedaemon cleans and frees file pages and anons.
/// </summary>
public static class CowFileScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "cow-file",
        "3 free pages, 6 swap slots; a process maps a 2-page file privately, reads and writes it (case 2A, promote) while its second LWP writes the same page, mprotects and munmaps the entry.",
        ["vm", "swap", "cow", "vnode"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>The default workload.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 3,
        Sections =
        [
            new PagingWorkload { SwapSlots = 6, FreeMin = 1, FreeTarg = 2, AnonProcesses = [new(1, [new(0, true)])] },
            new CowWorkload
            {
                FileBacked = true,
                Processes = [new(2, [W(0), R(1), W(1)]) { LwpOps = [W(0), R(1), new(CowOpKind.Protect), new(CowOpKind.Unmap)] }],
            },
        ],
    };

    /// <summary>The refault generator's workloads (model/Cow), file-backed, with a free page more for the vnode's pages.</summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from w in RefaultScenario.Generate()
        select w with
        {
            FreePages = 3,
            Sections = [.. w.Sections.Select(s => s is CowWorkload cow ? cow with { FileBacked = true } : s)],
        };
}
