using Uvm.Scenarios.Explain;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>What a step changed, and how it reads.</summary>
public sealed class StateDiffTests
{
    private static StateSnapshot State(params EntityState[] entities) => new(entities);

    private static EntityState Lwp(int n, string stat, bool inMemory) =>
        new("Lwps", $"lwp {n}", [new("Stat", stat), new("InMemory", inMemory ? "true" : "false")]);

    private static EntityState Queue(string lwps) => new("RunQueue", "runqueue", [new("Lwps", lwps)]);

    [Fact]
    public void ChangedFactsAreListedWithBeforeAndAfter()
    {
        var diff = StateDiff.Between(State(Lwp(1, "Run", true)), State(Lwp(1, "OnProc", false)));

        Assert.Equal("lwp 1: Stat=OnProc −InMemory", diff.Compact());
        Assert.Equal("lwp 1: Stat Run→OnProc, InMemory true→false", diff.Compact(verbose: true));
    }

    [Fact]
    public void ListChangeShowsWhatEnteredAndLeft()
    {
        var diff = StateDiff.Between(State(Queue("[lwp 1, lwp 2]")), State(Queue("[lwp 2, lwp 3]")));

        Assert.Equal("runqueue: Lwps −lwp 1 +lwp 3", diff.Compact());
        Assert.True(diff.Touches("lwp 1"));
        Assert.False(diff.Touches("lwp 2"));
    }

    [Fact]
    public void DuplicateInAListIsAChange()
    {
        var diff = StateDiff.Between(State(Queue("[lwp 1]")), State(Queue("[lwp 1, lwp 1]")));

        Assert.Equal("runqueue: Lwps +lwp 1", diff.Compact());
    }

    [Fact]
    public void AppearingAndVanishingEntitiesAreMarked()
    {
        var diff = StateDiff.Between(State(Lwp(1, "Zomb", true)), State(Lwp(2, "Run", true)));

        Assert.Equal("+lwp 2; −lwp 1", diff.Compact());
    }

    [Fact]
    public void LabelIsMatchedAsAWholeWord()
    {
        Assert.True(Labels.Mentions("lwp 1 runs on cpu0", "lwp 1"));
        Assert.True(Labels.Mentions("lwp 1 runs on cpu0", "cpu0"));
        Assert.False(Labels.Mentions("lwp 12 runs on cpu0", "lwp 1"));
        Assert.False(Labels.Mentions("lwp 1 runs on cpu01", "cpu0"));
    }

    [Fact]
    public void CpuSwitchingLwpsIsAContextSwitch()
    {
        var before = State(new EntityState("Cpus", "cpu0", [new("Current", "lwp 1")]));
        var after = State(new EntityState("Cpus", "cpu0", [new("Current", "lwp 2")]));

        Assert.Single(StateDiff.Between(before, after).ContextSwitches);
    }
}
