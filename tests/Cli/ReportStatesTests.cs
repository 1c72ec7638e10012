using System.Text.Json.Nodes;

namespace Uvm.Tests.Cli;

/// <summary>
/// Issue 20, item 3: the distinct-state count is in the run's JSON report (the manifest), when
/// the run counted states (<c>--coverage</c>), and a merge keeps it.
/// </summary>
public sealed class ReportStatesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-states-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private JsonObject RunReport(string name, params string[] extra)
    {
        var path = Path.Combine(_dir, name);
        var (code, _, err) = InputHardeningTests.Run(["run", "--iterations", "3", "--engine", "direct", "--json", path, "--out", _dir, .. extra]);
        Assert.True(code == 0, err);
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    [Fact]
    public void ACoverageRunReportsItsDistinctStates()
    {
        var report = RunReport("r.json", "--coverage");

        long states = report["distinctStates"]!.GetValue<long>();
        Assert.True(states > 1, $"distinctStates {states}");
        Assert.Equal(states, report["coverage"]!["distinctStates"]!.GetValue<long>());
    }

    [Fact]
    public void ARunThatCountsNoStatesSaysNothingAboutThem()
    {
        var report = RunReport("r.json");

        Assert.Null(report["distinctStates"]);
    }

    [Fact]
    public void AMergeKeepsTheLargestCount()
    {
        var a = RunReport("a.json", "--coverage", "--shard", "0/2");
        var b = RunReport("b.json", "--coverage", "--shard", "1/2");
        var merged = Path.Combine(_dir, "m.json");

        var (code, _, err) = InputHardeningTests.Run("merge", Path.Combine(_dir, "a.json"), Path.Combine(_dir, "b.json"), "--json", merged);

        Assert.True(code == 0, err);
        long expected = Math.Max(a["distinctStates"]!.GetValue<long>(), b["distinctStates"]!.GetValue<long>());
        Assert.Equal(expected, JsonNode.Parse(File.ReadAllText(merged))!["distinctStates"]!.GetValue<long>());
    }
}
