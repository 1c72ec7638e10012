using Uvm.Model.Core;
using Uvm.Model.Maps;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>
/// Tests of model/Maps/MapFindspace.cs and VmMap.cs: uvm_map_findspace() in both directions,
/// the pre-fix top-down first test, uvm_map_entry_link()'s post-conditions and uvm_unmap_remove().
/// </summary>
public sealed class MapFindspaceTests
{
    /// <summary>A map [min, max) with the given entries linked in order.</summary>
    internal static VmMap MapOf(int min, int max, params (int Start, int End)[] entries)
    {
        var map = new VmMap("test", min, max, topDown: true);
        MapEntry? prev = null;
        foreach (var (s, e) in entries)
        {
            var entry = new MapEntry(s, e, $"e{s}");
            map.Link(prev, entry);
            prev = entry;
        }
        return map;
    }

    [Fact]
    public void TopdownFindspaceTakesTheHintWhenItsGapHasRoom()
    {
        var map = MapOf(1, 32, (8, 10), (10, 12), (30, 32));

        var found = MapFindspace.Find(map, new FindspaceRequest(12, 3), preFix: false);

        Assert.Equal(12, found?.Va);
        Assert.Equal(10, found?.Prev?.Start);
    }

    [Fact]
    public void TopdownFindspaceStartsBelowTheEntryHoldingTheHint()
    {
        var map = MapOf(1, 32, (10, 12), (20, 24), (30, 32));

        var found = MapFindspace.Find(map, new FindspaceRequest(22, 2), preFix: false);

        Assert.Equal(18, found?.Va);
    }

    [Fact]
    public void TopdownFindspaceWalksDownPastGapsTooSmall()
    {
        var map = MapOf(1, 32, (8, 10), (10, 12), (13, 15), (30, 32));

        var found = MapFindspace.Find(map, new FindspaceRequest(12, 3), preFix: false);

        Assert.Equal(5, found?.Va);
        Assert.Null(found?.Prev);
    }

    [Fact]
    public void PreFixTopdownFindspaceReturnsARangeOverlappingTheEntryBelow()
    {
        var map = MapOf(1, 32, (8, 10), (10, 12), (13, 15), (30, 32));

        var found = MapFindspace.Find(map, new FindspaceRequest(12, 3), preFix: true);

        Assert.Equal(10, found?.Va);
        Assert.True(map.Entries[1].Intersects(10, 13));
    }

    [Fact]
    public void PreFixTopdownFindspaceWalksCorrectlyFromAHintInsideAnEntry()
    {
        var map = MapOf(1, 32, (8, 10), (10, 12), (12, 15), (30, 32));

        var found = MapFindspace.Find(map, new FindspaceRequest(13, 2), preFix: true);

        Assert.Equal(6, found?.Va);
    }

    [Fact]
    public void TopdownFindspaceSaysNoSpaceWhenNothingBelowTheHintFits()
    {
        var map = MapOf(1, 32, (2, 10), (11, 12));

        Assert.Null(MapFindspace.Find(map, new FindspaceRequest(11, 2), preFix: false));
    }

    [Fact]
    public void TopdownFindspaceAlignsTheCandidateDown()
    {
        var map = MapOf(0, 32, (30, 32));

        var found = MapFindspace.Find(map, new FindspaceRequest(27, 2, Align: 4), preFix: false);

        Assert.Equal(24, found?.Va);
    }

    [Fact]
    public void BottomUpFindspaceWalksUpFromTheEntryHoldingTheHint()
    {
        var map = MapOf(1, 32, (8, 10), (11, 12), (14, 20));

        var found = MapFindspace.Find(map, new FindspaceRequest(9, 2, TopDown: false), preFix: true);

        Assert.Equal(12, found?.Va);
    }

    [Fact]
    public void FixedFindspaceRefusesARangeInUse()
    {
        var map = MapOf(1, 32, (8, 10));

        Assert.Null(MapFindspace.Find(map, new FindspaceRequest(9, 1, Fixed: true), preFix: false));
        Assert.Null(MapFindspace.Find(map, new FindspaceRequest(7, 2, Fixed: true), preFix: false));
        Assert.Equal(10, MapFindspace.Find(map, new FindspaceRequest(10, 2, Fixed: true), preFix: false)?.Va);
    }

    [Fact]
    public void EntryLinkPanicsOnARangeOverlappingTheEntryBelow()
    {
        var map = MapOf(1, 32, (8, 10), (10, 12), (13, 15));

        var panic = Assert.Throws<KernelPanicException>(() => map.Link(map.Entries[1], new MapEntry(10, 13, "ld.elf_so")));

        Assert.Equal("uvm_map_entry_link", panic.Site);
        Assert.Contains("entry->end <= va", panic.Detail);
    }

    [Fact]
    public void UnmapClipsEntriesThatStraddleTheRange()
    {
        var map = MapOf(1, 32, (4, 8), (10, 14), (20, 22));

        map.Remove(6, 11);

        Assert.Equal(new[] { (4, 6), (11, 14), (20, 22) }, map.Entries.Select(e => (e.Start, e.End)));
    }
}
