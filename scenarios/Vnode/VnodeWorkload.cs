using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>vnodes</c> section of a <see cref="Workload"/> (<see cref="VnodeSection"/>): regular files
/// and the processes that map them MAP_SHARED and read and write their pages, so that the
/// pagedaemon cleans dirty file pages through the vnode pager (model/Pager/VnodePager.cs). Needs a
/// paging section.
/// </summary>
public sealed record VnodeWorkload
{
    /// <summary>Upper bounds: larger ones explode the state space.</summary>
    public const int MaxFiles = 4, MaxPages = 8, MaxUsers = 4, MaxOps = 16;

    /// <summary>The files, each as its size in pages.</summary>
    public IReadOnlyList<int> Files { get; init; } = [];

    /// <summary>The processes, each a list of file page accesses.</summary>
    public IReadOnlyList<IReadOnlyList<FileTouch>> Users { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() =>
        $"files {string.Join(",", Files.Select(f => $"{f}p"))}"
        + string.Concat(Users.Select((u, i) => $"; file user {i + 1}: {string.Join(" ", u)}"));
}
