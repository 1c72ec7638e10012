using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Tests.Properties;

/// <summary>The authoring API: an invariant from another assembly is listed, run and reported by name.</summary>
public sealed class CatalogueTests
{
    [Fact]
    public void InvariantsFromAUsersAssemblyJoinTheCatalogue()
    {
        var catalogue = Catalogue.BuiltIn.With(typeof(UserInvariants).Assembly);

        Assert.NotNull(catalogue.FindInvariant(nameof(UserInvariants.NoLwpIsEverSwappedOut)));
        Assert.Equal(Catalogue.BuiltIn.Invariants.Count + 1, catalogue.Invariants.Count);
    }

    /// <summary>
    /// A user invariant that never holds fails the first step of every scenario: user invariants
    /// are checked whatever the scenario's subsystems (one schedule each: it fails at once).
    /// </summary>
    [Fact]
    public void AUserInvariantIsCheckedInEveryScenario()
    {
        var never = new Invariant("NeverHolds", "Nothing ever holds.", "user", _ => "it never holds");
        var catalogue = new Catalogue([.. Catalogue.BuiltIn.Invariants, never], Catalogue.BuiltIn.Liveness);

        Assert.All(ScenarioCatalogue.All, s =>
        {
            var result = Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), Uvm.Model.KernelConfig.Fixed, new ExploreSettings { Iterations = 1 })
            {
                Properties = s.PropertiesFrom(catalogue),
            });
            Assert.Equal("invariant NeverHolds", result.Counterexample?.Violation.Id);
        });
    }

    [Fact]
    public void AUserInvariantLoadedByRunIsNamedWhenItFails()
    {
        var o = new StringWriter();
        var dir = Directory.CreateTempSubdirectory("uvmcheck-user-").FullName;

        int code = Uvm.Cli.Cli.Run(["run", "--invariants", typeof(UserInvariants).Assembly.Location, "--iterations", "200", "--no-shrink", "--out", dir], o, new StringWriter());

        Assert.Equal(1, code);
        Assert.Contains("[invariant NoLwpIsEverSwappedOut] No LWP is ever swapped out.", o.ToString());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ListShowsUserInvariants()
    {
        var o = new StringWriter();

        Uvm.Cli.Cli.Run(["list", "invariants", "--invariants", typeof(UserInvariants).Assembly.Location], o, new StringWriter());

        Assert.Contains("NoLwpIsEverSwappedOut", o.ToString());
    }

    [Fact]
    public void EveryBuiltInPropertyHasAUniqueSentenceName()
    {
        var names = Catalogue.BuiltIn.Invariants.Select(i => i.Name).Concat(Catalogue.BuiltIn.Liveness.Select(l => l.Name)).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(Catalogue.BuiltIn.Invariants, i => Assert.EndsWith(".", i.Summary));
    }
}
