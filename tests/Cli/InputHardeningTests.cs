using System.Text.Json.Nodes;
using Uvm.Scenarios;
using Uvm.Tests.Scenarios;

namespace Uvm.Tests.Cli;

/// <summary>Issue 22, defect 9: small crashes and wrong answers on odd input, each now one line and exit 2.</summary>
public sealed class InputHardeningTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Uvm.Cli.Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private string Save(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Counterexample(Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(found.Json)!.AsObject();
        edit(node);
        return Save($"cx-{Guid.NewGuid():N}.json", node.ToJsonString());
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinitys")]
    public void ANonFiniteTimeBudgetIsAUsageError(string time)
    {
        var (code, _, err) = Run("run", "--time", time, "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains("--time", err);
    }

    [Theory]
    [InlineData("replay", "\"1\"")]
    [InlineData("explain", "\"1\"")]
    [InlineData("shrink", "null")]
    [InlineData("replay", "null")]
    public void AFormatVersionThatIsNotANumberIsAUsageError(string command, string version)
    {
        var path = Counterexample(n => n["formatVersion"] = JsonNode.Parse(version));

        var (code, _, err) = Run(command, path);

        Assert.Equal(2, code);
        Assert.Contains("formatVersion must be a whole number", err);
    }

    [Fact]
    public void ShrinkOfAFileThatDoesNotReproduceExitsTwoAndWritesNothing()
    {
        var path = Counterexample(n => n["violation"]!["name"] = "RunQueueHoldsOnlyRunnableInMemoryLwps");
        var target = Path.Combine(_dir, "shrunk.json");

        var (code, _, err) = Run("shrink", path, "--out", target);

        Assert.Equal(2, code);
        Assert.Contains("does not reproduce", err);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void ARunThatExploresNoScheduleSaysSoAndExitsTwo()
    {
        var (code, _, err) = Run("run", "--iterations", "1", "--shard", "0/2", "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains("holds none of the 1 schedules", err);
    }

    [Fact]
    public void CounterexampleFileNamesDifferByStrategyAndWorkload()
    {
        var cx = found.Value;
        var names = new[]
        {
            CounterexampleFile.FileName(cx),
            CounterexampleFile.FileName(cx with { Settings = cx.Settings with { Strategy = Strategy.Pct } }),
            CounterexampleFile.FileName(cx with { Workload = cx.Workload with { Seconds = cx.Workload.Seconds + 1 } }),
        };

        Assert.Equal(3, names.Distinct().Count());
        Assert.All(names, n => Assert.StartsWith("swapout-pr23095-OnProcLwpIsInMemory-", n));
    }

    [Fact]
    public void AFileLargerThanTheCapIsRefusedWithoutReadingItAll()
    {
        var big = Path.Combine(_dir, "big.json");
        using (var f = File.Create(big)) f.SetLength(Json.MaxFileBytes + 1L);
        var workload = Save("workload.json", "{" + new string(' ', Json.MaxWorkloadBytes) + "}");

        var (code, _, err) = Run("replay", big);
        var (wcode, _, werr) = Run("run", "--workload", workload, "--iterations", "1", "--out", _dir);

        Assert.Equal(2, code);
        Assert.Contains("larger than 32 MB", err);
        Assert.Equal(2, wcode);
        Assert.Contains("larger than 1 MB", werr);
    }

    [Fact]
    public void EscapeSequencesFromAFileAreNotSentToTheTerminal()
    {
        var path = Counterexample(n => n["scenario"] = "\u001b]0;owned\u0007\u001b[31mred");

        var (code, output, err) = Run("replay", path);

        Assert.Equal(2, code);
        Assert.DoesNotContain('\u001b', output + err);
        Assert.DoesNotContain('\u0007', output + err);
        Assert.Contains("\\u001b[31mred", err);
    }

    [Fact]
    public void ADirectoryIsReportedAsADirectory()
    {
        var (code, _, err) = Run("replay", _dir);

        Assert.Equal(2, code);
        Assert.Contains("is a directory", err);
    }

    [Fact]
    public void DeepNestingIsReportedAsDeepNotTruncated()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var path = Save("deep.json", $"{{\"formatVersion\":1,\"x\":{deep}}}");

        var (code, _, err) = Run("replay", path);

        Assert.Equal(2, code);
        Assert.Contains("nested more than 64 levels deep", err);
        Assert.DoesNotContain("truncated", err);
    }
}
