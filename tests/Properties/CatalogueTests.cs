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

    [Fact]
    public void AUserInvariantIsCheckedInEveryScenarioAndNamedWhenItFails()
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
