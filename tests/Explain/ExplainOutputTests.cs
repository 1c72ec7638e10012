using System.Text.Json;
using System.Text.RegularExpressions;
using Uvm.Cli;
using Uvm.Scenarios.Explain;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>The Mermaid diagram, the HTML page and the CLI commands for the PR 23095 counterexample.</summary>
public sealed class ExplainOutputTests(Pr23095Counterexample pr) : IClassFixture<Pr23095Counterexample>
{
    [Fact]
    public void MermaidDeclaresEveryParticipantItUses()
    {
        var text = MermaidWriter.Write(pr.Explanation);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("sequenceDiagram", lines[0]);
        var declared = lines.Select(l => Regex.Match(l, @"^\s+participant (\w+) as ")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var thread in pr.Explanation.Steps.Select(s => s.Thread).Distinct())
            Assert.Contains($"as {thread}\n", text);
        foreach (var m in lines.Select(l => Regex.Match(l, @"^\s+(\w+)->>(\w+): ")).Where(m => m.Success))
        {
            Assert.Contains(m.Groups[1].Value, declared);
            Assert.Contains(m.Groups[2].Value, declared);
        }
        Assert.DoesNotContain(lines.Skip(1), l => l.Contains(';') || l.Contains('#'));
    }

    [Fact]
    public void MermaidBoxesTheViolatingStepWithTheViolation()
    {
        var text = MermaidWriter.Write(pr.Explanation);

        var box = text[text.IndexOf("    rect rgb(", StringComparison.Ordinal)..];
        Assert.Matches(@"^    rect rgb\(255, 215, 215\)\n    t\d+->>o\d+: \d+ uvm_swapout: −InMemory", box);
        Assert.Matches($@"\n    Note over \w+(,\w+)?: ✗ OnProcLwpIsInMemory: {pr.Lwp} runs on {pr.Cpu} with L_INMEM clear[^\n]*\n    end\n$", box);
    }

    [Fact]
    public void HtmlPageNeedsNoNetwork()
    {
        var page = HtmlWriter.Write(pr.Explanation);

        Assert.DoesNotMatch(@"<script[^>]+src=|<link |@import|url\(http", page);
        Assert.DoesNotContain("https://", page);
        Assert.Equal(["http://www.w3.org/2000/svg"], Regex.Matches(page, @"http://[^""' ]+").Select(m => m.Value).Distinct());
        Assert.Contains("<pre id=\"mermaid\">sequenceDiagram", page);
    }

    [Fact]
    public void HtmlPageCarriesEveryStepAndItsChanges()
    {
        var page = HtmlWriter.Write(pr.Explanation);

        var json = Regex.Match(page, "<script type=\"application/json\" id=\"explain-data\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        using var data = JsonDocument.Parse(json);
        var steps = data.RootElement.GetProperty("steps");
        Assert.Equal(pr.Explanation.Steps.Count, steps.GetArrayLength());
        Assert.True(steps[steps.GetArrayLength() - 1].GetProperty("violated").GetBoolean());
        Assert.Contains("InMemory", steps[steps.GetArrayLength() - 1].GetProperty("diff").GetString());
        Assert.Equal("OnProcLwpIsInMemory", data.RootElement.GetProperty("violation").GetProperty("name").GetString());
    }

    [Fact]
    public void ExplainCommandPrintsTheStoryAndExitsZero()
    {
        var (code, stdout, _) = Run("explain", pr.Path);

        Assert.Equal(Uvm.Cli.Cli.Clean, code);
        Assert.Contains("✗ invariant OnProcLwpIsInMemory violated", stdout);
    }

    [Fact]
    public void ExplainCommandWritesMermaidToStdoutAndHtmlToAFile()
    {
        var html = Path.Combine(pr.Directory, "page.html");

        var (code, stdout, stderr) = Run("explain", pr.Path, "--format", "mermaid", "--html", html);

        Assert.Equal(Uvm.Cli.Cli.Clean, code);
        Assert.StartsWith("sequenceDiagram", stdout);
        Assert.Contains($"wrote {html}", stderr);
        Assert.Contains("id=\"explain-data\"", File.ReadAllText(html));
    }

    [Fact]
    public void ExplainCommandRejectsABadFileWithExitTwo()
    {
        var bad = Path.Combine(pr.Directory, "bad.json");
        File.WriteAllText(bad, "{ not json");

        var (code, _, stderr) = Run("explain", bad);

        Assert.Equal(Uvm.Cli.Cli.UsageError, code);
        Assert.Contains("not JSON", stderr);
    }

    [Fact]
    public void ReplayStepPrintsEveryStepWithItsChangesWhenNotInteractive()
    {
        var o = new StringWriter();

        int code = ReplayCommand.Execute(pr.Path, o, step: true, next: null);

        Assert.Equal(Uvm.Cli.Cli.BugFound, code);
        var text = o.ToString();
        Assert.True(pr.Explanation.Steps.Count == Regex.Matches(text, @"(?m)^step \d+/\d+  ").Count, $"{pr.Explanation.Steps.Count} steps explained, replay printed:\n{text}");
        Assert.Matches($@"(?m)^step \d+/\d+  ✗ pagedaemon: uvm_swapout\n    {pr.Lwp}: InMemory true→false", text);
        Assert.Contains("REPRODUCED", text);
    }

    [Fact]
    public void ReplayStepStopsWhenTheUserQuits()
    {
        var o = new StringWriter();
        int asked = 0;

        ReplayCommand.Execute(pr.Path, o, step: true, next: () => ++asked < 3);

        Assert.Equal(3, Regex.Matches(o.ToString(), @"(?m)^step \d+/").Count);
        Assert.Contains($"stopped before step 3 of {pr.Explanation.Steps.Count}", o.ToString());
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Uvm.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
