using Uvm.Model.Pool;

namespace Uvm.Properties;

/// <summary>
/// The consistency rules of one pool (subr_pool.c, 2003-04), as pool_chk() and the DIAGNOSTIC
/// panics of pool_get/pool_put state them, checked outside pr_slock: every page header is on
/// exactly the list its item count says; the splay tree holds exactly the off-page headers, in
/// page order; pr_nitems, pr_nout and pr_npages equal what the lists hold; no free item is listed
/// twice; pr_curpage is a page with free items. Allocation-free while it holds (no splaying).
/// </summary>
public static class PoolAudit
{
    /// <summary>Null when <paramref name="pp"/> is consistent, else what is wrong.</summary>
    public static string? Check(Pool pp)
    {
        int pages = 0, free = 0, missing = 0;
        var bad = CheckList(pp, pp.EmptyPages, PoolPageList.Empty, ref pages, ref free, ref missing)
            ?? CheckList(pp, pp.PartialPages, PoolPageList.Partial, ref pages, ref free, ref missing)
            ?? CheckList(pp, pp.FullPages, PoolPageList.Full, ref pages, ref free, ref missing);
        if (bad is not null) return bad;
        int inTree = CountTree(pp.Tree.Root, int.MinValue, int.MaxValue, out bad);
        if (bad is not null) return $"{pp}: pr_phtree {bad}";
        if (inTree != (pp.OffPageHeaders ? pages : 0)) return $"{pp}: pr_phtree holds {inTree} headers, the lists {pages} {(pp.OffPageHeaders ? "off-page" : "in-page")} ones";
        if (pp.NItems != free) return $"{pp}: pr_nitems {pp.NItems}, but the pages hold {free} free items";
        if (pp.NOut != missing) return $"{pp}: pr_nout {pp.NOut}, but the pages miss {missing} items";
        if (pp.NPages != pages) return $"{pp}: pr_npages {pp.NPages}, but {pages} pages are on the lists";
        if (pp.CurPage is { } cur && (cur.List is PoolPageList.Full or PoolPageList.None || cur.FreeItems.Count == 0))
            return $"{pp}: pr_curpage {cur} has no free item";
        return null;
    }

    /// <summary>One page list: each header on it says so, and its count puts it there.</summary>
    private static string? CheckList(Pool pp, IReadOnlyList<PoolPage> list, PoolPageList kind, ref int pages, ref int free, ref int missing)
    {
        for (int i = 0; i < list.Count; i++)
        {
            var ph = list[i];
            if (ph.List != kind) return $"{pp}: {ph} is linked on the {kind} list";
            var says = ph.NMissing == 0 ? PoolPageList.Empty : ph.NMissing == pp.ItemsPerPage ? PoolPageList.Full : PoolPageList.Partial;
            if (says != kind) return $"{pp}: {ph} with {ph.NMissing} of {pp.ItemsPerPage} items out is on the {kind} list";
            if (ph.NMissing + ph.FreeItems.Count != pp.ItemsPerPage) return $"{pp}: {ph} has {ph.FreeItems.Count} free items and {ph.NMissing} out of {pp.ItemsPerPage}";
            if (DuplicateItem(ph) is { } dup) return $"{pp}: item {dup} is twice on the free list of {ph}";
            if (pp.OffPageHeaders && !InTree(pp.Tree.Root, ph)) return $"{pp}: off-page header of {ph} is not in pr_phtree";
            pages++;
            free += ph.FreeItems.Count;
            missing += ph.NMissing;
        }
        return null;
    }

    private static int? DuplicateItem(PoolPage ph)
    {
        var items = ph.FreeItems;
        for (int i = 0; i < items.Count; i++)
            for (int j = i + 1; j < items.Count; j++)
                if (items[i] == items[j]) return items[i];
        return null;
    }

    /// <summary>BST search for the header itself, without splaying.</summary>
    private static bool InTree(PoolPage? n, PoolPage ph)
    {
        while (n is not null && n != ph) n = ph.Page < n.Page ? TreeLeft(n) : TreeRight(n);
        return n == ph;
    }

    /// <summary>Counts the tree's headers, checking that they are in page order and linked on a list.</summary>
    private static int CountTree(PoolPage? n, int lo, int hi, out string? bad)
    {
        bad = null;
        if (n is null) return 0;
        if (n.Page <= lo || n.Page >= hi) { bad = $"is out of page order at {n}"; return 0; }
        if (n.List == PoolPageList.None) { bad = $"holds {n}, which is on no page list (freed)"; return 0; }
        int l = CountTree(TreeLeft(n), lo, n.Page, out bad);
        if (bad is not null) return 0;
        int r = CountTree(TreeRight(n), n.Page, hi, out bad);
        return l + r + 1;
    }

    private static PoolPage? TreeLeft(PoolPage n) => n.TreeLeft;

    private static PoolPage? TreeRight(PoolPage n) => n.TreeRight;
}
