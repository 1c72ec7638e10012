using Uvm.Model.Core;

namespace Uvm.Model.Pool;

/// <summary>
/// struct pool and its locked sections (sys/pool.h and subr_pool.c, NetBSD 2003-04): each page
/// is on one of three lists, pr_emptypages, pr_partpages or pr_fullpages, by how many of its items
/// are out; pr_curpage is the page pool_get() takes from (a partial page if any, else an empty
/// one); pages whose item size is at least a sixteenth of a page keep their header off the page,
/// in the splay tree <see cref="PhTree"/>, the others at the end of the page itself (PR_PHINPAGE).
/// Every method here runs with pr_slock held; <see cref="PoolOps"/> takes and drops it and cuts
/// the steps. Structure follows subr_pool.c 1.128.2.1 (2007-03, the oldest stored revision with the
/// three lists, the splay tree and the simple_lock pr_slock of 2003-04). Left out:
/// pool caches, colouring, low/high water marks other than pr_maxpages, PR_NOTOUCH, the hard
/// limit and with it PR_WANTED, ph_time (every empty page counts as idle to pool_reclaim(): the
/// model has no clock). PR_WANTED is only set when the hard limit is reached: a PR_WAITOK
/// allocation short of pages sleeps in uvm_wait("plpg") inside the page allocator instead. (Of
/// note: pool_do_put() of the time returns early after waking a PR_WANTED sleeper, skipping the
/// list moves, so a page can stay on a list its count no longer matches; later revisions drop
/// that return.)
/// </summary>
public sealed class Pool
{
    /// <summary>Item addresses: page <c>p</c> holds items <c>p * ItemSpan</c> up.</summary>
    public const int ItemSpan = 64;

    private readonly List<PoolPage> _empty = [], _partial = [], _full = [];

    /// <summary>The pages whose header sits inside the page (PR_PHINPAGE): found by address arithmetic.</summary>
    private readonly Dictionary<int, PoolPage> _inPage = [];

    /// <summary>The configuration, for the pool mutations.</summary>
    private readonly KernelConfig _config;

    /// <summary>pool_init(pp, size, ...): <paramref name="itemsPerPage"/> items a page; off-page headers when items are large.</summary>
    public Pool(string name, int itemsPerPage, bool offPageHeaders, KernelConfig? config = null, WriteVersions? versions = null, Discipline? discipline = null)
    {
        _versions = versions;
        _d = discipline;
        if (itemsPerPage is < 1 or > ItemSpan) throw new ArgumentOutOfRangeException(nameof(itemsPerPage));
        Name = name;
        ItemsPerPage = itemsPerPage;
        OffPageHeaders = offPageHeaders;
        _config = config ?? KernelConfig.Fixed;
        Lock = new SimpleLock($"pr_slock({name})", LockKind.Simple, "pr_slock");
        PageHolder = new Vm.PageHolder($"pool {name}", "uvm_km_alloc_poolpage");
    }

    /// <summary>pr_wchan: the pool's name ("procpl", "vmmpepl").</summary>
    public string Name { get; }

    /// <summary>pr_itemsperpage.</summary>
    public int ItemsPerPage { get; }

    /// <summary>!(pr_roflags &amp; PR_PHINPAGE): page headers live in <see cref="Tree"/>.</summary>
    public bool OffPageHeaders { get; }

    /// <summary>The pool as the holder of the physical pages its pool pages sit on (model/Vm/PageHolder.cs).</summary>
    public Vm.PageHolder PageHolder { get; }

    /// <summary>pr_slock.</summary>
    public SimpleLock Lock { get; }

    /// <summary>
    /// The labels of <see cref="PoolOps"/>' steps on this pool, built at its first step rather than
    /// at every step (and not at boot: most scenarios run no pool step).
    /// </summary>
    internal PoolStepLabels Labels => _labels ??= new(Name);

    /// <summary>Backs <see cref="Labels"/>.</summary>
    [NotState("labels derived from the name")]
    private PoolStepLabels? _labels;

    /// <summary>pr_phtree.</summary>
    public PhTree Tree { get; } = new();

    /// <summary>pr_emptypages, head first.</summary>
    public IReadOnlyList<PoolPage> EmptyPages => _empty;

