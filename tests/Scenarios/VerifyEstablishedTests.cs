using Uvm.Model;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// A verify search stopped before its bound (a cap, the time budget, a signal) still states the
/// largest bound it searched to its end, with that bound's own counts: the same counts as a
/// search that stops at that bound, since bounds are searched in turn. Stopped here by a
/// schedule cap, never by time.
/// </summary>
public sealed class VerifyEstablishedTests
{
    private static VerifyResult Run(RunRequest request, int bound, long maxSchedules, List<VerifiedBound>? told = null, int parallel = 1) =>
        Verifier.Run(request, bound, maxSchedules, por: true, parallel: parallel, onBound: told is null ? null : told.Add);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void AStoppedSearchStatesTheLastBoundItFinishedWithThatBoundsCounts(int parallel)
    {
        var request = VerifySpeedTests.Request("loan-share", null, KernelConfig.Fixed, detectors: true);
        var one = Run(request, 1, long.MaxValue);
        Assert.True(one.Complete && one.Schedules > 100, $"{one.Schedules} schedules, complete {one.Complete}");

        // Capped a little past bound 1's schedules: bound 2 starts but cannot end.
        var told = new List<VerifiedBound>();
        var stopped = Run(request, 2, one.Schedules + 50, told, parallel);

        Assert.False(stopped.Complete);
        Assert.NotNull(stopped.StoppedBy);
        // Kernel steps are the one count that threads change (the frontier pass and the prefix
        // replays add some, docs/verify.md): compared with one thread only.
        var e = stopped.Established!;
        Assert.Equal((1, one.Schedules, one.DistinctStates), (e.Bound, e.Schedules, e.DistinctStates));
        if (parallel == 1) Assert.Equal(one.Steps, e.Steps);
        Assert.Equal([0, 1], told.Select(b => b.Bound));
        Assert.Equal(stopped.Established, told[^1]);
        // A capped search's own counts depend on thread timing (docs/verify.md): one thread only.
        if (parallel == 1) Assert.True(stopped.Schedules > one.Schedules, "the cap stopped the search inside bound 2");
    }

    [Fact]
    public void ACompleteSearchEstablishesItsBoundAndASearchStoppedInBoundZeroNone()
    {
        var request = VerifySpeedTests.Request("loan-share", null, KernelConfig.Fixed, detectors: true);
        var whole = Run(request, 1, long.MaxValue);
        Assert.Equal(new VerifiedBound(1, whole.Schedules, whole.Steps, whole.DistinctStates), whole.Established);

        var early = Run(request, 1, 2);
        Assert.False(early.Complete);
        Assert.Null(early.Established);
    }

    [Fact]
    public void ABugEstablishesOnlyTheBoundsBelowItsOwn()
    {
        // loan-kernel-page-queued needs one preemption (docs/verify.md): bound 0 is clean.
        var request = VerifySpeedTests.Request("loan", null, Switches.Configure(["loan-kernel-page-queued"]), detectors: true);
        var told = new List<VerifiedBound>();
        var found = Run(request, 2, long.MaxValue, told);

        Assert.True(found.FoundBug);
        Assert.Equal(1, found.PreemptionsToBug);
        Assert.Equal(0, Assert.Single(told).Bound);
        Assert.Equal(0, found.Established!.Bound);
    }
}
