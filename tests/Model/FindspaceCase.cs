using FsCheck;
using FsCheck.Fluent;
using Uvm.Model.Maps;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>
/// One generated input of uvm_map_findspace(): a map [Min, Max) with sorted, disjoint entries, and
/// a request. Its text reads like a process map and a call, so a shrunk counterexample is a
/// readable layout: "map [0,3) entries [0,1) [2,3); topdown findspace(hint 1, len 2)".
/// </summary>
public sealed record FindspaceCase(int Min, int Max, IReadOnlyList<(int Start, int End)> Entries, FindspaceRequest Request)
{
    /// <summary>A fresh map holding the entries.</summary>
    public VmMap ToMap()
    {
        var map = new VmMap("case", Min, Max, Request.TopDown);
        MapEntry? prev = null;
        foreach (var (s, e) in Entries)
        {
            var entry = new MapEntry(s, e, $"e{s}");
            map.Link(prev, entry);
            prev = entry;
        }
        return map;
    }

    /// <summary>
    /// Null when uvm_map_findspace() keeps its contract on this case, else what it broke: the range
    /// returned meets no entry, lies in the map, is aligned, on the right side of the hint
    /// (exactly at it if fixed), between the entry it is linked after and that entry's successor;
    /// and when it says "no space" the brute-force oracle finds none.
    /// </summary>
    public string? Violation(bool preFix)
    {
        var map = ToMap();
        var found = MapFindspace.Find(map, Request, preFix);
        var room = FreeSpaceOracle.FirstCandidate(Min, Max, Entries, Request);
        if (found is null) return room is { } v ? $"no space, but [{v},{v + Request.Length}) is free" : null;
        int va = found.Va, end = va + Request.Length, hint = Math.Max(Request.Hint, Min);
        if (Entries.FirstOrDefault(e => va < e.End && e.Start < end) is { End: > 0 } used) return $"returned [{va},{end}), which meets entry [{used.Start},{used.End})";
        if (va < Min || end > Max) return $"returned [{va},{end}), outside the map";
        if (va % Math.Max(1, Request.Align) != 0) return $"returned [{va},{end}), not aligned to {Request.Align}";
        if (Request.Fixed ? va != hint : Request.TopDown ? va > hint : va < hint) return $"returned [{va},{end}) on the wrong side of hint {hint}";
        int prevEnd = found.Prev?.End ?? Min, at = found.Prev is null ? 0 : map.Entries.ToList().IndexOf(found.Prev) + 1;
        int nextStart = at < map.Entries.Count ? map.Entries[at].Start : Max;
        return prevEnd <= va && end <= nextStart ? null : $"returned [{va},{end}) outside the gap after its prev entry";
    }

    /// <summary>Null when the range uvm_map_findspace() returns (if any) meets no entry, else the entry it meets.</summary>
    public string? SpaceInUse(bool preFix) =>
        MapFindspace.Find(ToMap(), Request, preFix) is { } found
        && Entries.FirstOrDefault(e => found.Va < e.End && e.Start < found.Va + Request.Length) is { End: > 0 } used
            ? $"returned [{found.Va},{found.Va + Request.Length}), which meets entry [{used.Start},{used.End})"
            : null;

    /// <summary>The case with free page <paramref name="page"/> cut out of the address space.</summary>
    private static FindspaceCase ClosePage(FindspaceCase c, int page) => new(
        c.Min, c.Max - 1,
        [.. c.Entries.Select(e => e.Start > page ? (e.Start - 1, e.End - 1) : e)],
        c.Request with { Hint = c.Request.Hint > page ? c.Request.Hint - 1 : c.Request.Hint });

    /// <inheritdoc/>
    public override string ToString() =>
        $"map [{Min},{Max}) entries{(Entries.Count == 0 ? " none" : string.Concat(Entries.Select(e => $" [{e.Start},{e.End})")))}; {Request}";

    /// <summary>
    /// Generated cases: up to ~8 entries of 1-4 pages with 0-4 page gaps (size-bounded), hints
    /// from just below the map to just above it, lengths 1-6, alignment 1, 2 or 4, mostly
    /// top-down and mostly not fixed. Small addresses keep the oracle's page-by-page search cheap.
    /// </summary>
    public static Arbitrary<FindspaceCase> Arbitrary() => Arb.From(Generate(), Shrink);

    private static Gen<FindspaceCase> Generate() =>
        from min in Gen.Choose(0, 4)
        from pieces in Gen.ListOf(Gen.Zip(Gen.Choose(0, 4), Gen.Choose(1, 4)))
        from tail in Gen.Choose(0, 4)
        let entries = Lay(min, pieces)
        let max = Math.Max(min + 1, (entries.Count > 0 ? entries[^1].End : min) + tail)
        from hint in Gen.Choose(min - 2, max + 2)
        from len in Gen.Choose(1, 6)
        from align in Gen.Elements(1, 1, 1, 2, 4)
        from topDown in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        from isFixed in Gen.Frequency((1, Gen.Constant(true)), (5, Gen.Constant(false)))
        select new FindspaceCase(min, max, entries, new FindspaceRequest(hint, len, align, topDown, isFixed));

    private static List<(int Start, int End)> Lay(int min, IEnumerable<(int Gap, int Size)> pieces)
    {
        var entries = new List<(int, int)>();
        int cursor = min;
        foreach (var (gap, size) in pieces)
        {
            entries.Add((cursor + gap, cursor + gap + size));
            cursor += gap + size;
        }
        return entries;
    }

    /// <summary>
    /// Smaller cases that stay valid: drop an entry, shorten an entry from either end, move the
    /// whole case one page down, lower vm_map_max, shorten the request, drop alignment or
    /// UVM_FLAG_FIXED, move the hint one page towards vm_map_min, and close one free page of a
    /// gap (everything above it, the hint included, moves one page down).
    /// </summary>
    private static IEnumerable<FindspaceCase> Shrink(FindspaceCase c)
    {
        var r = c.Request;
        for (int i = 0; i < c.Entries.Count; i++)
            yield return c with { Entries = [.. c.Entries.Where((_, j) => j != i)] };
        for (int i = 0; i < c.Entries.Count; i++)
        {
            var (s, e) = c.Entries[i];
            if (e - s <= 1) continue;
            yield return c with { Entries = [.. c.Entries.Select((x, j) => j == i ? (s, e - 1) : x)] };
            yield return c with { Entries = [.. c.Entries.Select((x, j) => j == i ? (s + 1, e) : x)] };
        }
        for (int i = 0; i < c.Entries.Count; i++)
            if (c.Entries[i].Start > (i == 0 ? c.Min : c.Entries[i - 1].End))
                yield return ClosePage(c, c.Entries[i].Start - 1);
        if (c.Min > 0)
            yield return new FindspaceCase(c.Min - 1, c.Max - 1, [.. c.Entries.Select(x => (x.Start - 1, x.End - 1))], r with { Hint = r.Hint - 1 });
        if (c.Max - 1 > c.Min && (c.Entries.Count == 0 || c.Entries[^1].End <= c.Max - 1))
            yield return c with { Max = c.Max - 1 };
        if (r.Length > 1) yield return c with { Request = r with { Length = r.Length - 1 } };
        if (r.Align > 1) yield return c with { Request = r with { Align = 1 } };
        if (r.Fixed) yield return c with { Request = r with { Fixed = false } };
        if (r.Hint > c.Min) yield return c with { Request = r with { Hint = r.Hint - 1 } };
    }
}
