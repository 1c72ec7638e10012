using Uvm.Model;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Engines in worker processes (what <c>uvmcheck run --parallel</c> uses) explore exactly what
/// engines in this process explore: same windows, same first violation, a counterexample that
/// replays here. The workers are this build's uvmcheck.dll, copied beside the tests.
/// </summary>
public sealed class WorkerHostTests
{
    private static readonly string Uvmcheck = Path.Combine(AppContext.BaseDirectory, "uvmcheck.dll");

    private static RunRequest Request(KernelConfig config, int iterations, uint seed)
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        return new RunRequest(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Engine = EngineKind.Coyote, Iterations = iterations, Seed = seed })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
    }

    /// <summary>PR 23095 from seed 5: two worker engines report the violation at the same global schedule as two in-process ones.</summary>
    [Fact]
    public void TwoWorkersFindWhatTwoInProcessEnginesFind()
    {
        var request = Request(Switches.Configure(["pr23095"]), 40, seed: 5);
        int progress = 0;

        var local = Campaign.Run(request, Shard.All, parallel: 2);
        var workers = Campaign.Run(request, Shard.All, parallel: 2, onSchedule: () => Interlocked.Increment(ref progress), host: Uvm.Cli.WorkerCommand.Host(Uvmcheck));

        Assert.NotNull(local.BugAtIteration);
        Assert.Equal(local.BugAtIteration, workers.BugAtIteration);
        Assert.Equal(local.Counterexample!.Violation, workers.Counterexample!.Violation);
        Assert.Equal(local.Counterexample.Steps, workers.Counterexample.Steps);
        Assert.True(progress > 0, "the workers reported no progress");
        var replayed = Replayer.Replay(workers.Counterexample, Uvm.Properties.Catalogue.BuiltIn);
        Assert.True(replayed.Exact);
        Assert.Equal(ReplayMethod.CoyoteTrace, replayed.Method);
    }

    /// <summary>A clean fixed kernel: the workers' counts add up to the whole range.</summary>
    [Fact]
    public void TwoCleanWorkersCoverTheWholeRange()
    {
        var request = Request(KernelConfig.Fixed, 30, seed: 0);

        var r = Campaign.Run(request, Shard.All, parallel: 2, host: Uvm.Cli.WorkerCommand.Host(Uvmcheck));

        Assert.Null(r.Counterexample);
        Assert.Equal(30, r.Iterations);
        Assert.True(r.Steps > 30);
    }

    /// <summary>A worker that cannot run says why, instead of reporting an empty exploration.</summary>
    [Fact]
    public void AWorkerThatFailsIsAnErrorWithItsReason()
    {
        var host = Uvm.Cli.WorkerCommand.Host(Path.Combine(AppContext.BaseDirectory, "no-such-uvmcheck.dll"));

        var e = Assert.Throws<InvalidOperationException>(() => host.Explore(Request(KernelConfig.Fixed, 5, 0), CancellationToken.None, null, null));

        Assert.Contains("engine worker failed", e.Message);
    }
}
