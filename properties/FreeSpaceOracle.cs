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
        var (lo, hi) = Window(min, max, r);
        for (int va = lo; va <= hi; va++)
            if (Allows(min, max, entries, r, va)) yield return va;
    }

    /// <summary>
    /// The lowest start address the contract allows for <paramref name="r"/>, or null when there is
    /// none: the first of <see cref="Candidates"/>, without an iterator, for checks after every step.
    /// </summary>
    public static int? FirstCandidate(int min, int max, IReadOnlyList<(int Start, int End)> entries, FindspaceRequest r)
    {
        var (lo, hi) = Window(min, max, r);
        for (int va = lo; va <= hi; va++)
            if (Allows(min, max, entries, r, va)) return va;
        return null;
    }

    /// <summary>True when some range satisfies the request.</summary>
    public static bool HasRoom(int min, int max, IReadOnlyList<(int Start, int End)> entries, FindspaceRequest r) =>
        FirstCandidate(min, max, entries, r) is not null;

    /// <summary>True when [va, va+len) lies in [min, max) and meets no entry.</summary>
    public static bool Fits(int min, int max, IReadOnlyList<(int Start, int End)> entries, int va, int len)
    {
        if (va < min || va + len > max) return false;
        for (int i = 0; i < entries.Count; i++)
        {
            var (s, e) = entries[i];
            if (va < e && s < va + len) return false;
        }
        return true;
    }

    /// <summary>
    /// The start addresses a search may try for <paramref name="r"/>, [Lo, Hi] (empty when Lo &gt; Hi):
    /// a hint below min is raised to it (or fails if fixed), a hint above max fails.
    /// </summary>
    private static (int Lo, int Hi) Window(int min, int max, FindspaceRequest r)
    {
        int hint = r.Hint;
        if (r.Length <= 0 || hint > max || (r.Fixed && hint < min)) return (0, -1);
        hint = Math.Max(hint, min);
        return (r.Fixed || !r.TopDown ? hint : min, r.Fixed || r.TopDown ? hint : max - r.Length);
    }

    /// <summary>True when <paramref name="va"/> is aligned as <paramref name="r"/> asks and the range there fits.</summary>
    private static bool Allows(int min, int max, IReadOnlyList<(int Start, int End)> entries, FindspaceRequest r, int va) =>
        va % Math.Max(1, r.Align) == 0 && Fits(min, max, entries, va, r.Length);

    /// <summary>The entries of a map as plain ranges.</summary>
    public static IReadOnlyList<(int Start, int End)> Ranges(VmMap map) => [.. map.Entries.Select(e => (e.Start, e.End))];
}
