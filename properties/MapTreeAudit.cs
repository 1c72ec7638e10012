using Uvm.Model.Maps;

namespace Uvm.Properties;

/// <summary>
/// The rules _uvm_tree_sanity() of uvm_map.c checks under DEBUG, plus the red-black ones of
/// sys/tree.h: the tree holds exactly the entries of the list, in the same order; each entry's
/// ownspace is the gap to the next entry (or vm_map_max) and its space the largest ownspace of its
/// subtree; parent links agree with child links; the root is black, no red entry has a red child,
/// and every path down has the same number of black entries. Allocation-free while it holds.
/// </summary>
public static class MapTreeAudit
{
    /// <summary>Null when the tree of <paramref name="map"/> is consistent with its list, else what is wrong.</summary>
    public static string? Check(VmMap map)
    {
        var root = map.Tree.Root;
        if (root is not null && (root.Red || root.Parent is not null)) return $"{map}: the root {root} is red or has a parent";
        int index = 0;
        var bad = Walk(map, root, ref index, out _);
        if (bad is not null) return $"{map}: {bad}";
        return index == map.Entries.Count ? null : $"{map}: the tree holds {index} entries, the list {map.Entries.Count}";
    }

    /// <summary>In-order walk: compares entry <paramref name="index"/> of the list, counts black height.</summary>
    private static string? Walk(VmMap map, MapEntry? n, ref int index, out int blackHeight)
    {
        blackHeight = 0;
        if (n is null) return null;
        if (n.Left is { } l && l.Parent != n) return $"{l} does not point back to its parent {n}";
        if (n.Right is { } r && r.Parent != n) return $"{r} does not point back to its parent {n}";
        if (n.Red && (n.Left is { Red: true } || n.Right is { Red: true })) return $"red {n} has a red child";
        var bad = Walk(map, n.Left, ref index, out int left);
        if (bad is not null) return bad;
        if (index >= map.Entries.Count || map.Entries[index] != n) return $"tree entry {n} is not list entry {index}";
        int gap = map.GapEnd(index) - n.End;
        if (n.OwnSpace != gap) return $"{n} has ownspace {n.OwnSpace}, but {gap} pages are free after it";
        index++;
        bad = Walk(map, n.Right, ref index, out int right);
        if (bad is not null) return bad;
        if (left != right) return $"the subtrees of {n} have black heights {left} and {right}";
        int space = MapTree.SubtreeSpace(n);
        if (n.Space != space) return $"{n} has space {n.Space}, but its subtree's largest ownspace is {space}";
        blackHeight = left + (n.Red ? 0 : 1);
        return null;
    }
}
