using Uvm.Model.Core;
using Uvm.Model.Pool;

namespace Uvm.Model.Maps;

/// <summary>
/// uvm_map() and uvm_unmap() of sys/uvm/uvm_map.c (NetBSD 1.6/2.0) as step sequences over a
/// process map. Lock: vm_map_lock, sleepable; a thread that finds it held sleeps on its channel
/// and vm_map_unlock() wakes every sleeper, which then retries. uvm_map() holds it from
/// uvm_map_findspace() to uvm_map_entry_link(), across uvm_mapent_alloc(), which may sleep in
/// pool_get(PR_WAITOK) (the kernel allocates first only for pager_map, "to avoid sleeping for
/// memory while we have the map locked"); that sleep is the one step boundary inside the lock.
/// With the pools on (<see cref="Pool.KernelPools.Enabled"/>), entries come from
/// uvm_map_entry_pool "vmmpepl" and go back to it in uvm_unmap_detach().
/// Left out: entry merging with the previous entry, amap/object references, pmap_remove.
/// </summary>
public static class UvmMap
{
    /// <summary>
    /// uvm_map(map, &amp;va, len, ..., flags): lock, find space, allocate and link an entry,
    /// unlock. The caller computed the request (and its hint) before the call, as sys_mmap() does
    /// with VM_DEFAULT_ADDRESS before uvm_mmap(); a sleep on the lock does not refresh it.
    /// </summary>
    public static IEnumerable<Step> Map(Kernel k, KernelThread self, Vmspace vm, FindspaceRequest request, string what, MapCall result)
    {
        var map = vm.Map;
        int? item = null;
        // map-enomem-leaks-entry: the entry allocated before vm_map_lock() (the order of uvm_map.c
        // 1.222, 2006), and the ENOMEM return below forgets to give it back.
        bool early = k.Pools.Enabled && k.Config.Has(Switches.MapEnomemLeaksEntry);
        if (early)
            foreach (var s in PoolOps.Get(k, self.AsSelf, k.Pools.MapEntry, waitOk: true, v => item = v)) yield return s;
        foreach (var s in Lock(self, map)) yield return s;

        // uvm_map(): map locked; uvm_map_findspace(), then take the new entry's range.
        var found = MapFindspace.Find(map, request, k.Config.Has(Switches.TopdownFindspace), k.Config.Has(Switches.FindspaceTopdownStopsAtFirstGap), k.Config.Has(Switches.TopdownTreeMissesLowestGap));
        if (found is null)
        {
            result.FullLayout = [.. map.Entries.Select(e => (e.Start, e.End))];
            if (!k.Config.Has(Switches.MapEnomemKeepsLock)) Unlock(k, self, map); // map-enomem-keeps-lock
            yield return Step.Ran("uvm_map: no space, ENOMEM");
            yield break;
        }
        map.Pending = new MapInsert(found.Va, request.Length, found.Prev, self.Name, what) { Align = Math.Max(1, request.Align) };
        if (k.Pools.Enabled && !early)
        {
            // uvm_mapent_alloc(map, 0): pool_get(&uvm_map_entry_pool, PR_WAITOK), map still locked.
            foreach (var s in PoolOps.Get(k, self.AsSelf, k.Pools.MapEntry, waitOk: true, v => item = v)) yield return s;
        }
        else yield return Step.Ran("uvm_map_findspace");

        // uvm_mapent_alloc() returned (it may have slept, map still locked); uvm_map_entry_link(); vm_map_unlock().
        if (!k.Config.Has(Switches.MapLeavesPending)) map.Pending = null; // map-leaves-pending
        int end = found.Va + request.Length + (k.Config.Has(Switches.MapEntryOverrunsItsSpace) ? 1 : 0); // Mutation: a page too many
        map.Link(found.Prev, new MapEntry(found.Va, end, what) { PoolItem = item });
        Unlock(k, self, map);
        result.Va = found.Va;
        if (result.MaySleepAfter) self.MaySleep();
        yield return Step.Ran("uvm_map_entry_link");
    }

    /// <summary>
    /// uvm_unmap(map, start, end): lock, uvm_unmap_remove() (clipping straddling entries), unlock,
    /// then uvm_unmap_detach() of the dead entries. With the pools on, each clip's
    /// uvm_mapent_alloc(map, 0) is a pool_get(PR_WAITOK) that may sleep with the map locked, and
    /// uvm_unmap_detach() → uvm_mapent_free() pool_put()s each dead entry after the unlock. The
    /// allocations are taken before the list changes: the map is locked throughout, so no other
    /// thread can tell, and the pool sees them in the kernel's order.
    /// </summary>
    public static IEnumerable<Step> Unmap(Kernel k, KernelThread self, Vmspace vm, int start, int end)
    {
        var map = vm.Map;
        foreach (var s in Lock(self, map)) yield return s;
        Queue<int?>? clips = null;
        if (k.Pools.Enabled)
        {
            clips = new Queue<int?>();
            for (int n = map.ClipsNeeded(start, end); n > 0; n--)
                foreach (var s in PoolOps.Get(k, self.AsSelf, k.Pools.MapEntry, waitOk: true, clips.Enqueue)) yield return s;
        }
        bool early = k.Config.Has(Switches.UnmapRemovesAfterUnlock); // unmap-removes-after-unlock: the unlock comes first
        if (early) Unlock(k, self, map);
        var dead = map.Remove(start, end, clips);
        if (!early) Unlock(k, self, map);
        yield return Step.Ran("uvm_unmap");
        foreach (var s in Detach(k, self, dead)) yield return s;
    }

    /// <summary>uvm_unmap_detach(dead entries): uvm_mapent_free() → pool_put() of each pooled entry, map unlocked.</summary>
    internal static IEnumerable<Step> Detach(Kernel k, KernelThread self, IReadOnlyList<MapEntry> dead)
    {
        foreach (var e in dead)
            if (e.PoolItem is { } item)
                foreach (var s in PoolOps.Put(k, self.AsSelf, k.Pools.MapEntry, item)) yield return s;
    }

    /// <summary>
    /// vm_map_lock(): sleep on the lock's channel while another thread holds it, then take it.
    /// Yields only when it has to sleep; on return the caller holds the lock in its current step.
    /// </summary>
    internal static LockWait Lock(KernelThread self, VmMap map) => Locks.Take(map.Lock, self, "vm_map_lock");

    /// <summary>vm_map_unlock(): release the lock and wake every thread asleep on it.</summary>
    internal static void Unlock(Kernel k, KernelThread self, VmMap map)
    {
        if (k.Config.Has(Switches.MapUnlockSkipsWakeup)) map.Lock.ReleaseWithoutWakeup(self);
        else map.Lock.Release(k, self);
    }
}
