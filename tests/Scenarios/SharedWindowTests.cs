using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Direct-engine threads of one process share a window chunk by chunk (issue 20); whatever the
/// thread timing, the result is one engine's: the same earliest counterexample, the same counts
/// without a violation, every schedule of the window run once.
/// </summary>
public sealed class SharedWindowTests
{
    private static RunRequest Request(string scenario, KernelConfig config, int iterations, uint seed = 0, Strategy strategy = Strategy.Random)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        return new RunRequest(s.Name, s.DefaultWorkload(), config,
            new ExploreSettings { Engine = EngineKind.Direct, Strategy = strategy, Iterations = iterations, Seed = seed })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        };
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void CleanRunsCountWhatOneThreadCounts(int threads)
    {
        var request = Request("swapout", KernelConfig.Fixed, 300, seed: 7);

        var one = Campaign.Run(request, Shard.All, 1);
        var many = Campaign.Run(request, Shard.All, threads);

        Assert.Null(many.Counterexample);
        Assert.Equal(one.Iterations, many.Iterations);
        Assert.Equal(one.Steps, many.Steps);
        Assert.Equal(one.MaxStepsHit, many.MaxStepsHit);
        Assert.Equal([new EngineWindow(0, 300, 7)], many.Windows);
        var census = Assert.IsType<EngineCensus>(many.Census);
        Assert.Equal(threads, census.Schedules.Count);
        Assert.Equal(300, census.Schedules.Sum());
        Assert.True(census.Chunks.Sum() >= 300 / SharedWindowChunk(300, threads), census.ToString());
    }

    /// <summary>
    /// PR 23095 from several seeds: two and four threads report the counterexample of one thread,
    /// at the same schedule, along the same steps; at least one seed's bug lies past the first
    /// chunks, where the threads race for it.
    /// </summary>
    [Fact]
    public void ThreadsFindOneThreadsEarliestCounterexample()
    {
        int late = 0;
        foreach (uint seed in new uint[] { 0, 1000, 2000, 3000, 4000 })
        {
            var request = Request("swapout", Switches.Configure(["pr23095"]), 2000, seed) with { Properties = new Catalogue([], []) };
            var one = Campaign.Run(request, Shard.All, 1);
            Assert.NotNull(one.Counterexample);
            if (one.BugAtIteration >= 4 * SharedWindowChunk(2000, 4)) late++;
            foreach (int threads in new[] { 2, 4 })
            {
                var many = Campaign.Run(request, Shard.All, threads);
                Assert.Equal(one.BugAtIteration, many.BugAtIteration);
                Assert.Equal(one.Counterexample!.Iteration, many.Counterexample!.Iteration);
                Assert.Equal(one.Counterexample.Settings, many.Counterexample.Settings);
                Assert.Equal(one.Counterexample.Violation, many.Counterexample.Violation);
                Assert.Equal(one.Counterexample.Steps, many.Counterexample.Steps);
                // Every schedule before the bug was run: the windows cover [0, bug] without a gap.
                Assert.Equal(0, many.Windows[0].Start);
                Assert.True(many.Windows[0].Iterations > one.BugAtIteration, $"seed {seed}: {string.Join(" ", many.Windows)}");
            }
        }
        Assert.True(late > 0, "every seed's bug fell in the first chunks; the test would not tell the threads apart");
    }

    [Fact]
    public void AShardsWindowIsSharedAndItsSeedsKept()
    {
        var request = Request("swapout", KernelConfig.Fixed, 100, seed: 3);

        var r = Campaign.Run(request, new Shard(1, 2), 2);

        Assert.Equal([new EngineWindow(50, 50, 53)], r.Windows);
        Assert.Equal(Campaign.Run(request, new Shard(1, 2), 1).Steps, r.Steps);
    }

    [Fact]
    public void CoverageOfThreadsIsTheCoverageOfOne()
    {
        var request = Request("swapout", KernelConfig.Fixed, 30);
        var one = new KernelCoverage();
        var two = new KernelCoverage();

        Campaign.Run(request, Shard.All, 1, coverage: one);
        Campaign.Run(request, Shard.All, 2, coverage: two);

        Assert.Equal(one.Steps.OrderBy(kv => kv.Key), two.Steps.OrderBy(kv => kv.Key));
        Assert.Equal(one.Pairs.OrderBy(kv => kv.Key), two.Pairs.OrderBy(kv => kv.Key));
        Assert.Equal(one.DistinctStates, two.DistinctStates);
    }

    /// <summary>PCT learns the schedule length from the schedules before: its engines keep a part each.</summary>
    [Fact]
    public void PctEnginesKeepAWindowEach()
    {
        var settings = new ExploreSettings { Engine = EngineKind.Direct, Strategy = Strategy.Pct, Iterations = 100 };

        Assert.False(Campaign.SharesWindow(settings));
        Assert.Equal(2, Campaign.Plan(settings, Shard.All, 2).Count);
        Assert.Single(Campaign.Plan(settings with { Strategy = Strategy.Random }, Shard.All, 2));
    }

    private static int SharedWindowChunk(int size, int threads) => Uvm.Scenarios.Engine.SharedWindow.ChunkSize(size, threads);
}
