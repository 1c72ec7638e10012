using System.Text.Json;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Every scenario of the catalogue holds on the fixed kernel (scenarios/manifest.json states the
/// budget of those that need another than the default), and each switch of the registry
/// (model/Switches/) says what its scenario does with it on. These tests keep both complete (every
/// scenario is explored, every bug states its expected violation) and true (each scenario and each
/// switch, explored from seed 0 with its budget, gives exactly the stated result).
/// </summary>
public sealed class ManifestTests
{
    private sealed record Entry(string Scenario, string Expected, int Iterations);

    private sealed record Manifest(string About, IReadOnlyList<Entry> Entries);

    private static Manifest Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) dir = dir.Parent;
        var text = File.ReadAllText(Path.Combine(dir!.FullName, "scenarios", "manifest.json"));
        return JsonSerializer.Deserialize<Manifest>(text, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    /// <summary>
    /// The fixed kernel's budget of a scenario with no entry: as the entries of the scenarios whose
    /// schedules are ~100 steps (the exit and pool scenarios, twice as long, state 50).
    /// </summary>
    private const int DefaultIterations = 100;

    /// <summary>Every scenario of the catalogue with its entry, or "holds" within the default budget when it has none.</summary>
    public static TheoryData<string, string, int> Entries()
    {
        var entries = Load().Entries;
        var data = new TheoryData<string, string, int>();
        foreach (var s in ScenarioCatalogue.All)
        {
            var e = entries.FirstOrDefault(e => e.Scenario == s.Name) ?? new Entry(s.Name, "holds", DefaultIterations);
            data.Add(e.Scenario, e.Expected, e.Iterations);
        }
        return data;
    }

    /// <summary>The switches that state an expected violation, by id.</summary>
    public static TheoryData<string> SwitchesWithAnExpectation() =>
        [.. Switches.All.Where(s => s.Expected is not null).Select(s => s.Id)];

    [Fact]
    public void EveryEntryNamesAScenarioThatHoldsOnTheFixedKernel()
    {
        var entries = Load().Entries;

        Assert.All(entries, e => Assert.NotNull(ScenarioCatalogue.Find(e.Scenario)));
        Assert.All(entries, e => Assert.Equal("holds", e.Expected));
        Assert.Equal(entries.Count, entries.Select(e => e.Scenario).Distinct().Count());
    }

    [Fact]
    public void EverySwitchNamesAKnownScenarioAndEveryBugItsExpectedViolation()
    {
        Assert.All(Switches.All, s => Assert.NotNull(ScenarioCatalogue.Find(s.Scenario)));
        Assert.All(Switches.All.Where(s => s.IsBug), s => Assert.False(s.Expected is null || s.Budget < 1, $"{s.Id} states no expected violation and budget"));
        Assert.All(Switches.All.Where(s => s.Expected is not null), s => Assert.True(s.Budget >= 1, $"{s.Id}: budget {s.Budget}"));
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void EntryGivesItsStatedResult(string scenario, string expected, int iterations)
    {
        Assert.Equal(expected, Explore(scenario, KernelConfig.Fixed, iterations));
    }

    [Theory]
    [MemberData(nameof(SwitchesWithAnExpectation))]
    public void SwitchGivesItsExpectedViolation(string id)
    {
        var s = Switches.Find(id)!;

        Assert.Equal($"violates {s.Expected}", Explore(s.Scenario, Switches.Configure([id]), s.Budget));
    }

    private static string Explore(string scenario, KernelConfig config, int iterations)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        var result = Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Iterations = iterations })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        });
        return result.Counterexample is { } cx ? $"violates {cx.Violation.Id}" : "holds";
    }
}
