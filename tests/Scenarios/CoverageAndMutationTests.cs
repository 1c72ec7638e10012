using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

public sealed class CoverageAndMutationTests
{
    private static RunRequest Swapout(KernelConfig config, int iterations)
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        return new RunRequest(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Iterations = iterations })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        };
    }

    [Fact]
    public void CoverageCountsKernelStepsAndConflictingPairs()
    {
        var coverage = new KernelCoverage();

        Campaign.Run(Swapout(KernelConfig.Fixed, 20), Shard.All, 1, coverage: coverage);

        Assert.Contains("cpu: preempt", coverage.Steps.Keys);
        Assert.Contains("pagedaemon: uvm_swapout_threads", coverage.Steps.Keys);
        Assert.NotEmpty(coverage.PairOrders());
    }

    [Fact]
    public void CoverageOfShardsMergesToTheCoverageOfTheWholeRun()
    {
        var request = Swapout(KernelConfig.Fixed, 20);
        var whole = new KernelCoverage();
        Campaign.Run(request, Shard.All, 1, coverage: whole);

        var reports = Enumerable.Range(0, 2).Select(i =>
        {
            var c = new KernelCoverage();
            var r = Campaign.Run(request, new Shard(i, 2), 1, coverage: c);
            return RunReport.From(request, new Shard(i, 2), r, null, false) with { Coverage = c };
        }).ToList();
        var merged = RunReport.Merge(reports).Coverage!;

        Assert.Equal(whole.Steps.OrderBy(kv => kv.Key), merged.Steps.OrderBy(kv => kv.Key));
        Assert.Equal(whole.Pairs.OrderBy(kv => kv.Key), merged.Pairs.OrderBy(kv => kv.Key));
    }

    /// <summary>A small mutant set on the swapout scenario: 100 schedules kill the killable ones (measured: within 3).</summary>
    [Fact]
    public void KillMatrixNamesWhatCaughtEachMutantAndWhatSurvived()
    {
        var mutants = Mutant.All().Where(m => m.Id is "pr23095" or "swapin-skips-setrunqueue" or "setrunnable-skips-proc0-wakeup").ToList();

        var matrix = KillMatrix.Run(mutants, [ScenarioCatalogue.Find("swapout")!], 100, 0, Catalogue.BuiltIn);

        Assert.Equal("invariant OnProcLwpIsInMemory", matrix.Cells.Single(c => c.Mutant == "pr23095").KilledBy);
        Assert.Equal("invariant RunnableResidentLwpIsQueued", matrix.Cells.Single(c => c.Mutant == "swapin-skips-setrunqueue").KilledBy);
        Assert.Equal(["setrunnable-skips-proc0-wakeup"], matrix.Survivors.Select(m => m.Id));
        Assert.Contains(nameof(SchedInvariants.CpuRunsAtMostOneLwp), matrix.NeverFired(Catalogue.BuiltIn));
    }
}
