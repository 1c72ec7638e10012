using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// Dense indices for pages, so that a check can keep a mark or a tally per page in a span instead
/// of a set or a dictionary (checks run after every kernel step and must not allocate). Page n is
/// the n-th page materialized, <c>Pages[n - 1]</c>, so its index is found at once; a page found
/// elsewhere (a hand-built state) is searched for.
/// </summary>
internal static class PageIndex
{
    /// <summary>Lists of up to this many pages keep their per-page marks on the stack.</summary>
    public const int StackLimit = 256;

    /// <summary>
    /// Where <paramref name="p"/> is in <paramref name="pages"/>, or -1 when it is not there. Two
    /// different pages never share an index, so it can stand for the page itself.
    /// </summary>
    public static int Of(IReadOnlyList<Page> pages, Page p)
    {
        int i = p.Number - 1;
        if ((uint)i < (uint)pages.Count && pages[i] == p) return i;
        for (i = 0; i < pages.Count; i++)
            if (pages[i] == p) return i;
        return -1;
    }

    /// <summary>True when <paramref name="p"/> is one of the first <paramref name="count"/> items of <paramref name="list"/>.</summary>
    public static bool OccursBefore(IReadOnlyList<Page> list, Page p, int count)
    {
        for (int i = 0; i < count; i++)
            if (list[i] == p) return true;
        return false;
    }
}
