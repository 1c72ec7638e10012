using Uvm.Model.Maps;

namespace Uvm.Properties;

/// <summary>
/// A brute-force answer to "does this map have room for this request?": try every page. It
/// follows uvm_map_findspace()'s contract, not its code: a hint below vm_map_min is raised to it
/// (or fails if fixed), a hint above vm_map_max fails; the range must be aligned, inside
/// [min, max), clear of every entry, at or below the hint when top-down, at or above it when
/// bottom-up, and exactly at the hint when UVM_FLAG_FIXED.
/// </summary>
public static class FreeSpaceOracle
{
    /// <summary>Every start address the contract allows for <paramref name="r"/>, lowest first.</summary>
    public static IEnumerable<int> Candidates(int min, int max, IReadOnlyList<(int Start, int End)> entries, FindspaceRequest r)
    {
        int hint = r.Hint, align = Math.Max(1, r.Align);
        if (r.Length <= 0 || hint > max || (r.Fixed && hint < min)) yield break;
        hint = Math.Max(hint, min);
        int lo = r.Fixed || !r.TopDown ? hint : min;
        int hi = r.Fixed || r.TopDown ? hint : max - r.Length;
        for (int va = lo; va <= hi; va++)
            if (va % align == 0 && Fits(min, max, entries, va, r.Length)) yield return va;
    }

    /// <summary>True when some range satisfies the request.</summary>
    public static bool HasRoom(int min, int max, IReadOnlyList<(int Start, int End)> entries, FindspaceRequest r) =>
        Candidates(min, max, entries, r).Any();

    /// <summary>True when [va, va+len) lies in [min, max) and meets no entry.</summary>
    public static bool Fits(int min, int max, IReadOnlyList<(int Start, int End)> entries, int va, int len)
    {
        if (va < min || va + len > max) return false;
        foreach (var (s, e) in entries)
            if (va < e && s < va + len) return false;
        return true;
    }

    /// <summary>The entries of a map as plain ranges.</summary>
    public static IReadOnlyList<(int Start, int End)> Ranges(VmMap map) => [.. map.Entries.Select(e => (e.Start, e.End))];
}
