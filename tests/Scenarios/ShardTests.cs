using System.Xml.Linq;
using Uvm.Model;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>Shards and parallel engines are windows of one seed range; merged, they are one run.</summary>
public sealed class ShardTests
{
    private static RunRequest Request(KernelConfig config, int iterations, uint seed = 0)
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        return new RunRequest(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Engine = EngineKind.Coyote, Iterations = iterations, Seed = seed })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
    }

    [Fact]
    public void ShardsSplitTheSeedRangeWithoutGapsOrOverlap()
    {
        var settings = new ExploreSettings { Engine = EngineKind.Coyote, Iterations = 1001, Seed = 5 };

        var windows = Enumerable.Range(0, 3).SelectMany(i => Campaign.Plan(settings, new Shard(i, 3), parallel: 2)).ToList();

        Assert.Equal(1001, windows.Sum(w => w.Iterations));
        for (int i = 1; i < windows.Count; i++) Assert.Equal(windows[i - 1].Start + windows[i - 1].Iterations, windows[i].Start);
        Assert.All(windows, w => Assert.Equal(5u + (uint)w.Start, w.Seed));
    }

    /// <summary>
    /// The panic-only search of PR 23095 fails at Coyote seeds 295, 379, 1859, ... (measured after the
    /// issue-18 step cuts and the racy reads of uvm_swapout_threads(); before both the first was 282).
    /// From seed 226 the first is 295, schedule 69 of [0, 100), inside the second shard [50, 100): the
    /// shards must find it at the same global schedule, along the same steps, and the merge must say so.
    /// </summary>
    [Fact]
    public void TwoShardsMergedEqualOneUnshardedRunOnTheSameSeeds()
    {
        var request = Request(Switches.Configure(["pr23095"]), 100, seed: 226) with { Properties = new Uvm.Properties.Catalogue([], []) };

        var whole = Campaign.Run(request, Shard.All, parallel: 1);
        var shards = Enumerable.Range(0, 2).Select(i => RunReport.From(request, new Shard(i, 2), Campaign.Run(request, new Shard(i, 2), parallel: 1), "cx.json", false)).ToList();
        var merged = RunReport.Merge(shards);

        Assert.NotNull(whole.BugAtIteration);
        Assert.Equal(whole.BugAtIteration, merged.ViolationAtIteration);
        Assert.Equal(whole.Counterexample!.Violation, merged.Violation);
        Assert.Equal(69, merged.ViolationAtIteration);
        Assert.Equal(whole.Counterexample.Steps, Campaign.Run(request, new Shard(1, 2), 1).Counterexample!.Steps);
        Assert.Equal(["0/2", "1/2"], merged.Shards);
        Assert.Equal(whole.Iterations, merged.Iterations);
    }

    [Fact]
    public void TwoCleanShardsMergedCoverTheWholeRange()
    {
        var request = Request(KernelConfig.Fixed, 60);

        var whole = Campaign.Run(request, Shard.All, parallel: 1);
        var merged = RunReport.Merge([.. Enumerable.Range(0, 2).Select(i => RunReport.From(request, new Shard(i, 2), Campaign.Run(request, new Shard(i, 2), parallel: 1), null, false))]);

        Assert.Equal("clean", merged.Result);
        Assert.Equal(whole.Iterations, merged.Iterations);
        Assert.Equal(whole.Steps, merged.Steps);
        Assert.Equal(60, merged.Windows.Sum(w => w.Iterations));
    }

    [Fact]
    public void ParallelEnginesFindTheSameBugAsOne()
    {
        var request = Request(Switches.Configure(["pr23095"]), 200);

        var one = Campaign.Run(request, Shard.All, parallel: 1);
        var two = Campaign.Run(request, Shard.All, parallel: 2);

        Assert.Equal(one.Counterexample!.Violation.Id, two.Counterexample!.Violation.Id);
        Assert.Equal(one.BugAtIteration, two.BugAtIteration);
    }

    [Fact]
    public void MergingReportsOfDifferentRunsIsAnInputError()
    {
        var a = RunReport.From(Request(KernelConfig.Fixed, 10), Shard.All, Campaign.Run(Request(KernelConfig.Fixed, 10), Shard.All, 1), null, false);

        Assert.Throws<InputException>(() => RunReport.Merge([a, a with { Seed = 99 }]));
        Assert.Throws<InputException>(() => RunReport.Merge([a, a]));
    }

    [Fact]
    public void JUnitNamesTheFailingCaseTheInvariantAndTheReplayCommand()
    {
        var request = Request(Switches.Configure(["pr23095"]), 50);
        var report = RunReport.From(request, Shard.All, Campaign.Run(request, Shard.All, 1), "counterexamples/x.json", false);

        var doc = JUnitReport.Render([report]);

        var failure = doc.Descendants("failure").Single();
        Assert.Equal("invariant OnProcLwpIsInMemory", failure.Attribute("message")!.Value);
        Assert.Contains("uvmcheck replay counterexamples/x.json", failure.Value);
        Assert.Equal("1", doc.Descendants("testsuite").Single().Attribute("failures")!.Value);
    }
}
