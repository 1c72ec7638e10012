using System.Text.Json.Nodes;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>Every class of bad counterexample file gets a one-line error naming what is wrong.</summary>
public sealed class CounterexampleFileTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>
{
    private string Mutate(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(found.Json)!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    private static string ErrorOf(string text) =>
        Assert.Throws<InputException>(() => CounterexampleFile.Parse(text, "cx.json")).Message;

    [Fact]
    public void AWrittenFileReadsBackUnchanged()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cx-{Guid.NewGuid():N}.json");
        CounterexampleFile.Write(found.Value, path);

        var back = CounterexampleFile.Read(path);

        Assert.Equal(found.Value.Trace, back.Trace);
        Assert.Equal(found.Value.Violation, back.Violation);
        Assert.Equal(found.Value.Steps.Select(s => s.ToString()), back.Steps.Select(s => s.ToString()));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*.tmp"));
        File.Delete(path);
    }

    [Fact]
    public void ATruncatedFileIsRejected() =>
        Assert.StartsWith("cx.json: not JSON or truncated at line", ErrorOf(found.Json[..(found.Json.Length / 2)]));

    [Fact]
    public void TextThatIsNotJsonIsRejected() =>
        Assert.StartsWith("cx.json: not JSON or truncated", ErrorOf("this is not a counterexample"));

    [Fact]
    public void AnEmptyFileIsRejected() => Assert.Equal("cx.json: the file is empty", ErrorOf(""));

    [Fact]
    public void AnotherFormatVersionIsRejected() =>
        Assert.Equal("cx.json: format version 7 is not supported; this uvmcheck reads version 1",
            ErrorOf(Mutate(o => o["formatVersion"] = 7)));

    [Fact]
    public void AFileWithoutFormatVersionIsNotACounterexample() =>
        Assert.Equal("cx.json: not a counterexample (no formatVersion)", ErrorOf(Mutate(o => o.Remove("formatVersion"))));

    [Fact]
    public void AMissingRequiredFieldIsNamed() =>
        Assert.Contains("workload", ErrorOf(Mutate(o => o.Remove("workload"))));

    [Fact]
    public void AnUnknownFieldIsNamed() =>
        Assert.Contains("$.bogus", ErrorOf(Mutate(o => o["bogus"] = 1)));

    [Fact]
    public void AnUnknownBugIsNamed() =>
        Assert.StartsWith("cx.json: bugs: unknown bug 'pr99999'", ErrorOf(Mutate(o => o["bugs"] = new JsonArray("pr99999"))));

    [Fact]
    public void AnInvalidWorkloadNamesTheField() =>
        Assert.Equal("cx.json: workload.cpus: must be 1..8, is 0", ErrorOf(Mutate(o => o["workload"]!["cpus"] = 0)));

    [Fact]
    public void AWrongTypeNamesThePath() =>
        Assert.Contains("$.iteration", ErrorOf(Mutate(o => o["iteration"] = "three")));

    [Fact]
    public void AFileWithNeitherTraceNorStepsIsRejected() =>
        Assert.Contains("neither a Coyote trace nor a kernel-level schedule", ErrorOf(Mutate(o => { o["trace"] = ""; o["steps"] = new JsonArray(); })));

    /// <summary>An enum read from a number may hold any value (found by CliFuzzTests: shrink then threw from Coyote's configuration).</summary>
    [Theory]
    [InlineData("strategy", 17, "cx.json: settings.strategy: unknown strategy 17")]
    [InlineData("engine", 5, "cx.json: settings.engine: unknown engine 5")]
    [InlineData("strategyBound", -1, "cx.json: settings.strategyBound must be 0..1000, is -1")]
    public void AnUnknownSettingIsNamed(string field, int value, string error) =>
        Assert.Equal(error, ErrorOf(Mutate(o => o["settings"]![field] = value)));

    [Fact]
    public void AMissingFileIsReportedNotThrown() =>
        Assert.Contains("cannot read", Assert.Throws<InputException>(() => CounterexampleFile.Read("/nonexistent/cx.json")).Message);
}
