using Uvm.Model;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// How <c>verify --parallel</c> adds up its pieces in depth-first order (<see cref="VerifyParallel.Merge"/>):
/// a piece a cap or the time budget stopped, or never started, does not hide what came after it.
/// The tallies are real: searches of loan-zero at bound 0, on the fixed kernel and with a bug.
/// </summary>
public sealed class VerifyMergeTests
{
    /// <summary>The whole bound-0 search of loan-zero, on <paramref name="config"/>, stopped at its first violation.</summary>
    private static (VerifyTally Tally, HashSet<ulong> Seen) Search(KernelConfig config, long maxRuns = long.MaxValue)
    {
        var seen = new HashSet<ulong>();
        var search = new VerifySearch(StateCacheTests.Request("loan-zero", config), 0, seen, por: true);
        var tally = new VerifyTally();
        for (long runs = 0; runs < maxRuns && search.Next() is { } core; runs++)
            if (tally.Count(search, core, 0, 0, goOn: false)) break;
        return (tally, seen);
    }

    private static readonly KernelConfig Bug = Switches.Configure(["loan-zero-page-unqueued"]);

    [Fact]
    public void AViolationAfterAnUnfinishedPieceIsReported()
    {
        var clean = Search(KernelConfig.Fixed);
        var stopped = Search(KernelConfig.Fixed, maxRuns: 3);
        var buggy = Search(Bug);
        Assert.Null(clean.Tally.Violation);
        Assert.NotNull(buggy.Tally.Violation);
        Assert.True(stopped.Tally.Schedules < clean.Tally.Schedules, "the stopped piece is a part of the whole");

        var states = new HashSet<ulong>();
        var total = VerifyParallel.Merge(
            [new(clean.Tally, clean.Seen), new(stopped.Tally, stopped.Seen), new(null, null), new(buggy.Tally, buggy.Seen)],
            scheduleBase: 10, states, goOn: false);

        Assert.Equal(buggy.Tally.Violation!.Violation.Id, total.Violation?.Violation.Id);
        Assert.Equal(10 + clean.Tally.Schedules + stopped.Tally.Schedules + buggy.Tally.Violation.Schedule, total.Violation!.Schedule);
        Assert.Equal(clean.Tally.Steps + stopped.Tally.Steps + buggy.Tally.Steps, total.Steps);
        Assert.Equal(clean.Seen.Union(buggy.Seen).Count(), states.Count);
    }

    [Fact]
    public void NothingAfterTheFirstViolationIsAdded()
    {
        var buggy = Search(Bug);
        var clean = Search(KernelConfig.Fixed);
        var states = new HashSet<ulong>();
        var total = VerifyParallel.Merge([new(buggy.Tally, buggy.Seen), new(clean.Tally, clean.Seen)], 0, states, goOn: false);
        Assert.Equal(buggy.Tally.Schedules, total.Schedules);
        Assert.Equal(buggy.Tally.Violation!.Schedule, total.Violation!.Schedule);
        Assert.Equal(buggy.Seen.Count, states.Count);

        var on = VerifyParallel.Merge([new(buggy.Tally, null), new(clean.Tally, null)], 0, null, goOn: true);
        Assert.Equal(buggy.Tally.Schedules + clean.Tally.Schedules, on.Schedules);
    }
}
