namespace Uvm.Model;

/// <summary>The switches of the pool allocator (model/Pool, subr_pool.c) and of the map-entry tree (model/Maps/MapTree.cs).</summary>
public static partial class Switches
{
    /// <summary>pool_do_put(): a page that was full stays on pr_fullpages when an item comes back.</summary>
    public static readonly KernelSwitch PoolPutSkipsListMove = Mutation("pool-put-skips-list-move", "pool_do_put", "pool-drain",
        "pool_do_put() leaves a page that was full on pr_fullpages when an item comes back, so pool_get never finds its free item (a list move skipped)")
        with { Kills = ["PoolListsTreeAndCountsAgree"], Budget = 50 };

    /// <summary>pool_do_put(): the page's list move runs after pr_slock is dropped.</summary>
    public static readonly KernelSwitch PoolPutMovesPageUnlocked = Mutation("pool-put-moves-page-unlocked", "pool_do_put", "pool-drain",
        "pool_do_put() moves the page to the list its new count says after pr_slock is dropped, so another CPU sees it on the wrong list (a list move without the lock)");

    /// <summary>pool_get(): the head item is handed out but left on its page's free list.</summary>
    public static readonly KernelSwitch PoolGetLeavesItemListed = Mutation("pool-get-leaves-item-listed", "pool_get", "pool-drain",
        "pool_get() hands out the head item of pr_curpage but skips its LIST_REMOVE, so the next pool_get() hands it out again (a list removal skipped)")
        with { Kills = ["PoolListsTreeAndCountsAgree"], Budget = 50 };

    /// <summary>fork1(): the struct proc and struct lwp are allocated inside proclist_lock_write().</summary>
    public static readonly KernelSwitch ForkAllocatesUnderProclist = Mutation("fork-allocates-under-proclist", "fork1", "pool-drain",
        "fork1() takes proclist_lock_write() before pool_get(&proc_pool, PR_WAITOK) and newlwp()'s pool_get(&lwp_pool, PR_WAITOK) instead of after (an allocation that may sleep under a spin lock)")
        with { Kills = ["SleepWithSpinLock"], Budget = 50 };

    /// <summary>proc_free(): the struct proc goes back to proc_pool while the zombie still names it.</summary>
    public static readonly KernelSwitch ProcFreeKeepsProc = Mutation("proc-free-keeps-proc", "proc_free", "pool-drain",
        "proc_free() does pool_put(&proc_pool, p) but the collected process still refers to its struct proc, which the next fork1() gets again (a pointer kept past the free)")
        with { Kills = ["PoolItemIsHandedOutOnce"], Budget = 50 };

    /// <summary>pr_rmpage(): a freed page's header stays in pr_phtree.</summary>
    public static readonly KernelSwitch PoolRmpageSkipsSplayRemove = Mutation("pool-rmpage-skips-splay-remove", "pr_rmpage", "pool-swapout",
        "pr_rmpage() takes a page off its list to free it but leaves its header in pr_phtree (SPLAY_REMOVE skipped)")
        with { Budget = 20 }; // pool-swapout, where memory is short enough that pool pages are drained and waited for: schedules 1, 5, 4 on seeds 0, 1000003, 2000006. Its home was pool-drain, where a freeing pool_drain() is rare under the big lock: seed 0 needed 3292 (issue 18), 11515 once exit1()'s fdfree() may block (session 19), and 89848 once its pool_get() of the rusage may block too (session 28; 26695 and 114858 on seeds 1000003 and 2000006)

    /// <summary>
    /// uvm_km_alloc_poolpage(): the pool takes a page off the free list without declaring itself its
    /// holder, the way a new path would that holds a page for its own use. Killed by
    /// UnownedPageIsFreeWiredOrOnLoan, which counts declared holders (model/Vm/PageHolder.cs).
    /// </summary>
    public static readonly KernelSwitch PoolPageUndeclared = Mutation("pool-page-undeclared", "uvm_km_alloc_poolpage", "pool-drain",
        "uvm_km_alloc_poolpage() takes a page for the pool without declaring the pool its holder (a page taken by a path that does not declare itself its holder)");

    /// <summary>uvm_rb_remove(): the entry below a removed one is not fixed up.</summary>
    public static readonly KernelSwitch MapTreeRemoveSkipsFixup = Mutation("map-tree-remove-skips-fixup", "uvm_rb_remove", "exec-topdown",
        "uvm_rb_remove() skips uvm_rb_fixup(entry->prev), so ownspace and space stay stale after an unmap (an augmentation not updated)")
        with { Kills = ["MapTreeMatchesEntryList"], Budget = 100 };

    /// <summary>
    /// Open question, not a known bug: the top-down walk of the entries' red-black tree (uvm_map.c,
    /// tree since November 2003) never reaches the gap between vm_map_min and the lowest entry, as
    /// the tree holds entries and not the header. On runs the tree walk as the stored 2007 text has
    /// it; off (the default) lets a failed top-down walk still try that gap, as the list walk did.
    /// The November 2003 code is not stored, so which one 2004 ran is not established. Read in
    /// <see cref="Maps.MapTreeFindspace"/>.
    /// </summary>
    public static readonly KernelSwitch TopdownTreeMissesLowestGap = new("topdown-tree-misses-lowest-gap", SwitchKind.Mutation, "uvm_map_findspace", "exec-topdown")
    {
        Origin = "open question (the 2007 tree walk)",
        Title = "the top-down tree walk never tries the gap below the lowest entry",
        Description = "With the header outside the tree, a top-down uvm_map_findspace that walks the tree fails although the gap between vm_map_min and the lowest entry fits; exec then fails with room in the map.",
    };

    /// <summary>
    /// From the session-22 mutation hunt: pr_rmpage() takes a page off but leaves pr_curpage pointing
    /// at it (a list entry left after free). Caught by PoolListsTreeAndCountsAgree.
    /// </summary>
    public static readonly KernelSwitch RmpageSkipsCurpage = Mutation("rmpage-skips-curpage", "pr_rmpage", "pool-drain",
        "pr_rmpage() takes a page off but leaves pr_curpage pointing at it (a list entry left after free)");

    /// <summary>
    /// From the session-22 mutation hunt: pool_get() hands out an item without pr_nout++ (a counter not
    /// incremented). Caught by PoolListsTreeAndCountsAgree.
    /// </summary>
    public static readonly KernelSwitch PoolGetSkipsNout = Mutation("pool-get-skips-nout", "pool_get", "pool-drain",
        "pool_get() hands out an item without pr_nout++ (a counter not incremented)");

    /// <summary>
    /// From session 35's mutation hunt (plant 6): pool_reclaim()'s pr_pagelist_free() walk starts one
    /// past the list's first header, so one reclaimed page is never given back (a leak on one branch).
    /// Reached thousands of times in pool-drain and pool-swapout and judged by nothing, since the page
    /// is declared held by the pool; caught by PoolHoldsOnlyItsHeadersPages (designated).
    /// </summary>
    public static readonly KernelSwitch PoolPagelistFreeSkipsHead = Mutation("pool-pagelist-free-skips-head", "pr_pagelist_free", "pool-drain",
        "pr_pagelist_free() starts one past the first reclaimed header, so its page is never given back (a leak)")
        with { Kills = ["PoolHoldsOnlyItsHeadersPages"], Budget = 20 };
}
