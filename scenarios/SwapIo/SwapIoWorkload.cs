using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>swapIo</c> section of a <see cref="Workload"/> (<see cref="SwapIoSection"/>): how many
/// slots the pagedaemon gathers into one swap cluster (MAXBSIZE &gt;&gt; PAGE_SHIFT) and which
/// pageout completions fail, and how. Needs a paging section with swap.
/// </summary>
public sealed record SwapIoWorkload
{
    /// <summary>Upper bounds: larger ones explode the state space.</summary>
    public const int MaxClusterPages = 8, MaxErrors = 8, MaxCompletion = 16;

    /// <summary>The slots of a swap cluster (1: every pageout is one page).</summary>
    public int ClusterPages { get; init; } = 2;

    /// <summary>The injected errors, each at a completion (1 = the first buf the aiodone daemon completes).</summary>
    public IReadOnlyList<IoFault> Errors { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() =>
        $"cluster {ClusterPages}" + (Errors.Count > 0 ? $"; errors: {string.Join(" ", Errors)}" : "");
}

/// <summary>Completion number <paramref name="Completion"/> of a pageout buf fails with <paramref name="Error"/>.</summary>
public sealed record IoFault(int Completion, PageoutError Error)
{
    /// <inheritdoc/>
    public override string ToString() => $"#{Completion}:{(Error == PageoutError.Enomem ? "ENOMEM" : "EIO")}";
}
