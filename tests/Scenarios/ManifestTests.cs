using System.Text.Json;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// scenarios/manifest.json says what every scenario does on the fixed kernel and with each bug
/// switch; these tests keep it complete (every scenario and every bug has an entry) and true
/// (each entry, explored from seed 0 with its budget, gives exactly the stated result).
/// </summary>
public sealed class ManifestTests
{
    private sealed record Entry(string Scenario, string? Bug, string Expected, int Iterations);

    private sealed record Manifest(string About, IReadOnlyList<Entry> Entries);

    private static Manifest Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) dir = dir.Parent;
        var text = File.ReadAllText(Path.Combine(dir!.FullName, "scenarios", "manifest.json"));
        return JsonSerializer.Deserialize<Manifest>(text, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    public static TheoryData<string, string?, string, int> Entries()
    {
        var data = new TheoryData<string, string?, string, int>();
        foreach (var e in Load().Entries) data.Add(e.Scenario, e.Bug, e.Expected, e.Iterations);
        return data;
    }

    /// <summary>The manifest's name for <see cref="KernelConfig.LaterFixed"/>: the 2003-04 kernel with the later fixes of the bugs the checker found.</summary>
    private const string LaterFixes = "later-fixes";

    [Fact]
    public void EveryScenarioHoldsOnceFixedAndEveryBugIsListed()
    {
        var entries = Load().Entries;

        // The default kernel (2003-04) holds, unless a bug the checker found in it lives in the
        // scenario: then its default entry states the violation and a later-fixes entry holds.
        Assert.All(ScenarioCatalogue.All, s =>
        {
            bool found = KernelBugs.All.Any(b => b.FoundByChecker && b.Scenario == s.Name);
            Assert.Contains(entries, e => e.Scenario == s.Name && e.Bug is null && (found ? e.Expected != "holds" : e.Expected == "holds"));
            if (found) Assert.Contains(entries, e => e.Scenario == s.Name && e.Bug == LaterFixes && e.Expected == "holds");
        });
        Assert.All(KernelBugs.All, b => Assert.Contains(entries, e => e.Bug == b.Id && e.Scenario == b.Scenario));
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void EntryGivesItsStatedResult(string scenario, string? bug, string expected, int iterations)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        var config = bug switch
        {
            null => KernelConfig.Fixed,
            LaterFixes => KernelConfig.LaterFixed,
            _ => KernelBugs.Configure([bug]),
        };

        var result = Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Iterations = iterations })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        });

        Assert.Equal(expected, result.Counterexample is { } cx ? $"violates {cx.Violation.Id}" : "holds");
    }
}
