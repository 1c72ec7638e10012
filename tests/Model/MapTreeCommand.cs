using FsCheck;
using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Maps;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>One call on a map: uvm_map (findspace + link) or uvm_unmap of a range.</summary>
internal abstract record MapTreeCommand
{
    /// <summary>The map the commands run on: [0, 40), pages.</summary>
    public const int Min = 0, Max = 40;

    /// <summary>Maps twice as often as unmaps, so the map fills and the tree grows.</summary>
    public static Gen<MapTreeCommand> Generate() => Gen.Frequency(
        (2, from len in Gen.Choose(1, 4)
            from hint in Gen.Choose(Min, Max)
            from topDown in Gen.Elements(true, false)
            from align in Gen.Elements(1, 1, 2)
            select (MapTreeCommand)new MapAt(len, hint, topDown, align)),
        (1, from start in Gen.Choose(Min, Max - 1)
            from len in Gen.Choose(1, 6)
            select (MapTreeCommand)new UnmapAt(start, len)));

    /// <summary>Smaller lengths, hints and alignments toward the bottom of the map.</summary>
    public static IEnumerable<MapTreeCommand> Shrink(MapTreeCommand c)
    {
        switch (c)
        {
            case MapAt m:
                if (m.Align > 1) yield return m with { Align = 1 };
                if (m.Len > 1) yield return m with { Len = m.Len - 1 };
                if (m.Hint > Min) yield return m with { Hint = Min };
                if (m.Hint > Min + 1) yield return m with { Hint = m.Hint - 1 };
                if (m.TopDown) yield return m with { TopDown = false };
                break;
            case UnmapAt u:
                if (u.Len > 1) yield return u with { Len = u.Len - 1 };
                if (u.Start > Min) yield return u with { Start = u.Start - 1 };
                break;
        }
    }

    /// <summary>
    /// Runs <paramref name="commands"/> on a fresh map (top-down or bottom-up per call). The oracle
    /// is the sorted list of mapped ranges: uvm_map must return exactly the address a brute-force
    /// search of it gives (top-down the highest fitting address at or below the hint, bottom-up the
    /// lowest at or above), and after every command the map's list equals the oracle and
    /// <see cref="MapTreeAudit"/> holds. Null if all held.
    /// </summary>
    public static string? Run(IReadOnlyList<MapTreeCommand> commands, KernelConfig mutations)
    {
        var map = new VmMap("test", Min, Max, topDown: true, mutations);
        var oracle = new List<(int Start, int End)>();
        for (int step = 0; step < commands.Count; step++)
        {
            string? bad = null;
            try { bad = Apply(map, oracle, commands[step]); }
            catch (Uvm.Model.Core.KernelPanicException e) { bad = $"panic {e.Message}"; }
            bad ??= SameRanges(map, oracle) ?? MapTreeAudit.Check(map);
            if (bad is not null) return $"after {string.Join("; ", commands.Take(step + 1))}: {bad}";
        }
        return null;
    }

    private static string? Apply(VmMap map, List<(int Start, int End)> oracle, MapTreeCommand cmd)
    {
        switch (cmd)
        {
            case MapAt m:
                var request = new FindspaceRequest(m.Hint, m.Len, m.Align, m.TopDown);
                var candidates = FreeSpaceOracle.Candidates(Min, Max, oracle, request).ToList();
                int? expected = candidates.Count == 0 ? null : m.TopDown ? candidates[^1] : candidates[0];
                var found = MapFindspace.Find(map, request, preFix: false);
                if (found?.Va != expected) return $"findspace returned {found?.Va.ToString() ?? "no space"}, the oracle {expected?.ToString() ?? "no space"}";
                if (found is null) return null;
                map.Link(found.Prev, new MapEntry(found.Va, found.Va + m.Len, "m"));
                oracle.Add((found.Va, found.Va + m.Len));
                oracle.Sort();
                return null;
            case UnmapAt u:
                map.Remove(u.Start, u.Start + u.Len);
                var kept = new List<(int, int)>();
                foreach (var (s, e) in oracle)
                {
                    if (s < u.Start) kept.Add((s, Math.Min(e, u.Start)));
                    if (e > u.Start + u.Len) kept.Add((Math.Max(s, u.Start + u.Len), e));
                }
                oracle.Clear();
                oracle.AddRange(kept.Where(r => r.Item1 < r.Item2));
                oracle.Sort();
                return null;
        }
        return null;
    }

    private static string? SameRanges(VmMap map, List<(int Start, int End)> oracle)
    {
        var ranges = FreeSpaceOracle.Ranges(map);
        return ranges.SequenceEqual(oracle) ? null
            : $"the map holds{string.Concat(ranges.Select(r => $" [{r.Start},{r.End})"))}, the oracle{string.Concat(oracle.Select(r => $" [{r.Start},{r.End})"))}";
    }
}

/// <summary>uvm_map(len, hint) in a top-down or bottom-up map, with an alignment.</summary>
internal sealed record MapAt(int Len, int Hint, bool TopDown, int Align) : MapTreeCommand
{
    /// <inheritdoc/>
    public override string ToString() => $"map({Len} at {Hint}{(TopDown ? " down" : " up")}{(Align > 1 ? $", align {Align}" : "")})";
}

/// <summary>uvm_unmap([start, start+len)).</summary>
internal sealed record UnmapAt(int Start, int Len) : MapTreeCommand
{
    /// <inheritdoc/>
    public override string ToString() => $"unmap [{Start},{Start + Len})";
}
