using Uvm.Model.Core;

namespace Uvm.Model.Cow;

/// <summary>
/// The map operations that race a fault (uvm_map.c, 2003): uvmspace_fork()'s MAP_INHERIT_COPY
/// case, uvm_unmap(), uvm_map_protect() and uvmspace_free(). Each write-locks the map, and its
/// vm_map_unlock() bumps the timestamp. uvm_unmap() drops the amap reference after the map is
/// unlocked (uvm_unmap_detach()).
/// </summary>
public static class CowMapOps
{
    /// <summary>uvmspace_fork(): the child's entry shares the amap (amap_ref), both need a copy, the parent is write-protected.</summary>
    internal static IEnumerable<Step> Fork(Kernel k, KernelThread self, CowSpace parent, CowSpace child)
    {
        foreach (var s in Locks.Take(parent.Lock, self, "uvmspace_fork: vm_map_lock(old_map)")) yield return s;
        if (parent.EntryMapped)
        {
            if (parent.Amap is { } amap)
                foreach (var s in AmapOps.Ref(k, self, amap)) yield return s;
            child.Amap = parent.Amap;
            child.Uobj = parent.Uobj; // uvm_map_reference of the entry's object (pgo_reference)
            child.EntryWritable = parent.EntryWritable;
            parent.NeedsCopy = child.NeedsCopy = true;
            if (!k.Config.Has(Switches.ForkSkipsWriteProtect)) parent.WriteProtectAll(); // pmap_protect(old_map->pmap, ..., prot & ~VM_PROT_WRITE)
        }
        else child.EntryMapped = false;
        parent.UnlockChanged(k, self);
        yield return Step.Ran("uvmspace_fork: MAP_INHERIT_COPY, needs-copy");
    }

    /// <summary>uvm_unmap() of the entry (or uvmspace_free() at exit): pmap_remove, unlink, unlock, amap_unref.</summary>
    internal static IEnumerable<Step> Unmap(Kernel k, KernelThread self, CowSpace space, string function)
    {
        foreach (var s in Locks.Take(space.Lock, self, $"{function}: vm_map_lock")) yield return s;
        var amap = space.EntryMapped ? space.Amap : null;
        space.EntryMapped = false;
        space.Amap = null;
        if (amap is not null) space.DetachedAmap = amap; // uvm_unmap_remove()'s dead-entry list
        if (!k.Config.Has(Switches.UnmapSkipsPmapRemove)) space.RemoveAll(); // pmap_remove()
        Unlock(k, self, space);
        yield return Step.Ran($"{function}: uvm_unmap_remove");
        if (amap is not null)
        {
            foreach (var s in AmapOps.Unref(k, self, amap)) yield return s;
            space.DetachedAmap = null;
            yield return Step.Ran($"{function}: uvm_unmap_detach, amap_unref");
        }
    }

    /// <summary>uvm_map_protect(PROT_READ): entry protection and pmap_protect, under the map's write lock.</summary>
    internal static IEnumerable<Step> Protect(Kernel k, KernelThread self, CowSpace space)
    {
        foreach (var s in Locks.Take(space.Lock, self, "uvm_map_protect: vm_map_lock")) yield return s;
        space.EntryWritable = false;
        if (!k.Config.Has(Switches.ProtectSkipsPmapProtect)) space.WriteProtectAll(); // protect-skips-pmap-protect
        Unlock(k, self, space);
        yield return Step.Ran("uvm_map_protect");
    }

    private static void Unlock(Kernel k, KernelThread self, CowSpace space)
    {
        if (k.Config.Has(Switches.MapChangeSkipsTimestamp)) space.Lock.Release(k, self);
        else space.UnlockChanged(k, self);
    }
}
