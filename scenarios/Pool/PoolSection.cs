using Uvm.Model;

namespace Uvm.Scenarios;

/// <summary>The <c>pools</c> section (<see cref="PoolWorkload"/>): switches the kernel's pools on for fork, exit and the pagedaemon.</summary>
public sealed class PoolSection : WorkloadSection<PoolWorkload>
{
    /// <inheritdoc/>
    public override string Name => "pools";

    /// <inheritdoc/>
    public override IReadOnlyList<Scenario> Scenarios => [PoolDrainScenario.Scenario, PoolSwapoutScenario.Scenario];

    /// <inheritdoc/>
    protected override void Validate(PoolWorkload pools, Workload workload, Problems problems) =>
        problems.Check(workload.Section<ExitWorkload>() is not null, "", "needs an exit section (fork, wait4 and the pagedaemon's drain)");

    /// <inheritdoc/>
    protected override string Summary(PoolWorkload pools) => $"pools: {pools}";

    /// <inheritdoc/>
    protected override void Start(Kernel k, PoolWorkload pools) => k.Pools.Enabled = true;
}
