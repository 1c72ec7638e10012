using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Pool;

namespace Uvm.Properties;

/// <summary>
/// Invariants of the pool allocator (subr_pool.c, 2003-04) over the kernel's pools: each pool's
/// lists, splay tree and counters agree (<see cref="PoolAudit"/>), and an item is held by at most
/// one structure and never while it sits on a free list.
/// </summary>
public static class PoolInvariants
{
    /// <summary>Every pool passes <see cref="PoolAudit"/>.</summary>
    public static readonly Invariant PoolListsTreeAndCountsAgree = new(
        nameof(PoolListsTreeAndCountsAgree),
        "Every pool page is on the list its item count says, the splay tree holds exactly the off-page headers, and pr_nitems, pr_nout and pr_npages match the lists.",
        "pool", k =>
        {
            var pools = k.Pools.All;
            for (int i = 0; i < pools.Count; i++)
                if (PoolAudit.Check(pools[i]) is { } bad) return bad;
            return null;
        })
    {
        Reads = StateDomain.Pool,
    };

    /// <summary>No two live structures share a pool item, and none holds an item on a free list.</summary>
    public static readonly Invariant PoolItemIsHandedOutOnce = new(
        nameof(PoolItemIsHandedOutOnce),
        "A pool item is held by at most one live struct proc, struct lwp, map entry or u-area's kernel_map entry, and never while it is on its page's free list.",
        "pool", k =>
        {
            var procs = k.Procs;
            for (int i = 0; i < procs.Count; i++)
            {
                if (procs[i].PoolItem is not { } item) continue;
                if (IsFree(k.Pools.Proc, item)) return $"pid {procs[i].Pid} holds proc_pool item {item}, which is free";
                for (int j = i + 1; j < procs.Count; j++)
                    if (procs[j].PoolItem == item) return $"pids {procs[i].Pid} and {procs[j].Pid} share proc_pool item {item}";
            }
            var lwps = k.Lwps;
            for (int i = 0; i < lwps.Count; i++)
            {
                if (lwps[i].PoolItem is not { } item) continue;
                if (IsFree(k.Pools.Lwp, item)) return $"{lwps[i]} holds lwp_pool item {item}, which is free";
                for (int j = i + 1; j < lwps.Count; j++)
                    if (lwps[j].PoolItem == item) return $"{lwps[i]} and {lwps[j]} share lwp_pool item {item}";
            }
            return MapEntryHeldOnce(k);
        })
    {
        // The pools' free lists, and who holds which item: not the rest of struct proc, struct lwp
        // or the maps, so a context switch or an LWP's state change does not bring it to judgement.
        Reads = StateDomain.Pool | StateDomain.PoolItems,
    };

    /// <summary>The same for the map entries of every process map and uvm_map_entry_pool.</summary>
    private static string? MapEntryHeldOnce(IKernelView k)
    {
        var vms = k.Vmspaces;
        for (int v = 0; v < vms.Count; v++)
        {
            var entries = vms[v].Map.Entries;
            for (int i = 0; i < entries.Count; i++)
            {
                if (entries[i].PoolItem is not { } item) continue;
                if (IsFree(k.Pools.MapEntry, item)) return $"map entry {entries[i]} holds uvm_map_entry_pool item {item}, which is free";
                for (int w = v; w < vms.Count; w++)
                {
                    var others = vms[w].Map.Entries;
                    for (int j = w == v ? i + 1 : 0; j < others.Count; j++)
                        if (others[j].PoolItem == item) return $"map entries {entries[i]} and {others[j]} share uvm_map_entry_pool item {item}";
                }
            }
        }
        return KernelMapEntryHeldOnce(k);
    }

    /// <summary>The same for the u-areas' kernel_map entries and uvm_map_entry_kmem_pool.</summary>
    private static string? KernelMapEntryHeldOnce(IKernelView k)
    {
        var uareas = k.Uareas.All;
        for (int i = 0; i < uareas.Count; i++)
        {
            if (uareas[i].MapEntryItem is not { } item) continue;
            if (IsFree(k.Pools.KernelMapEntry, item)) return $"the kernel_map entry of {uareas[i]} holds uvm_map_entry_kmem_pool item {item}, which is free";
            for (int j = i + 1; j < uareas.Count; j++)
                if (uareas[j].MapEntryItem == item) return $"{uareas[i]} and {uareas[j]} share uvm_map_entry_kmem_pool item {item}";
        }
        return null;
    }

    /// <summary>Every pool invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [PoolListsTreeAndCountsAgree, PoolItemIsHandedOutOnce];

    /// <summary>True when <paramref name="item"/> is on a free list of <paramref name="pp"/> (searched without splaying).</summary>
    private static bool IsFree(Pool pp, int item)
    {
        int page = Pool.PageOf(item);
        return OnFreeList(pp.EmptyPages, page, item) || OnFreeList(pp.PartialPages, page, item);
    }

    private static bool OnFreeList(IReadOnlyList<PoolPage> pages, int page, int item)
    {
        for (int i = 0; i < pages.Count; i++)
        {
            if (pages[i].Page != page) continue;
            var free = pages[i].FreeItems;
            for (int j = 0; j < free.Count; j++)
                if (free[j] == item) return true;
        }
        return false;
    }
}
