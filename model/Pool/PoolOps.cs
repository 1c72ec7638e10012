using Uvm.Model.Core;

namespace Uvm.Model.Pool;

/// <summary>
/// pool_get(), pool_put() and pool_drain() of subr_pool.c (2003-04) as step sequences. pr_slock
/// is a simple lock taken and dropped inside one step, so each locked section is one step; the
/// steps are cut where the kernel drops it: before pool_allocator_alloc() and before
/// pr_pagelist_free(). A PR_WAITOK allocation short of memory sleeps in uvm_wait("plpg") inside
/// uvm_km_alloc_poolpage() (woken by the pagedaemon) and retries the page; a PR_NOWAIT one
/// relocks, takes an item another thread freed meanwhile if there is one, else fails. Left out:
/// pool_catchup and the low-water mark, the drain hooks, pool caches.
/// </summary>
public static class PoolOps
{
    /// <summary>pool_get(pp, PR_WAITOK or PR_NOWAIT): <paramref name="got"/> receives the item, or null (PR_NOWAIT only).</summary>
    public static IEnumerable<Step> Get(Kernel k, Func<KernelThread> self, Pool pp, bool waitOk, Action<int?> got)
    {
        // startover: pr_slock held; take from pr_curpage, or drop the lock for the page allocator.
        var me = self();
        // LOCKDEBUG: if (flags & PR_WAITOK) simple_lock_only_held(NULL, "pool_get(PR_WAITOK)"). That
        // walks the simplelocks only; a spinlockmgr lock (proclist_lock) is caught by DIAGNOSTIC's
        // spinlock_switchcheck() only if pool_get() then sleeps. The model checks both here: a call
        // that may sleep is treated as a sleep (stricter than LOCKDEBUG for spinlockmgr locks).
        if (waitOk) me.AssertMaySleep("calls pool_get(PR_WAITOK)");
        pp.Lock.Acquire(me);
        var item = pp.TakeItem(k.Config.Has(Switches.PoolGetLeavesItemListed));
        pp.Lock.Release(k, me);
        if (item is not null)
        {
            got(item);
            yield return Step.Ran(pp.Labels.Get);
            yield break;
        }
        yield return Step.Ran(pp.Labels.GetNoPage);

        while (true)
        {
            // uvm_km_alloc_poolpage(): a page, or uvm_wait("plpg") and again (PR_WAITOK).
            var page = k.Pools.AllocPage(k, pp);
            if (page is null && waitOk)
            {
                yield return Pageout.Wait(k, "plpg");
                continue;
            }
            me = self();
            pp.Lock.Acquire(me);
            if (page is { } pg) pp.PrimePage(pg);
            item = pp.TakeItem(k.Config.Has(Switches.PoolGetLeavesItemListed)); // goto startover; with no page, an item freed meanwhile or ENOMEM
            pp.Lock.Release(k, me);
            got(item);
            yield return Step.Ran(page is null ? $"pool_get({pp.Name}): PR_NOWAIT, {(item is null ? "fail" : "freed item")}" : pp.Labels.PrimePage);
            yield break;
        }
    }

    /// <summary>pool_put(pp, item): pool_do_put() under pr_slock, then pr_pagelist_free() of a page it released.</summary>
    public static IEnumerable<Step> Put(Kernel k, Func<KernelThread> self, Pool pp, int item)
    {
        var me = self();
        pp.Lock.Acquire(me);
        var freed = pp.PutItem(item);
        pp.Lock.Release(k, me);
        bool lateMove = k.Config.Has(Switches.PoolPutMovesPageUnlocked);
        if (freed is null && !lateMove)
        {
            yield return Step.Ran(pp.Labels.Put);
            yield break;
        }
        yield return Step.Ran(pp.Labels.Put);
        pp.AfterPutUnlocked(item);
        if (freed is not null) k.Pools.FreePage(k, pp, freed.Page);
        yield return Step.Ran(freed is null ? $"pool_put({pp.Name}): list move after unlock" : pp.Labels.PageListFree);
    }

    /// <summary>
    /// pool_drain(0): pool_head_slock { drainpp = the next pool }; pool_reclaim(pp):
    /// simple_lock_try(pr_slock) { pr_rmpage() every idle empty page }; then pr_pagelist_free()
    /// after the unlock.
    /// </summary>
    public static IEnumerable<Step> Drain(Kernel k, Func<KernelThread> self)
    {
        var pools = k.Pools;
        var pp = pools.All[pools.DrainNext];
        pools.DrainNext = (pools.DrainNext + 1) % pools.All.Count;
        var me = self();
        if (!pp.Lock.TryAcquire(me))
        {
            yield return Step.Ran(pp.Labels.ReclaimBusy);
            yield break;
        }
        var pq = pp.ReclaimEmptyPages();
        pp.Lock.Release(k, me);
        yield return Step.Ran(pp.Labels.Reclaim);
        if (pq.Count == 0) yield break;
        // pool-pagelist-free-skips-head: the walk starts one past the list's first header.
        for (int i = k.Config.Has(Switches.PoolPagelistFreeSkipsHead) ? 1 : 0; i < pq.Count; i++) k.Pools.FreePage(k, pp, pq[i].Page);
        yield return Step.Ran(pp.Labels.PageListFree);
    }
}

/// <summary>The labels of the steps <see cref="PoolOps"/> takes on one pool (those of its rare branches are built when taken).</summary>
internal sealed class PoolStepLabels(string name)
{
    public string Get { get; } = $"pool_get({name})";
    public string GetNoPage { get; } = $"pool_get({name}): no page, pool_allocator_alloc";
    public string PrimePage { get; } = $"pool_prime_page({name})";
    public string Put { get; } = $"pool_put({name})";
    public string PageListFree { get; } = $"pr_pagelist_free({name})";
    public string Reclaim { get; } = $"pool_reclaim({name})";
    public string ReclaimBusy { get; } = $"pool_reclaim({name}): busy";
}
