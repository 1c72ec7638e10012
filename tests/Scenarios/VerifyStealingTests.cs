using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Work stealing in <c>verify --parallel</c> (docs/verify.md, "Threads"): a busy worker gives
/// away the rest of its subtree at its shallowest frame. Here workers give after every run
/// ("eager"), so parts are split and merged far more often than timing would make them, and the
/// result must still be the one-thread search's, count for count.
/// </summary>
public sealed class VerifyStealingTests
{
    private static RunRequest Request(string scenario, Workload? workload, KernelConfig config, bool detectors) =>
        VerifySpeedTests.Request(scenario, workload, config, detectors);

    private static Workload SmallSwapout() => VerifySpeedTests.SmallSwapout();

    /// <summary>Bounds 0..<paramref name="bound"/> as <see cref="Verifier"/> runs them, each split with eager giving.</summary>
    private static (VerifyTally Total, long States, int Parts) Eager(RunRequest request, int bound, int threads)
    {
        var states = new HashSet<ulong>();
        var total = new VerifyTally();
        int parts = 0;
        for (int c = 0; c <= bound && total.Violation is null; c++)
        {
            var tally = VerifyParallel.Search(request, c, por: true, states, new VerifyLimits(long.MaxValue, long.MaxValue, default), total, null,
                goOn: false, threads, eager: true);
            total.Add(tally);
            parts += tally.Parts;
        }
        return (total, states.Count, parts);
    }

    [Theory]
    [InlineData("swapout", 1, true)]
    [InlineData("swapout", 2, false)]
    [InlineData("exec-topdown", 2, true)]
    public void GivingWorkAwayChangesNoCount(string scenario, int threads, bool detectors)
    {
        var request = Request(scenario, scenario == "swapout" ? SmallSwapout() : null, KernelConfig.Fixed, detectors);
        var one = Verifier.Run(request, 1, por: true);

        var (many, states, parts) = Eager(request, 1, threads);

        Assert.True(one.Complete && one.Schedules > 50, $"{one.Schedules} schedules");
        Assert.True(parts > one.Schedules / 4, $"only {parts} parts for {one.Schedules} schedules: the search was hardly split");
        Assert.Equal(one.Schedules, many.Schedules);
        Assert.Equal(one.DistinctStates, states);
        Assert.Equal(one.Blocked, many.Blocked);
        Assert.Equal(one.CutSchedules, many.Cut);
        Assert.Null(many.Violation);
    }

    [Theory]
    [InlineData("pr23095", 1)]
    [InlineData("pr23095", 2)]
    [InlineData("swapout-without-sched-lock", 2)]
    public void GivingWorkAwayKeepsTheOneThreadCounterexample(string bug, int threads)
    {
        var request = Request("swapout", SmallSwapout(), Switches.Configure([bug]), detectors: false);
        var one = Verifier.Run(request, 1, por: true);
        Assert.NotNull(one.Counterexample);

        var (many, states, _) = Eager(request, 1, threads);

        var v = Assert.IsType<FoundViolation>(many.Violation);
        Assert.Equal(one.Counterexample!.Iteration, v.Schedule);
        Assert.Equal(one.Counterexample.Violation, v.Violation);
        Assert.Equal(one.Counterexample.Steps.Select(s => s.ToString()), v.Steps.Select(s => s.ToString()));
        Assert.Equal(one.Schedules, many.Schedules);
        Assert.Equal(one.DistinctStates, states);
    }
}
