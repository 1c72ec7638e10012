using FsCheck;
using FsCheck.Fluent;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>Co-shrinking keeps the violation, never grows anything, and its result replays.</summary>
public sealed class ShrinkTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>
{
    [Fact]
    public void CoShrinkingKeepsTheViolationAndShrinksWorkloadAndSchedule()
    {
        var shrunk = CoShrinker.Shrink(found.Value);

        Assert.Equal(found.Value.Violation.Id, shrunk.Violation.Id);
        var s = shrunk.Shrink!;
        Assert.True(s.WorkloadSizeAfter < s.WorkloadSizeBefore, $"{s}");
        Assert.True(s.StepsAfter < s.StepsBefore, $"{s}");
        Assert.True(s.ContextSwitchesAfter < s.ContextSwitchesBefore, $"{s}");
        Assert.True(Replayer.Replay(shrunk).Exact);
    }

    [Fact]
    public void ScheduleShrinkingAloneNeverGrowsTheSchedule()
    {
        var request = Replayer.RequestFor(found.Value);

        var steps = ScheduleShrinker.Shrink(found.Value.Workload, request.Config, request.Properties, found.Value.Steps, found.Value.Violation.Id);

        Assert.True(steps.Count <= found.Value.Steps.Count);
        Assert.True(ScheduleShrinker.ContextSwitches(steps) <= ScheduleShrinker.ContextSwitches(found.Value.Steps));
    }

    /// <summary>200 generated workloads per scenario: the generators are small, so this covers their shapes well.</summary>
    [Fact]
    public void EveryGeneratedWorkloadAndEveryShrinkCandidateIsValid()
    {
        foreach (var scenario in ScenarioCatalogue.All)
        {
            Prop.ForAll(WorkloadSampler.Arbitrary(scenario), w =>
                w.Validate().Count == 0
                && WorkloadShrinker.Candidates(w).All(c => c.Validate().Count == 0 && WorkloadShrinker.Size(c) < WorkloadShrinker.Size(w)))
                .Check(Config.QuickThrowOnFailure.WithMaxTest(200));
        }
    }

    [Fact]
    public void SamplingIsDeterministicForASeed()
    {
        var scenario = ScenarioCatalogue.Default;

        var a = WorkloadSampler.Sample(scenario, 5, 42).Select(w => w.ToString());
        var b = WorkloadSampler.Sample(scenario, 5, 42).Select(w => w.ToString());

        Assert.Equal(a, b);
    }
}
