using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// <see cref="CycleDetector.EveryFairScheduleEnds"/>: a schedule still running at --max-steps is
/// watched for a fair return to an earlier state. The livelock of
/// <c>pagedeactivate-keeps-reference</c> (every scan re-activates what it deactivates) is found by
/// exploring in either engine, written as the first fair cycle from the first state, and replays
/// exactly in both engines; the fixed kernel survives the same search; the key the watch compares leaves out only
/// the clock's fields.
/// </summary>
public sealed class CycleDetectorTests
{
    private static readonly Scenario Pagedaemon = ScenarioCatalogue.Find("pagedaemon")!;

    private static ExplorationResult Explore(KernelConfig config, int iterations, EngineKind engine = EngineKind.Direct) =>
        Explorer.Run(new RunRequest(Pagedaemon.Name, Pagedaemon.DefaultWorkload(), config, new ExploreSettings { Engine = engine, Iterations = iterations, Seed = 0 })
        {
            Properties = Pagedaemon.PropertiesFrom(Catalogue.BuiltIn),
        });

    private static Counterexample Livelock(EngineKind engine = EngineKind.Direct)
    {
        var result = Explore(Switches.Configure(["pagedeactivate-keeps-reference"]), 20, engine);
        var cx = Assert.IsType<Counterexample>(result.Counterexample);
        Assert.Equal(CycleDetector.ViolationId, cx.Violation.Id);
        return cx;
    }

    [Theory]
    [InlineData(EngineKind.Direct)]
    [InlineData(EngineKind.Coyote)]
    public void ALivelockIsFoundAndWrittenAsTheFirstFairCycleFromTheStart(EngineKind engine)
    {
        var cx = Livelock(engine);
        // Found once the schedule ran past --max-steps, written as the cycle seen from the first state.
        Assert.True(cx.Steps.Count < new ExploreSettings().MaxSteps, $"{cx.Steps.Count} steps");
        Assert.Matches(@"After step \d+ the kernel is back in the state it was in (at boot|after step \d+)", cx.Violation.Message);
        Assert.Contains("pagedaemon", cx.Violation.Message);
    }

    [Theory]
    [InlineData(EngineKind.Direct)]
    [InlineData(EngineKind.Coyote)]
    public void ALivelockReplaysExactlyInBothEngines(EngineKind engine)
    {
        var cx = Livelock();
        var replay = Replayer.Replay(cx, engine: engine);
        Assert.True(replay.SameViolation, replay.Violation?.Message ?? replay.PartReason);
        Assert.Null(replay.FirstDivergentStep);
        Assert.Equal(cx.Steps.Count, replay.Steps.Count);
    }

    [Fact]
    public void TheScheduleWithoutItsLastStepClosesNoCycle()
    {
        var cx = Livelock();
        var request = Replayer.RequestFor(cx);
        var shorter = cx.Steps.Take(cx.Steps.Count - 1).ToList();
        var run = ScheduleReplayer.Follow(cx.Workload, request.Config, request.Properties, shorter, FollowMode.Labels, watchCycles: true);
        Assert.True(run.FollowedToTheEnd);
        Assert.Null(run.Violation);
    }

    [Fact]
    public void TheFixedKernelSurvivesTheSameSearch()
    {
        var result = Explore(KernelConfig.Fixed, 100);
        Assert.Null(result.Counterexample);
        Assert.Equal(0, result.MaxStepsHit);
    }

    [Fact]
    public void TheWatchLeavesOutTheClockAndNothingElse()
    {
        var k = KernelBuilder.Build(ScenarioCatalogue.Find("swapout")!.DefaultWorkload(), KernelConfig.Fixed);
        var (exact, clockless) = (new StateKey().Of(k), new StateKey(clockless: true).Of(k));
        k.Time += 3;
        foreach (var l in k.Lwps) l.SwTime += 3;
        k.Uvmexp.PdFreed += 2; // a count read only as a difference within a pass
        Assert.NotEqual(exact, new StateKey().Of(k));
        Assert.Equal(clockless, new StateKey(clockless: true).Of(k));
        // uvmexp.swapins is compared with the clock's copy: a swap-in the clock has not seen is state.
        k.Uvmexp.Swapins++;
        Assert.NotEqual(clockless, new StateKey(clockless: true).Of(k));
        k.Uvmexp.Swapins--;
        k.Lwps[0].InMemory = !k.Lwps[0].InMemory;
        Assert.NotEqual(clockless, new StateKey(clockless: true).Of(k));
    }

    /// <summary>
    /// verify's state cache prunes a state met again, so a livelock's cycle ends a branch unjudged:
    /// the same search says no violation without --cycles and finds the livelock with it, at its
    /// fewest preemptions, in a file that replays exactly.
    /// </summary>
    [Fact]
    public void VerifyJudgesCyclesOnlyWhenAsked()
    {
        var request = new RunRequest(Pagedaemon.Name, Pagedaemon.DefaultWorkload(), Switches.Configure(["pagedeactivate-keeps-reference"]), new ExploreSettings())
        {
            Properties = Pagedaemon.PropertiesFrom(Catalogue.BuiltIn),
        };

        var unwatched = Verifier.Run(request, 1, countStates: false, por: true, stateCache: true);
        var watched = Verifier.Run(request with { VerifyCycles = true }, 1, countStates: false, por: true, stateCache: true);

        Assert.Null(unwatched.Counterexample);
        var cx = Assert.IsType<Counterexample>(watched.Counterexample);
        Assert.Equal(CycleDetector.ViolationId, cx.Violation.Id);
        Assert.Equal(1, watched.PreemptionsToBug);
        Assert.True(Replayer.Replay(cx).Exact);
    }
}
