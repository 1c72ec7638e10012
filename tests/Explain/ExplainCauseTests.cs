using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Explain;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>
/// Issue 22, "Explain shows the cause": the steps that last changed a fact of what the violation
/// names are marked (◆), listed under the verdict and never folded; an explain whose replay ends
/// in another violation than the file's says so.
/// </summary>
public sealed class ExplainCauseTests(Pr23095Counterexample pr) : IClassFixture<Pr23095Counterexample>
{
    private static string Story(Explanation e)
    {
        var o = new StringWriter();
        StoryWriter.Write(e, o, fold: true, StoryWriter.DefaultWidth);
        return o.ToString();
    }

    [Fact]
    public void EachCauseIsTheLastChangeOfItsFact()
    {
        var e = pr.Explanation;
        var causes = e.Steps.Where(s => s.Causes.Count > 0).ToList();

        Assert.NotEmpty(causes);
        Assert.Contains(causes, s => s.Causes.Contains($"{pr.Lwp}.InMemory"));   // the swapout that cleared L_INMEM
        Assert.Contains(causes, s => s.Causes.Contains($"{pr.Lwp}.Stat"));       // the switch that made it LSONPROC
        foreach (var step in causes)
            foreach (var fact in step.Causes)
            {
                Assert.Contains(step.Diff.Changes, c => $"{c.Label}.{c.Fact}" == fact);
                Assert.DoesNotContain(e.Steps.Where(s => s.Index > step.Index), s => s.Diff.Changes.Any(c => $"{c.Label}.{c.Fact}" == fact));
            }
    }

    [Fact]
    public void CausesAreMarkedListedAndNeverFolded()
    {
        var e = pr.Explanation;
        var story = Story(e);
        var shown = StoryFolding.Lines(e).Where(l => !l.IsFold).Select(l => l.Step!.Index).ToHashSet();

        var causes = e.Steps.Where(s => s.Causes.Count > 0).ToList();
        Assert.Contains($"; ◆ causes: steps {string.Join(", ", causes.Select(s => s.Index))}:", story);
        foreach (var step in causes)
        {
            Assert.Contains(step.Index, shown);
            if (!step.Violated) Assert.Matches($@"\n\s*{step.Index} ◆ ", story);
        }
    }

    [Fact]
    public void AnExplanationThatDisagreesWithTheFileSaysSo()
    {
        var recorded = new Violation(ViolationKind.Invariant, "RunnableResidentLwpIsQueued", "recorded by an older model");
        var e = Explanation.Of(pr.Counterexample with { Violation = recorded });

        Assert.Equal($"this explanation disagrees with the file: the file records invariant RunnableResidentLwpIsQueued, the model's run ends in {e.Violation!.Id}", e.Disagreement);
        Assert.Contains($"note: {e.Disagreement}", Story(e));
        Assert.Null(pr.Explanation.Disagreement);
    }
}
