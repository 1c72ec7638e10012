using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The finding behind pool-swapout's <see cref="Scenario.Unjudged"/>: at the scenario's size the
/// kernel of the time, no switch on, deadlocks on memory by itself (docs/fidelity.md, "Findings"),
/// and the cycle detector, asked, says so.
/// </summary>
public sealed class PoolSwapoutMemoryDeadlockTests
{
    [Fact]
    public void TheFixedKernelDeadlocksOnMemoryAtPoolSwapoutsSize()
    {
        var s = ScenarioCatalogue.Find("pool-swapout")!;
        Assert.True(s.Unjudged.ContainsKey(CycleDetector.EveryFairScheduleEnds.Name));
        Assert.DoesNotContain(CycleDetector.EveryFairScheduleEnds, s.PropertiesFrom(Catalogue.BuiltIn).Liveness);
        var judged = s.PropertiesFrom(Catalogue.BuiltIn);
        var asked = new Catalogue(judged.Invariants, [.. judged.Liveness, CycleDetector.EveryFairScheduleEnds]);
        var result = Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings { Iterations = 50, Seed = 0 })
        {
            Properties = asked,
        });
        var cx = Assert.IsType<Counterexample>(result.Counterexample);
        Assert.Equal(CycleDetector.ViolationId, cx.Violation.Id);
        // Waiting for free memory in the loop: proc0 to swap an LWP in, or a fork for a page.
        Assert.Contains("uvmexp.free", cx.Violation.Message);
    }
}
