namespace Uvm.Model.Maps;

/// <summary>
/// The part of uvm_map_findspace() after the gap at the hint failed: the walk of the augmented
/// red-black tree (<see cref="MapTree"/>) in either direction, then the list search it falls back
/// to when alignment defeats the entry the tree chose. Follows the tree search of NetBSD
/// uvm_map.c as the 2007 revisions with ownspace/space have it (the November 2003 original is not
/// stored): find the nearest entry, in the search direction, whose own gap or whose subtree on the
/// far side has room (<c>prev</c>), try the entry the descent stopped at, then <c>prev</c>, then
/// the nearest fitting gap in <c>prev</c>'s subtree. The tree holds entries, not the header, so
/// the gap between vm_map_min and the lowest entry is reached only by the list search: a
/// top-down search that the tree sends to "notfound" never sees it. Whether the November 2003
/// code had that gap too is not known (the list walk it replaced reached the header), so it is
/// <see cref="Switches.TopdownTreeMissesLowestGap"/>; off, a top-down search the tree failed
/// still tries the header's gap, as the list walk of early 2003 did.
/// </summary>
internal static class MapTreeFindspace
{
    /// <summary>
    /// Searches from gap <paramref name="entry"/> (the gap above entry <c>entry</c>, -1 = the
    /// header) with the kernel's <paramref name="hint"/> at <c>nextgap</c>: top-down, the highest
    /// usable address of that gap (<c>entry->next->start - length</c>); bottom-up, its lowest.
    /// </summary>
    public static FoundSpace? Search(VmMap map, int entry, int hint, int len, int align, bool topDown, bool missLowestGap)
    {
        var found = TreeSearch(map, entry, hint, len, align, topDown, out bool wrapped);
        if (found is not null || wrapped || !topDown || missLowestGap || entry < 0) return found;
        int h = map.GapEnd(-1) - len;
        return SpaceAvail(map, ref h, len, align, topDown, null) == 1 ? new FoundSpace(h, null) : null;
    }

    private static FoundSpace? TreeSearch(VmMap map, int entry, int hint, int len, int align, bool topDown, out bool wrapped)
    {
        wrapped = false;
        var tmp = map.Tree.Root;
        if (tmp is null || tmp.Space < len) return null;
        MapEntry? prev = null, child;
        for (; tmp is not null; tmp = child)
        {
            int next = End(map, tmp);
            if (topDown ? next < hint + len && (prev is null || tmp.End > prev.End) : tmp.End >= hint && (prev is null || tmp.End < prev.End))
            {
                if (tmp.OwnSpace >= len) prev = tmp;
                else if ((topDown ? tmp.Left : tmp.Right) is { } c && c.Space >= len) prev = tmp;
            }
            if (next < hint + len) child = tmp.Right;
            else if (tmp.End > hint) child = tmp.Left;
            else
            {
                if (tmp.OwnSpace >= len) break;
                child = topDown ? tmp.Left : tmp.Right;
            }
            if (child is null || child.Space < len) break;
        }
        if (tmp is not null && tmp.Start < hint && hint < End(map, tmp))
        {
            // Check if the entry that we found satisfies the space requirement.
            int h = topDown ? Math.Min(hint, End(map, tmp) - len) : Math.Max(hint, tmp.End);
            switch (SpaceAvail(map, ref h, len, align, topDown, tmp))
            {
                case 1: return new FoundSpace(h, tmp);
                case -1: wrapped = true; return null;
            }
            if (tmp.OwnSpace >= len) return ListSearch(map, entry, len, align, topDown, out wrapped);
        }
        if (prev is null) return null;
        int at = topDown ? End(map, prev) - len : prev.End;
        switch (SpaceAvail(map, ref at, len, align, topDown, prev))
        {
            case 1: return new FoundSpace(at, prev);
            case -1: wrapped = true; return null;
        }
        if (prev.OwnSpace >= len) return ListSearch(map, entry, len, align, topDown, out wrapped);
        tmp = topDown ? prev.Left : prev.Right;
        while (true)
        {
            if (tmp is null || tmp.Space < len)
                throw new Core.KernelPanicException("uvm_map_findspace", $"{map.Name}: KASSERT(tmp && tmp->space >= length) failed below {prev}");
            child = topDown ? tmp.Right : tmp.Left;
            if (child is not null && child.Space >= len) { tmp = child; continue; }
            if (tmp.OwnSpace >= len) break;
            tmp = topDown ? tmp.Left : tmp.Right;
        }
        at = topDown ? End(map, tmp) - len : tmp.End;
        switch (SpaceAvail(map, ref at, len, align, topDown, tmp))
        {
            case 1: return new FoundSpace(at, tmp);
            case -1: wrapped = true; return null;
        }
        // The tree fails to find an entry because of offset or alignment restrictions: search the list instead.
        return ListSearch(map, entry, len, align, topDown, out wrapped);
    }

    /// <summary>listsearch: the gaps one by one from gap <paramref name="entry"/>, down to the header or up to the last entry.</summary>
    private static FoundSpace? ListSearch(VmMap map, int entry, int len, int align, bool topDown, out bool wrapped)
    {
        wrapped = false;
        for (int gap = entry; gap >= -1 && gap < map.Entries.Count; gap += topDown ? -1 : 1)
        {
            int h = topDown ? map.GapEnd(gap) - len : map.GapStart(gap);
            switch (SpaceAvail(map, ref h, len, align, topDown, map.EntryAt(gap)))
            {
                case 1: return new FoundSpace(h, map.EntryAt(gap));
                case -1: wrapped = true; return null;
            }
        }
        return null;
    }

    /// <summary>
    /// uvm_map_space_avail(&amp;start, length, uoffset, align, topdown, entry): align the start
    /// (down top-down, up bottom-up); -1 on wraparound, 1 if [start, start+length) lies in the gap
    /// after <paramref name="e"/> (null = the header), else 0.
    /// </summary>
    internal static int SpaceAvail(VmMap map, ref int start, int len, int align, bool topDown, MapEntry? e)
    {
        // findspace-topdown-skips-align: the top-down branch keeps its candidate unaligned.
        if (align > 1 && !(topDown && map.Has(Switches.FindspaceTopdownSkipsAlign)))
            start = topDown ? start - (((start % align) + align) % align) : start + ((align - (start % align)) % align);
        if (start < 0) return -1; // an unsigned start below 0 wraps, and so does start + length
        int low = e?.End ?? map.Min, high = e is null ? map.GapEnd(-1) : End(map, e);
        // findspace-refuses-exact-fit: "entry->next->start > end" where the gap may end at the range's end.
        if (map.Has(Switches.FindspaceRefusesExactFit)) return high > start + len && start >= low ? 1 : 0;
        return high >= start + len && start >= low ? 1 : 0;
    }

    /// <summary>entry->next->start, read from the list as the kernel does: the next entry's start, or vm_map_max.</summary>
    private static int End(VmMap map, MapEntry e) => map.GapEnd(map.IndexOf(e));
}
