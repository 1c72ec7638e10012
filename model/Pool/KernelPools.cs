using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Pool;

/// <summary>
/// The pools the modelled paths of 2003-04 allocate from:
/// proc_pool "procpl" and lwp_pool "lwppl" of kern_proc.c (fork1() and newlwp() take from them,
/// proc_free() returns to them), uvm_map_entry_pool "vmmpepl" of uvm_map.c (uvm_mapent_alloc for a
/// process map) and uvm_map_entry_kmem_pool "vmmpekpl" (uvm_mapent_alloc for kernel_map: the
/// entry uvm_km_alloc() takes for a u-area, model/Exit/KernelMem.cs).
/// struct proc and struct lwp are larger than a sixteenth of a page, so their headers live off the
/// page, in the splay tree; map entries are small and keep theirs in the page. There is no u-area
/// pool in this era: u-areas come from uvm_km_alloc() and, after the 2004 exit rework, a cached
/// free list (<see cref="Exit.UareaCache"/>); the pool_cache of u-areas came later. Items per page
/// are scaled down (a 4 KB page holds 7 procs of the time) so that pages fill and empty in small
/// workloads. Pool pages are whole physical pages from uvm_km_alloc_poolpage() (uvm_km.c
/// uvm_km_alloc_poolpage1(), the PMAP_MAP_POOLPAGE variant: uvm_pagealloc(NULL, 0, NULL), so the
/// page has no owner, is not wired and stays PG_BUSY from the allocation), returned by
/// uvm_km_free_poolpage1()'s uvm_pagefree(). The pool declares itself the page's holder
/// (model/Vm/PageHolder.cs). <see cref="Enabled"/> is off unless the workload asks for pools.
/// </summary>
public sealed class KernelPools
{
    /// <summary>The physical page behind each pool page, by ph_page.</summary>
    private readonly Dictionary<int, Page> _pages = [];

    /// <summary>
    /// Creates the pools; <paramref name="config"/> says which pool mutations are on, and
    /// <paramref name="discipline"/>, when given, checks that each write to a pool holds its pr_slock.
    /// </summary>
    public KernelPools(KernelConfig config, WriteVersions? versions = null, Discipline? discipline = null)
    {
        Proc = new Pool("procpl", itemsPerPage: 2, offPageHeaders: true, config, versions, discipline);
        Lwp = new Pool("lwppl", itemsPerPage: 2, offPageHeaders: true, config, versions, discipline);
        MapEntry = new Pool("vmmpepl", itemsPerPage: 4, offPageHeaders: false, config, versions, discipline);
        KernelMapEntry = new Pool("vmmpekpl", itemsPerPage: 4, offPageHeaders: false, config, versions, discipline);
        // pool_init() appends to pool_head: main() calls uvm_init() (uvm_map_init(): vmmpepl, then
        // vmmpekpl) before procinit() (procpl, lwppl) (init_main.c of the time). Until session 21
        // the model listed procpl and lwppl first.
        All = [MapEntry, KernelMapEntry, Proc, Lwp];
    }

    /// <summary>Whether fork, exit and the pagedaemon use the pools (a workload setting).</summary>
    public bool Enabled { get; internal set; }

    /// <summary>proc_pool.</summary>
    public Pool Proc { get; }

    /// <summary>lwp_pool.</summary>
    public Pool Lwp { get; }

    /// <summary>uvm_map_entry_pool.</summary>
    public Pool MapEntry { get; }

    /// <summary>uvm_map_entry_kmem_pool: kernel_map's entries (uvm_mapent_alloc's <c>map == kernel_map</c> branch).</summary>
    public Pool KernelMapEntry { get; }

    /// <summary>pool_head: every pool, in pool_init() order (pool_drain()'s round robin).</summary>
    public IReadOnlyList<Pool> All { get; }

    /// <summary>drainpp: the index of the next pool pool_drain() reclaims (round robin over pool_head).</summary>
    public int DrainNext { get; internal set; }

    /// <summary>
    /// uvm_km_alloc_poolpage() for <paramref name="pool"/>: a page as uvm_pagealloc() returns it
    /// (busy, no owner, on no queue), held by the pool; null when memory is short.
    /// </summary>
    internal int? AllocPage(Kernel k, Pool pool)
    {
        // uvm_km_alloc_poolpage1() allocates with the reserve: UVM_PGA_USERESERVE in the
        // PMAP_MAP_POOLPAGE variant (docs/fidelity.md), kmem_object (a kernel object) in the other.
        if (PageQueues.Alloc(k, useReserve: true) is not { } p) return null;
        // pool-page-undeclared: the page is taken but nobody declares it held.
        if (!k.Config.Has(Switches.PoolPageUndeclared)) p.Hold(pool.PageHolder);
        _pages.Add(p.Number, p);
        return p.Number;
    }

    /// <summary>uvm_km_free_poolpage(): <paramref name="pool"/> lets the page go and uvm_pagefree() puts it on the free list.</summary>
    internal void FreePage(Kernel k, Pool pool, int page)
    {
        var p = _pages[page];
        _pages.Remove(page);
        if (!k.Config.Has(Switches.PoolPageUndeclared)) p.Release(pool.PageHolder);
        PageQueues.Free(k, p);
    }
}