    /// <summary>pr_partpages, head first.</summary>
    public IReadOnlyList<PoolPage> PartialPages => _partial;

    /// <summary>pr_fullpages, head first.</summary>
    public IReadOnlyList<PoolPage> FullPages => _full;

    /// <summary>pr_curpage.</summary>
    public PoolPage? CurPage { get; private set; }

    /// <summary>pr_nitems: free items over all pages.</summary>
    public int NItems { get; private set; }

    /// <summary>pr_nout: items handed out.</summary>
    public int NOut { get; private set; }

    /// <summary>pr_npages.</summary>
    public int NPages { get; private set; }

    /// <summary>pr_maxpages: pool_put() frees an emptied page at once above this many pages.</summary>
    public int MaxPages { get; init; } = int.MaxValue;

    /// <summary>The page an item belongs to.</summary>
    public static int PageOf(int item) => item / ItemSpan;

    /// <summary>pool_get()'s locked section with pr_curpage set: take the head item of pr_curpage and move the page on.</summary>
    internal int? TakeItem(bool leaveListed = false)
    {
        V();
        var ph = CurPage;
        if (ph is null) return null;
        if (ph.FreeItems.Count == 0) throw new KernelPanicException("pool_get", $"{Name}: page empty");
        int item = leaveListed ? ph.FreeItems[0] : ph.PopFree(); // leaveListed: the mutation Switches.PoolGetLeavesItemListed
        NItems--;
        if (!_config.Has(Switches.PoolGetSkipsNout)) NOut++; // pool-get-skips-nout
        if (ph.NMissing == 0) Move(ph, PoolPageList.Partial); // previously empty: now partially full
        ph.NMissing++;
        if (ph.NMissing == ItemsPerPage)
        {
            Move(ph, PoolPageList.Full);
            UpdateCurPage();
        }
        return item;
    }

    /// <summary>pool_prime_page(): a fresh page from the allocator goes on pr_emptypages (and into the tree).</summary>
    internal PoolPage PrimePage(int page)
    {
        V();
        var ph = new PoolPage(page);
        Link(ph, PoolPageList.Empty);
        if (OffPageHeaders)
        {
            if (!Tree.Insert(ph)) throw new KernelPanicException("pool_prime_page", $"{Name}: page {page} already in pr_phtree");
        }
        else _inPage.Add(page, ph);
        for (int i = ItemsPerPage - 1; i >= 0; i--) ph.PushFree(page * ItemSpan + i);
        NItems += ItemsPerPage;
        CurPage ??= ph;
        NPages++;
        return ph;
    }

    /// <summary>
    /// pool_do_put(): return <paramref name="item"/> to its page and move the page to the list
    /// its new count says. Returns the page pr_rmpage() took off (to free after the unlock), or
    /// null. With <see cref="Switches.PoolPutSkipsListMove"/> the move from pr_fullpages to
    /// pr_partpages is skipped; with <see cref="Switches.PoolPutMovesPageUnlocked"/> every move is
    /// left to <see cref="AfterPutUnlocked"/>, which the caller runs after the unlock.
    /// </summary>
    internal PoolPage? PutItem(int item)
    {
        V();
        if (NOut == 0) throw new KernelPanicException("pool_put", $"pool {Name}: putting with none out");
        var ph = FindPageHead(item) ?? throw new KernelPanicException("pool_put", $"{Name}: page header missing");
        if (ph.FreeItems.Contains(item)) throw new KernelPanicException("pool_put", $"{Name}: item {item} freed twice");
        ph.PushFree(item);
        ph.NMissing--;
        NItems++;
        NOut--;
        CurPage ??= ph; // cancel the "pool empty" condition
        if (_config.Has(Switches.PoolPutMovesPageUnlocked)) return null;
        if (ph.NMissing == 0)
        {
            if (NPages > MaxPages)
            {
                RmPage(ph);
                return ph;
            }
            Move(ph, PoolPageList.Empty);
            UpdateCurPage();
        }
        else if (ph.NMissing == ItemsPerPage - 1 && !_config.Has(Switches.PoolPutSkipsListMove))
        {
            Move(ph, PoolPageList.Partial);
            CurPage = ph;
        }
        return null;
    }

