using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>Replay fidelity: exact replays, replays across model changes, and where schedules part.</summary>
public sealed class ReplayTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>
{
    [Fact]
    public void AFreshCounterexampleReplaysExactlyAlongItsCoyoteTrace()
    {
        var replay = Replayer.Replay(found.Value);

        Assert.True(replay.Exact);
        Assert.Equal(ReplayMethod.CoyoteTrace, replay.Method);
        Assert.False(replay.ModelChanged);
    }

    [Fact]
    public void AFileFromAnotherModelStillReplaysAndSaysTheModelChanged()
    {
        var replay = Replayer.Replay(found.Value with { ModelFingerprint = "0000000000000000" });

        Assert.True(replay.Exact);
        Assert.True(replay.ModelChanged);
    }

    [Fact]
    public void WhenTheCoyoteTraceNoLongerFitsTheKernelScheduleIsFollowed()
    {
        var replay = Replayer.Replay(found.Value with { Trace = "not a coyote trace" });

        Assert.Equal(ReplayMethod.KernelSchedule, replay.Method);
        Assert.True(replay.Exact, replay.PartReason);
        Assert.Equal(found.Value.Violation.Id, replay.Violation!.Id);
        Assert.NotNull(replay.TraceProblem);
    }

    [Fact]
    public void AScheduleThatPartsFromTheModelSaysWhereAndWhy()
    {
        var steps = found.Value.Steps.ToList();
        int i = steps.FindIndex(s => s.Function == "preempt");
        steps[i] = steps[i] with { Function = "preempt_renamed" };

        var replay = Replayer.Replay(found.Value with { Steps = steps });

        Assert.False(replay.Exact);
        Assert.Equal(i, replay.FirstDivergentStep);
        Assert.Contains("preempt_renamed", replay.PartReason);
    }

    [Fact]
    public void FollowingTheThreadsAloneReachesTheSameViolation()
    {
        var request = Replayer.RequestFor(found.Value);

        var run = ScheduleReplayer.Follow(found.Value.Workload, request.Config, request.Properties, found.Value.Steps, FollowMode.Threads);

        Assert.Equal(found.Value.Violation.Id, run.Violation!.Id);
    }

    [Fact]
    public void TheSameSeedGivesTheSameResultAndTraceEveryTime()
    {
        var again = Enumerable.Range(0, 3).Select(_ => new Pr23095Counterexample().Value).ToList();

        Assert.All(again, cx =>
        {
            Assert.Equal(found.Value.Trace, cx.Trace);
            Assert.Equal(found.Value.Iteration, cx.Iteration);
            Assert.Equal(found.Value.Violation, cx.Violation);
        });
    }
}
