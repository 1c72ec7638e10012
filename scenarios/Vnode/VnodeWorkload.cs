using System.Text.Json.Serialization;
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
    public const int MaxFiles = 4, MaxPages = 8, MaxUsers = 4, MaxOps = 16, MaxOpens = 8;

    /// <summary>The files, each as its size in pages.</summary>
    public IReadOnlyList<int> Files { get; init; } = [];

    /// <summary>The processes, each a list of file page accesses.</summary>
    public IReadOnlyList<IReadOnlyList<FileTouch>> Users { get; init; } = [];

    /// <summary>
    /// The namei processes (session 37, model/Threads/NameiThread.cs), each as the files it opens
    /// and closes in turn, by number: one of <see cref="Files"/>, or a number past them for a
    /// one-page file no vnode holds at boot. desiredvnodes is the number of files, so an open of a
    /// file without a vnode recycles a free one.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public IReadOnlyList<IReadOnlyList<int>> Opens { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() =>
        $"files {string.Join(",", Files.Select(f => $"{f}p"))}"
        + string.Concat(Users.Select((u, i) => $"; file user {i + 1}: {string.Join(" ", u)}"))
        + string.Concat(Opens.Select((o, i) => $"; namei {i + 1}: {string.Join(" ", o.Select(f => $"open(f{f})"))}"));
}
