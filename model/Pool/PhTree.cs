namespace Uvm.Model.Pool;

/// <summary>
/// pr_phtree: the splay tree of a pool's off-page headers, keyed by ph_page (SPLAY_PROTOTYPE
/// phtree of subr_pool.c, 2003-04, with sys/tree.h's top-down splay). It replaced the 8-bucket
/// hash of page headers: pr_find_pagehead() of an item's page is SPLAY_FIND. phtree_compare()
/// orders by page address (the kernel's reversed order only matters to later PR_NOALIGN lookups).
/// </summary>
public sealed class PhTree
{
    /// <summary>SPLAY_ROOT.</summary>
    public PoolPage? Root { get; private set; }

    /// <summary>SPLAY_INSERT: links <paramref name="ph"/>; false if a header for its page is already there.</summary>
    internal bool Insert(PoolPage ph)
    {
        ph.Left = ph.Right = null;
        if (Root is null)
        {
            Root = ph;
            return true;
        }
        Splay(ph.Page);
        if (Root.Page == ph.Page) return false;
        if (ph.Page < Root.Page)
        {
            ph.Left = Root.Left;
            ph.Right = Root;
            Root.Left = null;
        }
        else
        {
            ph.Right = Root.Right;
            ph.Left = Root;
            Root.Right = null;
        }
        Root = ph;
        return true;
    }

    /// <summary>SPLAY_REMOVE: unlinks <paramref name="ph"/> if it is in the tree.</summary>
    internal void Remove(PoolPage ph)
    {
        if (Root is null) return;
        Splay(ph.Page);
        if (Root != ph) return;
        if (Root.Left is null)
            Root = Root.Right;
        else
        {
            var right = Root.Right;
            Root = Root.Left;
            Splay(ph.Page);
            Root.Right = right;
        }
        ph.Left = ph.Right = null;
    }

    /// <summary>SPLAY_FIND: the header of page <paramref name="page"/>, or null.</summary>
    internal PoolPage? Find(int page)
    {
        if (Root is null) return null;
        Splay(page);
        return Root.Page == page ? Root : null;
    }

    /// <summary>SPLAY_FOREACH: the headers in key order (no splaying, so invariants may call it).</summary>
    public IEnumerable<PoolPage> InOrder()
    {
        var stack = new Stack<PoolPage>();
        for (var n = Root; n is not null || stack.Count > 0;)
        {
            for (; n is not null; n = n.Left) stack.Push(n);
            var top = stack.Pop();
            yield return top;
            n = top.Right;
        }
    }

    /// <summary>
    /// SPLAY(head, elm): the top-down splay of sys/tree.h, bringing the node with key
    /// <paramref name="page"/> (or the last node on its search path) to the root.
    /// </summary>
    private void Splay(int page)
    {
        var header = new PoolPage(int.MinValue);
        PoolPage left = header, right = header, t = Root!;
        while (true)
        {
            if (page < t.Page)
            {
                if (t.Left is null) break;
                if (page < t.Left.Page)
                {
                    var y = t.Left; t.Left = y.Right; y.Right = t; t = y; // SPLAY_ROTATE_RIGHT
                    if (t.Left is null) break;
                }
                right.Left = t; right = t; t = t.Left!; // SPLAY_LINKLEFT
            }
            else if (page > t.Page)
            {
                if (t.Right is null) break;
                if (page > t.Right.Page)
                {
                    var y = t.Right; t.Right = y.Left; y.Left = t; t = y; // SPLAY_ROTATE_LEFT
                    if (t.Right is null) break;
                }
                left.Right = t; left = t; t = t.Right!; // SPLAY_LINKRIGHT
            }
            else break;
        }
        left.Right = t.Left; right.Left = t.Right; // SPLAY_ASSEMBLE
        t.Left = header.Right; t.Right = header.Left;
        Root = t;
    }
}
