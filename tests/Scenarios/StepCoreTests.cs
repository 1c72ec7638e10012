using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The stepping core's bookkeeping for speed (issue 20) keeps what it reports: the one invariant
/// loop names the first invariant that fails or throws, and the direct engine's reused step log
/// gives the counterexample a fresh log gives.
/// </summary>
public sealed class StepCoreTests
{
    private static readonly Invariant Fine = new("Fine", "Always holds.", "test", _ => null);

    [Fact]
    public void TheFirstFailingInvariantIsReportedWithItsDescription()
    {
        var core = Core(new Invariant("FailsFirst", "Fails first.", "test", _ => "x"), new Invariant("FailsLater", "Fails later.", "test", _ => "y"));
        Assert.Null(core.Run(FirstRunnable(core), new NoChoice()));
        Assert.Equal(ViolationKind.Invariant, core.Violation!.Kind);
        Assert.Equal("FailsFirst", core.Violation.Name);
        Assert.StartsWith("[invariant FailsFirst] Fails first. Violated: x. After ", core.Violation.Message);
    }

    [Fact]
    public void AnInvariantThatThrowsIsReportedByItsOwnName()
    {
        var core = Core(new Invariant("Throws", "Throws.", "test", _ => throw new InvalidOperationException("boom")),
            new Invariant("FailsLater", "Fails later.", "test", _ => "y"));
        Assert.Null(core.Run(FirstRunnable(core), new NoChoice()));
        Assert.Equal("Throws", core.Violation!.Name);
        Assert.Contains("the invariant threw InvalidOperationException: boom", core.Violation.Message);
    }

    /// <summary>
    /// pr23095 on swapout: each seed's counterexample, found after earlier schedules filled the
    /// reused log, equals the one schedule explored alone from its own seed with a new log.
    /// </summary>
    [Fact]
    public void AReusedStepLogGivesTheCounterexampleAFreshOneGives()
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        RunRequest Request(uint seed, int iterations) => new(s.Name, s.DefaultWorkload(), Switches.Configure(["pr23095"]),
            new ExploreSettings { Engine = EngineKind.Direct, Iterations = iterations, Seed = seed })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        };
        int later = 0;
        for (uint seed = 0; seed < 8; seed++)
        {
            var found = Explorer.Run(Request(seed * 1_000_003u, 200)).Counterexample;
            Assert.NotNull(found);
            if (found.Iteration == 1) continue;
            later++;
            var alone = Explorer.Run(Request(seed * 1_000_003u + (uint)(found.Iteration - 1), 1)).Counterexample;
            Assert.NotNull(alone);
            Assert.Equal(found.Violation, alone.Violation);
            Assert.Equal(Lines(found.Steps), Lines(alone.Steps));
        }
        Assert.True(later > 0, "no seed needed more than one schedule, so no log was reused");
    }

    private static StepCore Core(params Invariant[] failing) =>
        new(KernelBuilder.Build(ScenarioCatalogue.Find("swapout")!.DefaultWorkload(), KernelConfig.Fixed), new Catalogue([Fine, .. failing], []));

    private static KernelThread FirstRunnable(StepCore core) => core.Kernel.Threads.First(StepCore.CanRun);

    private static List<string> Lines(IReadOnlyList<StepRecord> steps) =>
        [.. steps.Select(r => $"{r.Index} {r.Thread} {r.Function} {r.Kind} {string.Join(',', r.Choices ?? [])}")];

    private sealed class NoChoice : IChoice
    {
        public bool Boolean() => false;

        public int Integer(int maxExclusive) => 0;
    }
}
