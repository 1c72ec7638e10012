using Uvm.Model;
using Xunit.Abstractions;

namespace Uvm.Tests.Model;

/// <summary>
/// Model-based tests of the map entries' augmented red-black tree (model/Maps/MapTree.cs) and of
/// uvm_map_findspace()'s walk over it: random sequences of uvm_map and uvm_unmap against a sorted
/// list of ranges, with tree order, balance and augmentation (properties/MapTreeAudit.cs) checked
/// after every command. A seeded stale augmentation is found and shrunk to a minimal sequence.
/// </summary>
public sealed class MapTreeStateMachineTests(ITestOutputHelper output)
{
    /// <summary>
    /// Sequences per run. Sequences grow to ~100 commands on a 40-page map, so the tree reaches
    /// 20-odd entries, deep enough for every rotation case of insert and remove; the seeded bug
    /// needs only two maps and an unmap, which most sequences contain. 1000 sequences run in
    /// about two seconds.
    /// </summary>
    private const int Sequences = 1000;

    private static FsCheck.Property MapHolds(KernelConfig mutations) =>
        CommandSequence.Holds(CommandSequence.Of(MapTreeCommand.Generate(), MapTreeCommand.Shrink), c => MapTreeCommand.Run(c, mutations));

    [Fact]
    public void MapTreeKeepsOrderBalanceAndAugmentationOverGeneratedSequences()
    {
        FsCheck.Check.One(CommandSequence.Config(Sequences), MapHolds(KernelConfig.Fixed));
    }

    /// <summary>
    /// uvm_rb_remove() without uvm_rb_fixup(entry->prev): three entries [0,1) [27,28) [28,29) make
    /// [27,28) the root; unmapping it leaves [0,1), a leaf now, with ownspace 26 where 27 pages are
    /// free. With two entries the stale one would be the removed entry's parent, which
    /// uvm_rb_remove() fixes up anyway, so four commands is the shortest failing sequence.
    /// </summary>
    [Fact]
    public void StaleAugmentationAfterRemovalIsFoundAndShrunk()
    {
        var failure = Assert.ThrowsAny<Exception>(() => FsCheck.Check.One(CommandSequence.Config(Sequences), MapHolds(KernelConfig.Fixed.With(Switches.MapTreeRemoveSkipsFixup))));

        var shrunk = CommandSequence.Shrunk(failure.Message);
        output.WriteLine(failure.Message);
        Assert.Equal("map(1 at 0 up); map(1 at 27 up); map(1 at 27 up); unmap [27,28)", shrunk);
    }
}
