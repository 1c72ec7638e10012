namespace Uvm.Model;

/// <summary>The switches of the map paths (model/Maps/).</summary>
public static partial class Switches
{
    /// <summary>
    /// Top-down uvm_map_findspace() returned space already in use (no PR number known; uvm_map.c,
    /// 2003, after VM_MAP_TOPDOWN was added). Read in <see cref="Maps.MapFindspace"/>: the pre-fix
    /// first test at a hint lying in a gap takes <c>min(hint, entry->next->start - len)</c> without
    /// checking <c>candidate &gt;= entry->end</c>. The pre-fix code itself is not available; what the
    /// reconstruction rests on is in docs/kernel-sources.md (maps).
    /// </summary>
    public static readonly KernelSwitch TopdownFindspace = new("topdown-findspace", SwitchKind.Historical, "uvm_map_findspace", "exec-topdown")
    {
        Origin = "none (uvm_map.c 2003, reconstructed)",
        Title = "top-down uvm_map_findspace returns space already in use; exec fails with an unlimited stack",
        Description = "With VM_MAP_TOPDOWN, when the hint lies in a gap, the first test takes min(hint, entry->next->start - len) "
            + "without checking it against entry->end, so a gap smaller than the request yields a range overlapping the "
            + "entry below. An unlimited stack limit puts the mmap/exec hint beside data, where other mappings leave such "
            + "gaps; uvm_map's post-condition KASSERT(entry->end <= va) fires.",
        Expected = "invariant FoundSpaceIsFree",
        Budget = 100,
    };

    /// <summary>uvm_map_findspace(): the top-down walk gives up after the first gap.</summary>
    public static readonly KernelSwitch FindspaceTopdownStopsAtFirstGap = Mutation("findspace-topdown-stops-at-first-gap", "uvm_map_findspace", "exec-topdown",
        "uvm_map_findspace() gives up the top-down walk after the first gap instead of walking down to the header (a loop that stops early: ENOMEM although a lower gap has room)");
}
