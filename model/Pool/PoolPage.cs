namespace Uvm.Model.Pool;

/// <summary>Which of a pool's three page lists a page header is linked on (none once pr_rmpage() took it off).</summary>
public enum PoolPageList
{
    /// <summary>On no list: being freed, or never primed.</summary>
    None,

    /// <summary>pr_emptypages: every item of the page is free (ph_nmissing == 0).</summary>
    Empty,

    /// <summary>pr_partpages: some items are out, some free.</summary>
    Partial,

    /// <summary>pr_fullpages: every item is out (ph_nmissing == pr_itemsperpage).</summary>
    Full,
}

/// <summary>
/// struct pool_item_header (subr_pool.c, 2003-04): one page of a pool, with ph_page (its address,
/// a page number here), ph_nmissing (items handed out) and ph_itemlist (the free items, most
/// recently freed first). <see cref="List"/> says which LIST_ENTRY ph_pagelist is linked on; the
/// splay links (SPLAY_ENTRY ph_node) are used only when the header lives off the page.
/// </summary>
public sealed class PoolPage(int page)
{
    /// <summary>ph_itemlist: the free items, head first (LIST_INSERT_HEAD, LIST_FIRST).</summary>
    private readonly List<int> _free = [];

    /// <summary>ph_page: the page's address.</summary>
    public int Page { get; } = page;

    /// <summary>ph_nmissing: how many of the page's items are out.</summary>
    public int NMissing { get; internal set; }

    /// <summary>The list ph_pagelist is on.</summary>
    public PoolPageList List { get; internal set; }

    /// <summary>ph_itemlist, head first.</summary>
    public IReadOnlyList<int> FreeItems => _free;

    /// <summary>SPLAY_LEFT(ph, ph_node).</summary>
    internal PoolPage? Left { get; set; }

    /// <summary>SPLAY_RIGHT(ph, ph_node).</summary>
    internal PoolPage? Right { get; set; }

    /// <summary>SPLAY_LEFT, read-only for invariants.</summary>
    public PoolPage? TreeLeft => Left;

    /// <summary>SPLAY_RIGHT, read-only for invariants.</summary>
    public PoolPage? TreeRight => Right;

    /// <summary>LIST_INSERT_HEAD(&amp;ph->ph_itemlist, pi, pi_list).</summary>
    internal void PushFree(int item) => _free.Insert(0, item);

    /// <summary>LIST_FIRST(&amp;ph->ph_itemlist) and LIST_REMOVE it.</summary>
    internal int PopFree()
    {
        int item = _free[0];
        _free.RemoveAt(0);
        return item;
    }

    /// <inheritdoc/>
    public override string ToString() => $"page {Page} ({NMissing} out, {List})";
}
