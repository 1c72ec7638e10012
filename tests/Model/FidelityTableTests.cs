using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Tests.Model;

/// <summary>
/// docs/fidelity.md has a row for every step label of the model, as the step catalogue reads them
/// from the model's IL (<see cref="StepCatalogue.Model"/>): a step added to a kernel path without a
/// row saying which kernel critical section it stands for fails here.
/// </summary>
public sealed class FidelityTableTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    /// <summary>Every complete step label of the model, once each.</summary>
    private static SortedSet<string> ModelLabels() =>
        new(StepCatalogue.Model.Labels().Select(l => l.Label), StringComparer.Ordinal);

    [Fact]
    public void TheCatalogueHoldsTheLabelsOfKnownSteps()
    {
        var labels = ModelLabels();

        Assert.Contains("uvm_swapout_threads", labels);
        Assert.Contains("uvm_fault_wire", labels);
        Assert.Contains("uvm_loananon: simple_lock(an_lock)", labels);
        Assert.Contains("preempt", labels);
        Assert.True(labels.Count > 100, $"only {labels.Count} labels found");
    }

    [Fact]
    public void EveryStepLabelOfTheModelHasARowInTheFidelityTable()
    {
        var table = File.ReadAllText(Path.Combine(Root(), "docs", "fidelity.md"));

        var missing = ModelLabels().Where(l => !table.Contains($"| `{l}` |", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"docs/fidelity.md lacks rows for: {string.Join(", ", missing)}");
    }
}
