using Uvm.Model.Maps;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>Unit tests of the map entries' augmented red-black tree (model/Maps/MapTree.cs) and the tree walk of uvm_map_findspace().</summary>
public sealed class MapTreeTests
{
    private static VmMap MapWith(params (int Start, int End)[] ranges)
    {
        var map = new VmMap("test", 0, 64, topDown: true);
        MapEntry? prev = null;
        foreach (var (s, e) in ranges)
        {
            var entry = new MapEntry(s, e, $"e{s}");
            map.Link(prev, entry);
            prev = entry;
        }
        return map;
    }

    [Fact]
    public void InsertKeepsOwnspaceAndSubtreeSpace()
    {
        var map = MapWith((0, 2), (10, 12), (20, 21), (40, 44));

        Assert.Null(MapTreeAudit.Check(map));
        Assert.Equal([8, 8, 19, 20], map.Entries.Select(e => e.OwnSpace));
        Assert.Equal(20, map.Tree.Root!.Space);
    }

    [Fact]
    public void RemoveGrowsThePreviousEntrysOwnspace()
    {
        var map = MapWith((0, 2), (10, 12), (20, 21), (40, 44));

        map.Remove(10, 12);

        Assert.Null(MapTreeAudit.Check(map));
        Assert.Equal(18, map.Entries[0].OwnSpace);
    }

    [Fact]
    public void ManyInsertsStayBalanced()
    {
        var map = MapWith([.. Enumerable.Range(0, 30).Select(i => (i * 2, i * 2 + 1))]);

        Assert.Null(MapTreeAudit.Check(map));
        Assert.Equal(30, map.Tree.InOrder().Count());
    }

    [Fact]
    public void TopdownWalkFindsTheHighestFittingGapBelowTheHint()
    {
        var map = MapWith((0, 2), (5, 6), (9, 10), (11, 30));

        var found = MapFindspace.Find(map, new FindspaceRequest(Hint: 12, Length: 3), preFix: false);

        Assert.Equal(6, found!.Va); // the gap at the hint is inside [11,30); [10,11) is too small; [6,9) fits
        Assert.Same(map.Entries[1], found.Prev);
    }

    [Fact]
    public void BottomUpWalkFindsTheLowestFittingGapAboveTheHint()
    {
        var map = MapWith((0, 2), (5, 6), (7, 8), (9, 10), (20, 21));

        var found = MapFindspace.Find(map, new FindspaceRequest(Hint: 3, Length: 4, TopDown: false), preFix: false);

        Assert.Equal(10, found!.Va);
    }

    [Fact]
    public void TopdownTreeWalkMissesTheLowestGapWhenThatSwitchIsOn()
    {
        var map = MapWith((4, 6), (7, 9));

        var request = new FindspaceRequest(Hint: 8, Length: 3);

        Assert.Equal(1, MapFindspace.Find(map, request, preFix: false)!.Va);
        Assert.Null(MapFindspace.Find(map, request, preFix: false, missLowestGap: true));
    }
}
