using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The two ways <c>uvmcheck verify</c> saves work change no result (docs/verify.md, "Cost"):
/// a schedule's replayed prefix is neither hashed nor recorded again, and the tree of a bound
/// may be split across threads. Both are checked against the plain way by counts, never by time.
/// </summary>
public sealed class VerifySpeedTests
{
    /// <summary>A verify request for <paramref name="scenario"/> (its default workload unless given), direct engine.</summary>
    internal static RunRequest Request(string scenario, Workload? workload, KernelConfig config, bool detectors)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        return new RunRequest(s.Name, workload ?? s.DefaultWorkload(), config with { Detectors = detectors }, new ExploreSettings { Engine = EngineKind.Direct })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
    }

    /// <summary>
    /// Two CPUs, one LWP computing, one swapout scan and a swap device: small enough to search
    /// several times per test. The swapped-out u-area's pages leave memory only through the
    /// pagedaemon and aiodoned, and proc0 waits for them in uvm_wait(), so the two LWPs used before
    /// (one computing and sleeping, one computing) made the search at bound 1 about twelve times
    /// longer (85,094 schedules against 6,938, without the state cache).
    /// </summary>
    internal static Workload SmallSwapout() => SwapoutScenario.Default() with
    {
        Seconds = 1,
        SwapoutScans = 1,
        Processes = [new([[new Compute(2)]])],
    };

    private static VerifyResult Run(RunRequest request, int bound, bool por, int parallel = 1, bool hashReplay = false, ISet<string>? violations = null) =>
        Verifier.Run(request, bound, new VerifyLimits(long.MaxValue, long.MaxValue, default), null, countStates: true, por, violations, parallel, hashReplay);

    /// <summary>
    /// Hashing only from the frame a schedule changed on, and recording footprints only from the
    /// step that holds it, reaches the same distinct states and runs the same schedules as hashing
    /// and recording every step of every run, with and without the reduction and the detectors.
    /// </summary>
    [Theory]
    [InlineData("swapout", true, true)]
    [InlineData("swapout", true, false)]
    [InlineData("swapout", false, true)]
    [InlineData("exec-topdown", true, true)]
    public void SkippingTheReplayedPrefixChangesNoCount(string scenario, bool por, bool detectors)
    {
        var request = Request(scenario, scenario == "swapout" ? SmallSwapout() : null, KernelConfig.Fixed, detectors);
        var old = Run(request, 1, por, hashReplay: true);
        var now = Run(request, 1, por);

        Assert.True(old.Complete && now.Complete);
        Assert.True(old.DistinctStates > 10, $"{old.DistinctStates} states");
        Assert.Equal(old.DistinctStates, now.DistinctStates);
        Assert.Equal(old.Schedules, now.Schedules);
        Assert.Equal(old.Blocked, now.Blocked);
        Assert.Equal(old.CutSchedules, now.CutSchedules);
        Assert.Equal(old.Steps, now.Steps);
    }

    /// <summary>
    /// Not judging the invariants along a replayed prefix (its steps were judged, from the same
    /// states, by the run that first took them) meets the same violations as judging every step:
    /// the same first counterexample at the same bound, and, going on after violations, the same
    /// set of them, with the same schedules and distinct states.
    /// </summary>
    [Theory]
    [InlineData("pr23095")]
    [InlineData("swapout-without-sched-lock")]
    [InlineData("swapout-skips-remrunqueue")]
    [InlineData("cpu-switch-skips-l-cpu")]
    public void NotJudgingTheReplayedPrefixMeetsTheSameViolations(string bug)
    {
        var request = Request("swapout", SmallSwapout(), Switches.Configure([bug]), detectors: true);
        var old = Run(request, 1, por: true, hashReplay: true);
        var now = Run(request, 1, por: true);
        Assert.NotNull(old.Counterexample);
        Assert.Equal(old.PreemptionsToBug, now.PreemptionsToBug);
        Assert.Equal(old.Counterexample!.Iteration, now.Counterexample!.Iteration);
        Assert.Equal(old.Counterexample.Violation, now.Counterexample.Violation);
        HashSet<string> all = [], skipped = [];
        var oldAll = Run(request, 1, por: true, hashReplay: true, violations: all);
        var nowAll = Run(request, 1, por: true, violations: skipped);
        Assert.Equal(all.Order(), skipped.Order());
        Assert.Equal(oldAll.Schedules, nowAll.Schedules);
        Assert.Equal(oldAll.DistinctStates, nowAll.DistinctStates);
        Assert.Equal(oldAll.Steps, nowAll.Steps);
    }

    /// <summary>
    /// Split across 2 or 3 threads, a bound reaches the same distinct states, runs the same
    /// schedules and meets the same violations as on one thread.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ThreadsChangeNoCount(int threads)
    {
        var request = Request("exec-topdown", null, KernelConfig.Fixed, detectors: true);
        var one = Run(request, 1, por: true);
        var many = Run(request, 1, por: true, parallel: threads);

        Assert.True(one.Complete && many.Complete);
        Assert.Equal(one.DistinctStates, many.DistinctStates);
        Assert.Equal(one.Schedules, many.Schedules);
        Assert.Equal(one.Blocked, many.Blocked);
        Assert.Equal(one.CutSchedules, many.CutSchedules);
    }

    /// <summary>
    /// With several threads the counterexample is the one the one-thread search reports first:
    /// the same steps, violation, schedule number and bound, run after run; and going on after
    /// violations meets the same set of them.
    /// </summary>
    [Theory]
    [InlineData("pr23095")]
    [InlineData("swapout-without-sched-lock")]
    public void ThreadsReportTheOneThreadCounterexample(string bug)
    {
        var request = Request("swapout", SmallSwapout(), Switches.Configure([bug]), detectors: false);
        var one = Run(request, 1, por: true);
        Assert.NotNull(one.Counterexample);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var many = Run(request, 1, por: true, parallel: 2 + attempt % 2);
            Assert.Equal(one.PreemptionsToBug, many.PreemptionsToBug);
            Assert.Equal(one.Counterexample!.Iteration, many.Counterexample!.Iteration);
            Assert.Equal(one.Counterexample.Violation, many.Counterexample.Violation);
            Assert.Equal(one.Counterexample.Steps.Select(s => s.ToString()), many.Counterexample.Steps.Select(s => s.ToString()));
            Assert.Equal(one.Schedules, many.Schedules);
            Assert.Equal(one.DistinctStates, many.DistinctStates);
        }
        HashSet<string> alone = [], shared = [];
        Run(request, 1, por: true, violations: alone);
        Run(request, 1, por: true, parallel: 2, violations: shared);
        Assert.Equal(alone.Order(), shared.Order());
    }
}
