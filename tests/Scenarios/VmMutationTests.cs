using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Xunit.Abstractions;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The generic mutations of the VM, exit and maps paths (model/Switches/) are each killed in their
/// scenario by the property that guards the rule they break, and the fixed model survives the same
/// search. Seeds are spaced further apart than the budget (Coyote seeds iteration j from s+j).
/// </summary>
public sealed class VmMutationTests(ITestOutputHelper output)
{
    /// <summary>Three seeds k*1_000_003: distinct schedules for a 100-schedule budget.</summary>
    public static TheoryData<uint> Seeds => [0u, 1_000_003u, 2_000_006u];

    private const int Budget = 100;

    private KillCell Run(string mutant, string scenario, uint seed)
    {
        var m = Mutant.All().Single(x => x.Id == mutant);
        var cell = KillMatrix.Run([m], [ScenarioCatalogue.Find(scenario)!], Budget, seed, Catalogue.BuiltIn).Cells.Single();
        output.WriteLine($"{mutant} in {scenario}, seed {seed}: {cell.KilledBy ?? "survived"} after {cell.Iterations} schedule(s)");
        return cell;
    }

    /// <summary>
    /// uvm_pagedequeue() leaves an inactive page linked: the first pageout of the pagedaemon
    /// scenario dequeues an inactive page, so any schedule that starts one kills it (measured: the
    /// first schedule on each of the three seeds; 100 is a wide margin).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void PagedequeueSkippingTheInactiveRemovalIsCaughtByTheQueueInvariant(uint seed)
    {
        var cell = Run("pagedequeue-skips-inactive-removal", "pagedaemon", seed);

        Assert.Equal($"invariant {nameof(PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired)}", cell.KilledBy);
    }

    /// <summary>
    /// uvm_uarea_drain() drops the u-area it pops: the reaperless exit scenario drains the cache
    /// above UVM_NUAREA_MAX in exit1()/wait4() (measured: the first schedule on each of the three seeds).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void UareaDrainDroppingAUareaIsCaughtAsALeak(uint seed)
    {
        var cell = Run("uarea-drain-drops-uarea", "exit-reaperless", seed);

        Assert.Equal($"invariant {nameof(ExitInvariants.NoUareaIsLeaked)}", cell.KilledBy);
    }

    /// <summary>
    /// uvm_map_findspace() gives up after the first top-down gap: exec on the top-down map needs a
    /// lower gap for its mappings (measured: within 2 schedules on each of the three seeds).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void TopdownFindspaceStoppingAtTheFirstGapIsCaughtByTheExecOracle(uint seed)
    {
        var cell = Run("findspace-topdown-stops-at-first-gap", "exec-topdown", seed);

        Assert.Equal($"invariant {nameof(MapInvariants.UvmMapFailsOnlyWhenTheMapHasNoRoom)}", cell.KilledBy);
    }

    /// <summary>The fixed model survives the same three searches with every invariant holding.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void FixedModelSurvivesTheSameSearches(uint seed)
    {
        foreach (var scenario in new[] { "pagedaemon", "exit-reaperless", "exec-topdown" })
        {
            var s = ScenarioCatalogue.Find(scenario)!;
            var result = Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings { Iterations = Budget, Seed = seed })
            {
                Properties = s.PropertiesFrom(Catalogue.BuiltIn),
            });

            Assert.Null(result.Counterexample);
        }
    }
}
