using Uvm.Model;
using Uvm.Model.Vm;
using static Uvm.Scenarios.ListShrinks;

namespace Uvm.Scenarios;

/// <summary>The <c>swapIo</c> section (<see cref="SwapIoWorkload"/>): swap clusters and injected pageout errors. Needs the <c>paging</c> section.</summary>
public sealed class SwapIoSection : WorkloadSection<SwapIoWorkload>
{
    /// <inheritdoc/>
    public override string Name => "swapIo";

    /// <inheritdoc/>
    public override IReadOnlyList<Scenario> Scenarios => [SwapErrorsScenario.Scenario];

    /// <inheritdoc/>
    protected override void Validate(SwapIoWorkload io, Workload workload, Problems problems)
    {
        problems.Check(workload.Section<PagingWorkload>() is not null, "", "needs a paging section (the pagedaemon and swap)");
        problems.Check(io.ClusterPages is >= 1 and <= SwapIoWorkload.MaxClusterPages, "clusterPages", $"must be 1..{SwapIoWorkload.MaxClusterPages}, is {io.ClusterPages}");
        problems.Check(io.Errors is not null && io.Errors.Count <= SwapIoWorkload.MaxErrors, "errors", $"must list at most {SwapIoWorkload.MaxErrors} errors");
        for (int i = 0; i < (io.Errors?.Count ?? 0); i++)
        {
            var e = io.Errors![i];
            var at = problems.At($"errors[{i}]");
            if (e is null) { at.Add("", "missing error"); continue; }
            at.Check(e.Completion is >= 1 and <= SwapIoWorkload.MaxCompletion, "completion", $"must be 1..{SwapIoWorkload.MaxCompletion}, is {e.Completion}");
            at.Check(e.Error is PageoutError.Eio or PageoutError.Enomem, "error", "must be \"eio\" or \"enomem\"");
            at.Check(io.Errors.Take(i).All(o => o?.Completion != e.Completion), "completion", $"completion {e.Completion} is listed twice");
        }
    }

    /// <summary>Fewer errors, then smaller clusters.</summary>
    protected override IEnumerable<SwapIoWorkload> Shrink(SwapIoWorkload io)
    {
        for (int i = 0; i < io.Errors.Count; i++)
            yield return io with { Errors = Without(io.Errors, i) };
        if (io.ClusterPages > 1) yield return io with { ClusterPages = io.ClusterPages - 1 };
    }

    /// <inheritdoc/>
    protected override int Size(SwapIoWorkload io) => io.ClusterPages + io.Errors.Count;

    /// <inheritdoc/>
    protected override string Summary(SwapIoWorkload io) => $"swap i/o: {io}";

    /// <inheritdoc/>
    protected override void Start(Kernel k, SwapIoWorkload io)
    {
        k.Vm.ClusterPages = io.ClusterPages;
        foreach (var e in io.Errors) k.Vm.IoErrors[e.Completion] = e.Error;
    }
}
