using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Maps;

namespace Uvm.Properties;

/// <summary>
/// Invariants of process address maps (uvm_map.c): the entry list stays sorted and disjoint inside
/// the map, uvm_map_findspace() only hands out free space, and exec fails only for want of room.
/// </summary>
public static class MapInvariants
{
    /// <summary>
    /// The map's entry list: each entry a non-empty range inside [vm_map_min, vm_map_max), in
    /// address order, no two sharing a page. One invariant, not two: every entry enters the list
    /// through uvm_map_entry_link(), whose KASSERTs panic on a range below the previous entry, past
    /// the next one or outside the map (<see cref="VmMap.Link"/>), so only a clip or an in-place
    /// change can break it, and a separate overlap invariant was never seen to fire (docs/mutation.md).
    /// </summary>
    public static readonly Invariant MapEntriesAreDisjointAndInBounds = new(
        nameof(MapEntriesAreDisjointAndInBounds),
        "The entries of a map are non-empty, in address order, share no page, and lie between vm_map_min and vm_map_max.",
        "maps", k =>
        {
            for (int v = 0; v < k.Vmspaces.Count; v++)
            {
                var vm = k.Vmspaces[v];
                var es = vm.Map.Entries;
                for (int i = 0; i < es.Count; i++)
                {
                    var e = es[i];
                    if (e.Start >= e.End || e.Start < vm.Map.Min || e.End > vm.Map.Max)
                        return $"{vm}: {e} is empty or lies outside [{vm.Map.Min},{vm.Map.Max})";
                    if (i + 1 < es.Count && e.End > es[i + 1].Start) return $"{vm}: {e} overlaps or follows {es[i + 1]}";
                }
            }
            return null;
        })
    {
        Reads = StateDomain.Map,
    };

    /// <summary>What uvm_map_findspace() returned as free meets no entry and lies in the map.</summary>
    public static readonly Invariant FoundSpaceIsFree = new(
        nameof(FoundSpaceIsFree),
        "A range uvm_map_findspace() returns as free lies inside the map, is aligned as uvm_map() asked, and intersects no map entry.",
        "maps", k =>
        {
            for (int v = 0; v < k.Vmspaces.Count; v++)
            {
                var vm = k.Vmspaces[v];
                if (vm.Map.Pending is not { } p) continue;
                if (p.Va < vm.Map.Min || p.End > vm.Map.Max) return $"{vm}: {p} lies outside [{vm.Map.Min},{vm.Map.Max})";
                // uvm_map_findspace(): "align: required alignment"; uvm_map_space_avail() rounds the
                // candidate down (top-down) or up before it tests the gap.
                if (p.Va % p.Align != 0) return $"{vm}: {p} is not aligned to the {p.Align} pages uvm_map() asked for";
                var es = vm.Map.Entries;
                for (int i = 0; i < es.Count; i++)
                    if (es[i].Intersects(p.Va, p.End)) return $"{vm}: {p} intersects {es[i]} in {vm.Map.Describe()}";
            }
            return null;
        })
    {
        Reads = StateDomain.Map,
    };

    /// <summary>
    /// uvm_map() fails with ENOMEM only when uvm_map_findspace() has nothing to find: the map, as
    /// the failing call saw it under the map lock, has no range that the request's contract
    /// allows (<see cref="FreeSpaceOracle"/>: aligned, clear of every entry, on the hint's side in
    /// the map's direction, exactly at the hint when fixed). Judged for exec's vmcmds (an exec that
    /// fails past the point of no return, with any stack limit) and, since session 33, for every
    /// mmap() (its second hunt refused exact fits, judged only through exec until then; this was
    /// ExecFailsOnlyWhenTheMapHasNoRoom).
    /// </summary>
    public static readonly Invariant UvmMapFailsOnlyWhenTheMapHasNoRoom = new(
        nameof(UvmMapFailsOnlyWhenTheMapHasNoRoom),
        "uvm_map() of an exec vmcmd or an mmap() fails with ENOMEM only when the map, as it saw it, had no range its request allows: exec, with any stack limit, succeeds whenever the map has room for each of its mappings.",
        "maps", k =>
        {
            for (int v = 0; v < k.Vmspaces.Count; v++)
            {
                var vm = k.Vmspaces[v];
                if (RoomMissed(vm.ExecFailures) is { } e) return $"{vm}: exec failed at {e.Failure}, but [{e.Va},{e.Va + e.Failure.Request.Length}) was free";
                if (RoomMissed(vm.MmapFailures) is { } m) return $"{vm}: {m.Failure} failed, but [{m.Va},{m.Va + m.Failure.Request.Length}) was free";
            }
            return null;
        })
    {
        Reads = StateDomain.Map,
    };

    /// <summary>The first of <paramref name="failures"/> whose map had room after all, and the lowest start the oracle allows; null if none.</summary>
    private static (ExecFailure Failure, int Va)? RoomMissed(IReadOnlyList<ExecFailure> failures)
    {
        for (int i = 0; i < failures.Count; i++)
            if (failures[i] is var f && FreeSpaceOracle.FirstCandidate(f.Min, f.Max, f.Layout, f.Request) is int va)
                return (f, va);
        return null;
    }

    /// <summary>The red-black tree of each map holds its list, ordered, balanced and with correct ownspace and space (<see cref="MapTreeAudit"/>).</summary>
    public static readonly Invariant MapTreeMatchesEntryList = new(
        nameof(MapTreeMatchesEntryList),
        "Each map's red-black tree holds exactly its entry list, in order and balanced, with every ownspace and space up to date.",
        "maps", k =>
        {
            for (int v = 0; v < k.Vmspaces.Count; v++)
                if (MapTreeAudit.Check(k.Vmspaces[v].Map) is { } bad) return bad;
            return null;
        })
    {
        Reads = StateDomain.Map,
    };

    /// <summary>
    /// uvm_unmap_remove() removes exactly [start, end): UVM_MAP_CLIP_START/END split the entries
    /// that straddle the range and only what lies inside goes (uvm_map.c, "remove mappings from a
    /// vm_map (from start up to stop)"). Checked where the removal happens (VmMap.Remove): a clip
    /// that drops or keeps the wrong piece silently loses a mapping or leaves one.
    /// </summary>
    public static readonly Invariant UnmapRemovesExactlyItsRange = Invariant.AtEvent(
        nameof(UnmapRemovesExactlyItsRange),
        "uvm_unmap_remove(start, end) unmaps every page of [start, end) and leaves every page outside it mapped as it was.", "maps");

    /// <summary>Every map invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
        [MapEntriesAreDisjointAndInBounds, FoundSpaceIsFree, UvmMapFailsOnlyWhenTheMapHasNoRoom, MapTreeMatchesEntryList, UnmapRemovesExactlyItsRange];

    /// <summary>
    /// Every map liveness property: none since session 22. MapLockSleeperIsEventuallyWoken (a
    /// thread asleep on a vm_map_lock at the end) is folded into the detectors: a waiter left by a
    /// release that did not wake it is seen at that step by NoSleeperWaitsForWhatIsAlreadyThere,
    /// and one whose lock stays held at the end by EverySleeperIsEventuallyWoken
    /// (properties/SleeperDetector.cs), which names the holder.
    /// </summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [];
}
