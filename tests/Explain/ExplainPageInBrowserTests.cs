using System.Text.RegularExpressions;
using Uvm.Scenarios.Explain;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>
/// The HTML page of the PR 23095 counterexample, opened in a real (headless) browser: its script
/// draws the sequence diagram, highlights the violating step and shows the state after it.
/// </summary>
public sealed class ExplainPageInBrowserTests(Pr23095Counterexample pr) : IClassFixture<Pr23095Counterexample>
{
    [ChromiumFact]
    public void DiagramRendersAndTheViolatedStepIsHighlighted()
    {
        var page = Path.Combine(pr.Directory, "explain.html");
        File.WriteAllText(page, HtmlWriter.Write(pr.Explanation));
        var e = pr.Explanation;
        int last = e.Steps[^1].Index;
        int shown = StoryFolding.Lines(e).Where(l => !l.IsFold).Sum(l => 1 + l.Repeated.Count);

        var dom = Chromium.DumpDom(page);

        Assert.Contains("data-rendered=\"ok\"", dom);
        Assert.DoesNotContain("data-error=", dom);
        Assert.Matches("<svg [^>]*id=\"diagram\"", dom);
        Assert.Equal(shown, Regex.Matches(dom, "<g class=\"step[ \"]").Count);
        Assert.True(Regex.Matches(dom, "class=\"arrow\"").Count >= shown);
        Assert.Equal(e.Steps.Select(s => s.Thread).Distinct().Count(), Regex.Matches(dom, "<g class=\"head thread\"").Count);
        Assert.Matches($"<g class=\"step violated selected\" data-step=\"{last}\"", dom);
        Assert.Matches($"<li class=\"step violated selected\" id=\"item-{last}\"", dom);
        Assert.Contains("id=\"violation-note\"", dom);
        Assert.Contains($"State after step {last} (pagedaemon: uvm_swapout)", dom);
        Assert.Matches($"<tr class=\"named\" data-entity=\"Lwps/{pr.Lwp}\">.*?<span class=\"fact changed\">InMemory=<span class=\"was\">true</span>false</span>", dom);
    }
}