    /// <summary>
    /// After pool_put() dropped pr_slock: nothing in the kernel; with
    /// <see cref="Switches.PoolPutMovesPageUnlocked"/>, the list move pool_do_put() skipped.
    /// </summary>
    internal void AfterPutUnlocked(int item)
    {
        if (!_config.Has(Switches.PoolPutMovesPageUnlocked) || FindPageHead(item) is not { List: not PoolPageList.None } ph) return;
        V();
        Move(ph, ph.NMissing == 0 ? PoolPageList.Empty : ph.NMissing == ItemsPerPage ? PoolPageList.Full : PoolPageList.Partial);
        UpdateCurPage();
    }

    /// <summary>pool_reclaim()'s walk of pr_emptypages: take every idle page off (pr_rmpage) and return them to free.</summary>
    internal List<PoolPage> ReclaimEmptyPages()
    {
        V();
        var pq = new List<PoolPage>();
        while (_empty.Count > 0)
        {
            var ph = _empty[0];
            if (ph.NMissing != 0) throw new KernelPanicException("pool_reclaim", $"{Name}: {ph} on pr_emptypages");
            RmPage(ph);
            pq.Add(ph);
        }
        return pq;
    }

    /// <summary>pr_find_pagehead(): SPLAY_FIND for off-page headers, else the header at the page's end.</summary>
    internal PoolPage? FindPageHead(int item)
    {
        V(); // pr_phtree lookups splay the tree
        return OffPageHeaders ? Tree.Find(PageOf(item)) : _inPage.GetValueOrDefault(PageOf(item));
    }

    /// <summary>pr_rmpage(): unlink the page from its list and the tree; it is freed after the unlock.</summary>
    private void RmPage(PoolPage ph)
    {
        NItems -= ItemsPerPage;
        Unlink(ph);
        if (OffPageHeaders)
        {
            if (!_config.Has(Switches.PoolRmpageSkipsSplayRemove)) Tree.Remove(ph);
        }
        else _inPage.Remove(ph.Page);
        NPages--;
        if (!_config.Has(Switches.RmpageSkipsCurpage)) UpdateCurPage(); // rmpage-skips-curpage
    }

    /// <summary>pool_update_curpage(): the head of pr_partpages, else of pr_emptypages.</summary>
    private void UpdateCurPage() => CurPage = _partial.Count > 0 ? _partial[0] : _empty.Count > 0 ? _empty[0] : null;

    /// <summary>LIST_REMOVE from its list, LIST_INSERT_HEAD on <paramref name="to"/>.</summary>
    private void Move(PoolPage ph, PoolPageList to)
    {
        Unlink(ph);
        Link(ph, to);
    }

    private void Link(PoolPage ph, PoolPageList to)
    {
        ListOf(to).Insert(0, ph);
        ph.List = to;
    }

    private void Unlink(PoolPage ph)
    {
        if (ph.List != PoolPageList.None) ListOf(ph.List).Remove(ph);
        ph.List = PoolPageList.None;
    }

    private List<PoolPage> ListOf(PoolPageList l) => l switch
    {
        PoolPageList.Empty => _empty,
        PoolPageList.Partial => _partial,
        PoolPageList.Full => _full,
        _ => throw new ArgumentOutOfRangeException(nameof(l)),
    };


    /// <summary>The write versions of the kernel (<see cref="StateDomain.Pool"/>); null for a pool built alone in a test.</summary>
    private readonly WriteVersions? _versions;

    /// <summary>The detectors of the pool's kernel; null for a pool built alone in a test.</summary>
    private readonly Discipline? _d;

    /// <summary>
    /// A write to the pool: every internal method, which alone change the pool, its page headers
    /// and its splay tree, calls it first. The running step must hold pr_slock, under which
    /// subr_pool.c keeps the page lists, pr_curpage, the counts and pr_phtree (the 2005 fix
    /// subr_pool.c 1.101: "don't modify fields protected by the pool lock without actually holding
    /// it"). pool_put() runs from interrupt context too, so the big lock does not stand in for it.
    /// A check only: no step reads these fields without the lock.
    /// </summary>
    private void V()
    {
        _versions?.Bump(StateDomain.Pool);
        _d?.WriteAlsoUnder(Lock, this, "pool lists and counts");
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
