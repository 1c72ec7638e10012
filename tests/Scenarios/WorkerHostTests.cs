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

    /// <summary>
    /// A worker that cannot run says why, and reports no schedules: issue 22 (defect 5) turned the
    /// exception this threw, which cost the whole run, into a failed engine the campaign reports.
    /// </summary>
    [Fact]
    public void AWorkerThatFailsReportsItsReasonAndNoSchedules()
    {
        var host = Uvm.Cli.WorkerCommand.Host(Path.Combine(AppContext.BaseDirectory, "no-such-uvmcheck.dll"));

        var result = host.Explore(Request(KernelConfig.Fixed, 5, 0), CancellationToken.None, null, null);

        Assert.StartsWith("engine worker failed (exit ", result.Failure);
        Assert.Equal(0, result.Iterations);
        Assert.Null(result.Counterexample);
    }

    /// <summary>
    /// Issue 22, defect 5: the worker of the first window is killed (SIGKILL) the moment it starts,
    /// before it can explore anything; the second window's worker finds PR 23095 in [1000, 2000)
    /// (Coyote, seed 1000: within its first 1000 schedules). The campaign keeps that bug and reports
    /// the first window, in one line, as not explored.
    /// </summary>
    [Fact]
    public void AKilledWorkerCostsItsWindowAndNeverTheBugAnotherFound()
    {
        var request = Request(Switches.Configure(["pr23095"]), 2000, seed: 0);
        var killing = Uvm.Cli.WorkerCommand.Host(Uvmcheck, started: (worker, r) =>
        {
            if (r.Settings.Seed == 0) worker.Kill();
        });

        var result = Campaign.Run(request, Shard.All, parallel: 2, host: killing);

        Assert.NotNull(result.Counterexample);
        Assert.InRange(result.BugAtIteration!.Value, 1000, 1999);
        var failure = Assert.Single(result.Failures);
        Assert.StartsWith("schedules 0..999 not explored: engine worker failed (killed by SIGKILL", failure);
        Assert.Equal(0, result.Windows[0].Iterations);
        Assert.True(Replayer.Replay(result.Counterexample, Uvm.Properties.Catalogue.BuiltIn).SameViolation);
    }
}
