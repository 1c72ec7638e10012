namespace Uvm.Scenarios;

/// <summary>
/// Every scenario, by name. The first is the default of <c>uvmcheck run</c>. The swapout scenarios
/// run the machine alone (swapout-swapctl with swapctl beside it); every other one comes with the workload section of its kernel path
/// (<see cref="IWorkloadSection.Scenarios"/>), in the order of <see cref="WorkloadSections.All"/>,
/// so registering a path's section registers its scenarios; the mixed scenario, which runs several
/// paths' workloads together, comes last.
/// </summary>
public static class ScenarioCatalogue
{
    /// <summary>The scenarios, default first.</summary>
    public static IReadOnlyList<Scenario> All { get; } = Collect();

    /// <summary>The scenario <c>uvmcheck run</c> explores when none is named.</summary>
    public static Scenario Default => All[0];

    /// <summary>The scenario with this name (case-insensitive), or null.</summary>
    public static Scenario? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The machine's own scenario, each section's, then the mixed one; two scenarios of one name are a programming error.</summary>
    private static IReadOnlyList<Scenario> Collect()
    {
        IReadOnlyList<Scenario> all = [SwapoutScenario.Scenario, SwapoutScenario.Swapctl, SwapoutScenario.Procfs, StopScenario.Scenario, .. WorkloadSections.All.SelectMany(s => s.Scenarios), MixedScenario.Scenario];
        var twice = all.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new InvalidOperationException($"two scenarios are named {twice.Key}");
        return all;
    }
}
