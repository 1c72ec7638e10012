using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>Issue 22, defect 7: co-shrinking has a budget and can be cancelled, keeping the best result so far.</summary>
public sealed class ShrinkBudgetTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>
{
    [Fact]
    public void ACancelledShrinkStopsAtOnceAndKeepsAReplayableCounterexample()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var shrunk = CoShrinker.Shrink(found.Value, cancel: cancelled.Token);

        Assert.Equal(0, shrunk.Shrink!.WorkloadCandidatesTried);
        Assert.Equal(found.Value.Steps, shrunk.Steps);
        Assert.True(Replayer.Replay(shrunk).Exact);
    }

    [Theory]
    [InlineData(null, 30)]        // no --time: the default cap
    [InlineData(10, 5)]           // half of a short run budget
    [InlineData(300, 30)]         // never more than the cap
    public void TheShrinkBudgetIsAShareOfTheRunBudgetWithACap(int? runSeconds, int shrinkSeconds)
    {
        var run = runSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;

        Assert.Equal(TimeSpan.FromSeconds(shrinkSeconds), CoShrinker.Budget(run));
    }
}
