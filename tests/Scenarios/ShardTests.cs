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
    /// The panic-only search of PR 23095 over [0, 100) from a seed whose first failure falls in the
    /// second shard [50, 100): the shards must find it at the same global schedule, along the same
    /// steps, and the merge must say so. The seed is the first of 200, 300, ... whose unsharded run
    /// fails there (each model change moves where the failures fall, so it is searched, not pinned).
    /// </summary>
    [Fact]
    public void TwoShardsMergedEqualOneUnshardedRunOnTheSameSeeds()
    {
        var (request, whole) = Enumerable.Range(2, 30)
            .Select(k => Request(Switches.Configure(["pr23095"]), 100, seed: (uint)(k * 100)) with { Properties = new Uvm.Properties.Catalogue([], []) })
            .Select(r => (Request: r, Whole: Campaign.Run(r, Shard.All, parallel: 1)))
            .FirstOrDefault(x => x.Whole.BugAtIteration is >= 50 and < 100);
        Assert.NotNull(request);
        var shards = Enumerable.Range(0, 2).Select(i => RunReport.From(request, new Shard(i, 2), Campaign.Run(request, new Shard(i, 2), parallel: 1), "cx.json", false)).ToList();
        var merged = RunReport.Merge(shards);

        Assert.NotNull(whole.BugAtIteration);
        Assert.Equal(whole.BugAtIteration, merged.ViolationAtIteration);
        Assert.Equal(whole.Counterexample!.Violation, merged.Violation);
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
