using System.Text.RegularExpressions;

namespace Uvm.Tests.Model;

/// <summary>
/// docs/fidelity.md has a row for every step label of the model. The labels are read from the
/// sources (model/**/*.cs): the literal or template first argument of Step.Ran/Sleep/Exit, the
/// label argument of Locks.Take and Fault.Finish, the labels of a conditional, the labels passed
/// to AObjPager.Detach, and the quantum results of CpuThread. A step-label catalogue in the model
/// would make the scan unnecessary; until one exists, the scan is the source of truth.
/// </summary>
public sealed partial class FidelityTableTests
{
    [GeneratedRegex(@"Step\.(?:Ran|Sleep|Exit)\(\$?""([^""]*)""")]
    private static partial Regex StepLabel();

    [GeneratedRegex(@"(?:Locks\.Take|Finish|Detach)\([^;]*?, ""([^""]*)""\)")]
    private static partial Regex ArgumentLabel();

    [GeneratedRegex(@"\? ""([^""]*)"" : ""([^""]*)""\)")]
    private static partial Regex ConditionalLabel();

    [GeneratedRegex(@"return ""(preempt|ltsleep)""")]
    private static partial Regex QuantumLabel();

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    /// <summary>Every step label the model's sources spell out.</summary>
    private static SortedSet<string> ModelLabels()
    {
        var labels = new SortedSet<string>(StringComparer.Ordinal);
        var model = Path.Combine(Root(), "model");
        foreach (var file in Directory.EnumerateFiles(model, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(file);
            foreach (var regex in new[] { StepLabel(), ArgumentLabel(), ConditionalLabel(), QuantumLabel() })
                foreach (Match m in regex.Matches(text))
                    for (int g = 1; g < m.Groups.Count; g++)
                        if (m.Groups[g].Success) labels.Add(m.Groups[g].Value);
        }
        return labels;
    }

    [Fact]
    public void TheScanFindsTheLabelsOfKnownSteps()
    {
        var labels = ModelLabels();

        Assert.Contains("uvm_swapout_threads", labels);
        Assert.Contains("uvm_fault_wire", labels);
        Assert.Contains("uvm_km_free: {what}", labels);
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
