using Uvm.Scenarios;
using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Tests.Scenarios;

/// <summary>The repository's rename table (scenarios/Engine/Replay/renames.json) and how it maps labels.</summary>
public sealed class RenameTableTests
{
    /// <summary>Each entry renames a label the model no longer has to one it has; else replay would map to nothing.</summary>
    [Fact]
    public void TheRepositoryTableMapsOldLabelsToLabelsOfTheModel()
    {
        var labels = StepCatalogue.Model.LabelTexts();

        foreach (var r in RenameTable.Repository.Renames)
        {
            Assert.DoesNotContain(r.From, labels);
            Assert.Contains(RenameTable.Repository.RenamedTo(r.From)!, labels);
        }
    }

    [Fact]
    public void ARenameChainMapsToItsLastName()
    {
        var table = new RenameTable([new("a", "b"), new("b", "c")]);

        Assert.Equal("c", table.RenamedTo("a"));
        Assert.Equal("c", table.RenamedTo("b"));
        Assert.Null(table.RenamedTo("c"));
    }

    [Fact]
    public void ALabelRenamedTwiceIsAnError() =>
        Assert.Throws<InputException>(() => new RenameTable([new("a", "b"), new("a", "c")]));

    [Fact]
    public void ARenameCycleEnds() =>
        Assert.NotNull(new RenameTable([new("a", "b"), new("b", "a")]).RenamedTo("a"));
}
