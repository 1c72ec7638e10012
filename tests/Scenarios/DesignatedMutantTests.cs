using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Every property earns its place: each invariant, liveness property and detector of the built-in
/// catalogue is the designated kill of some switch (<see cref="KernelSwitch.Kills"/>, declared in
/// model/Switches/), and that switch, explored in its scenario for its budget from seed 0, makes
/// the property fire (the reported violation, or another invariant its failing state violates, as
/// <c>uvmcheck mutate</c> counts it). Removing a property, or weakening it so that its mutant no
/// longer trips it, fails here. Each search stops at its first violation, so the budgets are
/// upper bounds, not the cost.
/// </summary>
public sealed class DesignatedMutantTests
{
    /// <summary>The switches that designate at least one property.</summary>
    public static TheoryData<string> Designating() => [.. Switches.All.Where(s => s.Kills.Count > 0).Select(s => s.Id)];

    [Fact]
    public void EveryPropertyHasADesignatedMutant()
    {
        var designated = Switches.All.SelectMany(s => s.Kills).ToHashSet();

        Assert.All(KillMatrix.Properties(Catalogue.BuiltIn), p => Assert.True(designated.Contains(p), $"{p}: no switch in model/Switches/ declares Kills = [\"{p}\"]"));
    }

    [Fact]
    public void EveryDesignationNamesAPropertyOfTheCatalogueAndHasABudget()
    {
        var known = KillMatrix.Properties(Catalogue.BuiltIn).ToHashSet();

        Assert.All(Switches.All.Where(s => s.Kills.Count > 0), s =>
        {
            Assert.All(s.Kills, p => Assert.True(known.Contains(p), $"{s.Id} designates {p}, which is no property"));
            Assert.True(s.Budget >= 1, $"{s.Id}: budget {s.Budget}");
        });
    }

    [Theory]
    [MemberData(nameof(Designating))]
    public void DesignatedMutantMakesItsPropertiesFire(string id)
    {
        var s = Switches.Find(id)!;
        var mutant = Mutant.All().Single(m => m.Id == id);

        var cell = KillCell.Explore(mutant, ScenarioCatalogue.Find(s.Scenario)!, s.Budget, 0, Catalogue.BuiltIn);

        Assert.All(s.Kills, p => Assert.True(cell.Fired.Contains(p),
            $"{id} in {s.Scenario}, {s.Budget} schedules: {p} did not fire ({(cell.Fired.Count == 0 ? "survived" : string.Join(", ", cell.Fired))})"));
    }
}
