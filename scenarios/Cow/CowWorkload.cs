using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>cow</c> section of a <see cref="Workload"/> (<see cref="CowSection"/>): processes with a
/// private anonymous entry that fault, fork (their child runs <see cref="CowProcessSpec.ChildOps"/>),
/// and a second LWP that munmaps or mprotects the entry under them (model/Cow). Needs a paging section.
/// </summary>
public sealed record CowWorkload
{
    /// <summary>Upper bounds: larger ones explode the state space.</summary>
    public const int MaxProcesses = 3, MaxPages = 8, MaxOps = 16;

    /// <summary>The processes.</summary>
    public IReadOnlyList<CowProcessSpec> Processes { get; init; } = [];

    /// <summary>Each process's entry maps a file MAP_PRIVATE (a vnode under the entry: uvm_fault() cases 2A and the 2B promote, model/Cow/CowObjectFault.cs) instead of anonymous memory.</summary>
    public bool FileBacked { get; init; }

    /// <inheritdoc/>
    public override string ToString() => (FileBacked ? "file-backed; " : "") + string.Join("; ", Processes.Select((p, i) =>
        $"cow {i + 1} ({p.Pages}p): {string.Join(" ", p.Ops)}" +
        (p.ChildOps.Count > 0 ? $" | child: {string.Join(" ", p.ChildOps)}" : "") +
        (p.LwpOps.Count > 0 ? $" | lwp2: {string.Join(" ", p.LwpOps)}" : "")));
}

/// <summary>A process of <paramref name="Pages"/> private pages running <paramref name="Ops"/>.</summary>
public sealed record CowProcessSpec(int Pages, IReadOnlyList<CowOp> Ops)
{
    /// <summary>What each child runs after the process's fork that made it (the ops may fork up to twice).</summary>
    public IReadOnlyList<CowOp> ChildOps { get; init; } = [];

    /// <summary>What a second LWP of the process runs meanwhile (munmap, mprotect).</summary>
    public IReadOnlyList<CowOp> LwpOps { get; init; } = [];
}
