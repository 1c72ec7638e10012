namespace Uvm.Model.Maps;

/// <summary>
/// uvm_map_findspace() of sys/uvm/uvm_map.c (NetBSD, 2003, after top-down allocation was added),
/// as docs/kernel-sources.md (map free-space search) lays it out; called with the map lock held. Bottom-up: start at the gap
/// containing the hint, or above the entry containing it, and walk up taking
/// <c>max(hint, entry->end)</c> in each gap. Top-down (VM_MAP_TOPDOWN): start at the gap containing
/// the hint, or the gap <em>below</em> the entry containing it ("Start from lower gap"), and walk
/// down taking <c>min(hint, entry->next->start - len)</c>, which fits iff it is not below
/// <c>entry->end</c>. UVM_FLAG_FIXED: only [hint, hint+len) itself.
/// <para>
/// Reconstructed: the 2003 pre-fix code is not available. The modern fixed code tests the gap at
/// the hint first (uvm_map_space_avail(): <c>if (entry->next->start >= end &amp;&amp; *start >=
/// entry->end) return 1</c>) and then walks the list. Bottom-up, that first test never needs the
/// lower bound, since the candidate is <c>max(hint, entry->end)</c>; top-down lowers the candidate
/// to <c>entry->next->start - len</c>, which can fall below <c>entry->end</c>. Following
/// docs/kernel-sources.md (map free-space search), the pre-fix top-down first test on a hint that lies in a gap is modelled
/// without <c>candidate >= entry->end</c> (<see cref="Switches.TopdownFindspace"/>);
/// the walk itself, and a hint inside an entry (which starts the walk in the gap below it), are
/// checked as in the fix. So ordinary top-down use, where the hint falls inside the mappings packed
/// below the stack reservation, works; a hint in a gap smaller than the request, as an unlimited
/// stack produces beside data, gets a range overlapping the entry below. Left out: first_free and
/// the map's hint entry (shortcuts with the same result), PMAP_PREFER colouring, uoffset.
/// </para>
/// </summary>
public static class MapFindspace
{
    /// <summary>
    /// Finds <paramref name="r"/>.Length free pages in <paramref name="map"/>, or returns null for
    /// "no space". <paramref name="preFix"/> runs the pre-fix top-down gap test;
    /// <paramref name="stopAtFirstGap"/> is <see cref="Switches.FindspaceTopdownStopsAtFirstGap"/>;
    /// <paramref name="missLowestGap"/> is <see cref="Switches.TopdownTreeMissesLowestGap"/>.
    /// </summary>
    public static FoundSpace? Find(VmMap map, FindspaceRequest r, bool preFix, bool stopAtFirstGap = false, bool missLowestGap = false)
    {
        int len = r.Length, align = Math.Max(1, r.Align), hint = r.Hint;
        if (len <= 0) return null;
        if (hint < map.Min)
        {
            if (r.Fixed) return null;
            hint = map.Min;
        }
        if (hint > map.Max) return null;
        if (hint % align != 0)
        {
            if (r.Fixed) return null;
            hint = r.TopDown ? AlignDown(hint, align) : AlignUp(hint, align);
        }
        int gap = map.Lookup(hint, out bool inside);
        if (inside)
        {
            if (r.Fixed) return null;
            if (r.TopDown) gap--;
        }
        else if (r.Fixed)
            return hint + len <= map.GapEnd(gap) ? new FoundSpace(hint, map.EntryAt(gap)) : null;
        return r.TopDown ? SearchDown(map, gap, hint, len, align, uncheckedFirstGap: preFix && !inside, stopAtFirstGap, missLowestGap) : SearchUp(map, gap, hint, len, align, inside);
    }

    /// <summary>
    /// The test of the first gap (<paramref name="gap"/>: the gap above entry <c>gap</c>, -1 = the
    /// header), then the tree walk of <see cref="MapTreeFindspace"/> from there. Top-down the
    /// first candidate is <c>min(hint, entry->next->start - len)</c>; <paramref name="uncheckedFirstGap"/>
    /// is the pre-fix test, which takes it on the upper bound alone (docs/kernel-sources.md, top-down findspace).
    /// </summary>
    private static FoundSpace? SearchDown(VmMap map, int gap, int hint, int len, int align, bool uncheckedFirstGap, bool stopAtFirstGap, bool missLowestGap)
    {
        int next = map.GapEnd(gap);
        if (next < len) return null; // entry->next->start - length wraps around
        int candidate = AlignDown(Math.Min(hint, next - len), align);
        // The fix: the candidate must not start below the lower neighbour's end. The pre-fix
        // first test took it on the upper bound alone (docs/kernel-sources.md).
        if (candidate >= map.GapStart(gap) || uncheckedFirstGap) return new FoundSpace(candidate, map.EntryAt(gap));
        if (stopAtFirstGap) return null;
        return MapTreeFindspace.Search(map, gap, next - len, len, align, topDown: true, missLowestGap);
    }

    /// <summary>
    /// The first gap bottom-up, then the tree walk: from the entry above a hint lying in a gap
    /// ("Start from higher gap", hint unchanged), or from the entry holding the hint with the hint
    /// moved to its end.
    /// </summary>
    private static FoundSpace? SearchUp(VmMap map, int gap, int hint, int len, int align, bool inside)
    {
        int start = Math.Max(hint, map.GapStart(gap));
        int candidate = AlignUp(start, align);
        // findspace-bottomup-ignores-gap-end: the first gap's candidate taken without its upper bound.
        if (candidate + len <= map.GapEnd(gap) || map.Tree.Config?.Has(Switches.FindspaceBottomupIgnoresGapEnd) == true)
            return new FoundSpace(candidate, map.EntryAt(gap));
        if (!inside && ++gap >= map.Entries.Count) return null;
        return MapTreeFindspace.Search(map, gap, inside ? start : hint, len, align, topDown: false, missLowestGap: false);
    }

    private static int AlignDown(int va, int align) => va - (((va % align) + align) % align);

    private static int AlignUp(int va, int align) => AlignDown(va + align - 1, align);
}
