using System.Text.Json.Nodes;

namespace Uvm.Tests.Cli;

/// <summary>Issue 22, defect 9: merge refuses negative counts and counts that overflow, instead of crashing or adding them.</summary>
public sealed class MergeCountTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-merge-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Two real shard reports of one run (4 schedules: enough for two non-empty shards).</summary>
    private (string A, string B) Shards(Action<JsonObject> edit)
    {
        var paths = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            var path = Path.Combine(_dir, $"shard{i}.json");
            var (code, _, err) = InputHardeningTests.Run("run", "--iterations", "4", "--shard", $"{i}/2", "--json", path, "--out", _dir);
            Assert.True(code == 0, err);
            var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            edit(node);
            File.WriteAllText(path, node.ToJsonString());
            paths.Add(path);
        }
        return (paths[0], paths[1]);
    }

    [Fact]
    public void NegativeCountsAreRefused()
    {
        var (a, b) = Shards(n => n["iterations"] = -5);

        var (code, _, err) = InputHardeningTests.Run("merge", a, b);

        Assert.Equal(2, code);
        Assert.Contains("must not be negative", err);
    }

    [Fact]
    public void CountsThatOverflowWhenAddedAreRefused()
    {
        var (a, b) = Shards(n => n["iterations"] = int.MaxValue);

        var (code, _, err) = InputHardeningTests.Run("merge", a, b);

        Assert.Equal(2, code);
        Assert.Contains("add up to more than a report can hold", err);
    }
}
