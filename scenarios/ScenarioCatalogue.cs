namespace Uvm.Scenarios;

/// <summary>Every scenario, by name. The first is the default of <c>uvmcheck run</c>.</summary>
public static class ScenarioCatalogue
{
    /// <summary>The scenarios, default first.</summary>
    public static IReadOnlyList<Scenario> All { get; } =
    [
        SwapoutScenario.Scenario,
        ExecTopdownScenario.Scenario,
        PagedaemonScenario.Scenario,
        ShmSwapScenario.Scenario,
        ExitScenario.Reaperless,
        ExitScenario.Reaper,
        LoanScenario.Scenario,
        LoanZeroScenario.Scenario,
        PoolDrainScenario.Scenario,
        CowForkScenario.Scenario,
        RefaultScenario.Scenario,
        CowFileScenario.Scenario,
        VnodePageoutScenario.Scenario,
        SwapErrorsScenario.Scenario,
    ];

    /// <summary>The scenario <c>uvmcheck run</c> explores when none is named.</summary>
    public static Scenario Default => All[0];

    /// <summary>The scenario with this name (case-insensitive), or null.</summary>
    public static Scenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
