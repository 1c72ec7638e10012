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
        Kills = ["FoundSpaceIsFree"],
        Origin = "none (uvm_map.c 2003, reconstructed)",
        Title = "top-down uvm_map_findspace returns space already in use; exec fails with an unlimited stack",
        Description = "With VM_MAP_TOPDOWN, when the hint lies in a gap, the first test takes min(hint, entry->next->start - len) "
            + "without checking it against entry->end, so a gap smaller than the request yields a range overlapping the "
            + "entry below. An unlimited stack limit puts the mmap/exec hint beside data, where other mappings leave such "
            + "gaps; uvm_map's post-condition KASSERT(entry->end <= va) fires.",
        Expected = "invariant FoundSpaceIsFree",
        Budget = 100,
    };

    /// <summary>uvm_map(): the new entry ends a page past the space found for it.</summary>
    public static readonly KernelSwitch MapEntryOverrunsItsSpace = Mutation("map-entry-overruns-its-space", "uvm_map", "exec-topdown",
        "uvm_map() links an entry one page longer than the space uvm_map_findspace() found (an off-by-one in entry->end); uvm_map_entry_link()'s KASSERT catches it");

    /// <summary>uvm_unmap_remove(): an entry that ends exactly at the unmapped range's end is clipped there too.</summary>
    public static readonly KernelSwitch UnmapClipsAtTheEnd = Mutation("unmap-clips-at-the-end", "uvm_unmap_remove", "exec-topdown",
        "uvm_unmap_remove() clips an entry that ends exactly at the end of the range (<= for <), leaving an empty entry in the map (an off-by-one in a bound)")
        with { Kills = ["MapEntriesAreDisjointAndInBounds"], Budget = 20 };

    /// <summary>uvm_unmap(): uvm_unmap_remove() runs after vm_map_unlock(). Killed by the lock-discipline detector.</summary>
    public static readonly KernelSwitch UnmapRemovesAfterUnlock = Mutation("unmap-removes-after-unlock", "uvm_unmap", "exec-topdown",
        "uvm_unmap() unlinks the entries after vm_map_unlock() (a protected write moved out of its section)")
        with { Kills = ["LockDiscipline"], Budget = 20 };

    /// <summary>
    /// uvm_map_space_avail() leaves a top-down candidate unaligned (the rounding done on the
    /// bottom-up branch only): uvm_map() returns an address that is not aligned as asked. Caught by
    /// FoundSpaceIsFree in mmap-aligned (session 36: no workload had asked for an alignment, so an
    /// alignment bug, such as the one uvm_map.c 1.165 (yamt, 2004; netbsd-2-0 ticket #23, from
    /// doc/CHANGES-2.0) fixed, "uvm_map_findspace: don't return unaligned address if alignment is
    /// specified", could not be seen).
    /// </summary>
    public static readonly KernelSwitch FindspaceTopdownSkipsAlign = Mutation("findspace-topdown-skips-align", "uvm_map_findspace", "mmap-aligned",
        "uvm_map_space_avail() rounds a bottom-up candidate to the alignment but leaves a top-down one as it is (a step skipped on one branch): an aligned mmap() gets an unaligned address")
        with { Kills = ["FoundSpaceIsFree"], Budget = 50 };

    /// <summary>
    /// uvm_map_space_avail(): a gap that ends exactly where the range would end is refused (`&gt;`
    /// for `&gt;=`, an off-by-one): an mmap() or an exec vmcmd that would fill a gap exactly fails
    /// with ENOMEM, or lands elsewhere. From session 33's second hunt, where only an exec's failure
    /// was judged; UvmMapFailsOnlyWhenTheMapHasNoRoom now judges every mmap() too.
    /// </summary>
    public static readonly KernelSwitch FindspaceRefusesExactFit = Mutation("findspace-refuses-exact-fit", "uvm_map_findspace", "pool-drain",
        "uvm_map_space_avail() refuses a gap the range fills exactly (> for >=, an off-by-one): an mmap() that would fill it fails with ENOMEM")
        with { Kills = ["UvmMapFailsOnlyWhenTheMapHasNoRoom"], Budget = 50 };

    /// <summary>
    /// uvm_map(): the map entry is allocated before vm_map_lock() (uvm_mapent_alloc(), as the 2006
    /// text orders it) and the no-space return (ENOMEM) does not give it back: an error path that
    /// leaks a pool item per failed mmap(). From session 33's adversarial hunt; pool-drain's default
    /// then gained an mmap() that does not fit. Caught by PoolItemsAreHeldOrReturned. The class
    /// happened: uvm_map.c 1.189 (oster, 2005; netbsd-3 ticket #223, doc/CHANGES-3.0: "don't leak a
    /// preallocated map entry on error"); in 2003-04 only pager_map preallocates its entry, which
    /// the model does not map, so it stays a mutation.
    /// </summary>
    public static readonly KernelSwitch MapEnomemLeaksEntry = Mutation("map-enomem-leaks-entry", "uvm_map", "pool-drain",
        "uvm_map() allocates its map entry before vm_map_lock() and its ENOMEM return (no space) does not uvm_mapent_free() it: a pool item leaked per failed mmap() (an error path that leaks)")
        with { Kills = ["PoolItemsAreHeldOrReturned"], Budget = 50 };

    /// <summary>
    /// uvm_map(): the ENOMEM return after a failed uvm_map_findspace() skips vm_map_unlock() (a
    /// lock left held on an error path; session 22). Killed by the lock-discipline detector as the
    /// system call returns to user mode holding the map's lock (<c>KernelThread.AssertHoldsNoLock</c>),
    /// whether or not another thread of the schedule ever waits for it.
    /// </summary>
    public static readonly KernelSwitch MapEnomemKeepsLock = Mutation("map-enomem-keeps-lock", "uvm_map", "exec-topdown",
        "uvm_map() returns ENOMEM from a failed uvm_map_findspace() without vm_map_unlock(), so the map stays locked by a path that returned to user mode (a lock left held on an error path)")
        with { Kills = ["LockDiscipline"], Budget = 100 };

    /// <summary>vm_map_unlock(): the lock is released but its sleepers are not woken.</summary>
    public static readonly KernelSwitch MapUnlockSkipsWakeup = Mutation("map-unlock-skips-wakeup", "vm_map_unlock", "exec-topdown",
        "vm_map_unlock() releases the map lock but does not wake the threads asleep on it (a lost wakeup)")
        // Under the 2004 big lock no LWP sleeps on a process map's lock in exec-topdown: the holder
        // never sleeps with it held there (the map-entry pool is not modelled in that scenario), so
        // the lost wakeup has no sleeper (3000 schedules of seed 0, none caught; issue 18). Without
        // it the per-step sleeper check sees the waiter of a free lock at the release (schedule 1);
        // until session 22 only the end of the execution judged it (MapLockSleeperIsEventuallyWoken).
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 50, BigLock = false };

    /// <summary>uvm_map_findspace(): the top-down walk gives up after the first gap.</summary>
    public static readonly KernelSwitch FindspaceTopdownStopsAtFirstGap = Mutation("findspace-topdown-stops-at-first-gap", "uvm_map_findspace", "exec-topdown",
        "uvm_map_findspace() gives up the top-down walk after the first gap instead of walking down to the header (a loop that stops early: ENOMEM although a lower gap has room)")
        with { Kills = ["UvmMapFailsOnlyWhenTheMapHasNoRoom"], Budget = 20 };

    /// <summary>
    /// From the session-22 mutation hunt: uvm_map() links the entry but does not clear the pending
    /// insertion (a field not cleared). Caught by FoundSpaceIsFree.
    /// </summary>
    public static readonly KernelSwitch MapLeavesPending = Mutation("map-leaves-pending", "uvm_map", "exec-topdown",
        "uvm_map() links the entry but does not clear the pending insertion (a field not cleared)");

    /// <summary>
    /// From the session-22 mutation hunt: uvm_unmap_remove()'s walk stops before the map's first entry
    /// (an off-by-one loop bound): an entry inside the range stays mapped. Caught by the event check
    /// UnmapRemovesExactlyItsRange (designated).
    /// </summary>
    public static readonly KernelSwitch UnmapLoopSkipsFirstEntry = Mutation("unmap-loop-skips-first-entry", "uvm_unmap_remove", "exec-topdown",
        "uvm_unmap_remove()'s walk stops before the map's first entry (an off-by-one loop bound): an entry inside the range stays mapped")
        with { Kills = ["UnmapRemovesExactlyItsRange"], Budget = 20 };

    /// <summary>
    /// From the third (mutC) mutation hunt, where no workload reached it: uvm_map_findspace() bottom-up takes
    /// the first gap's candidate without testing it against the gap's upper end (a bound not
    /// tested): a gap too small for the request yields a range overlapping the entry above it.
    /// Reached in mmap-bottomup, where an mmap() hint falls inside a mapping whose upper neighbour
    /// leaves no room.
    /// </summary>
    public static readonly KernelSwitch FindspaceBottomupIgnoresGapEnd = Mutation("findspace-bottomup-ignores-gap-end", "uvm_map_findspace", "mmap-bottomup",
        "uvm_map_findspace() bottom-up takes the first gap's candidate without testing candidate + len against the next entry's start (a bound not tested)")
        with { Kills = ["FoundSpaceIsFree"], Budget = 20 };

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): uvm_rb_insert() skips uvm_rb_fixup() of entry-&gt;prev. Caught by MapTreeMatchesEntryList at schedule 1 of seeds 0-2, with or without the big lock.</summary>
    public static readonly KernelSwitch RbInsertSkipsPrevFixup = Mutation("rb-insert-skips-prev-fixup", "uvm_rb_insert", "mmap-bottomup",
        "uvm_rb_insert() links the new entry but skips uvm_rb_fixup() of entry->prev, whose ownspace shrank (an augmented value not updated)")
        with { Kills = ["MapTreeMatchesEntryList"], Budget = 5 };

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): uvmspace_exec() drops the map lock before uvm_unmap_remove() of the old program. Caught by LockDiscipline (map entries written without vm_map_lock) at schedule 1 of seeds 0-2, with or without the big lock.</summary>
    public static readonly KernelSwitch ExecUnmapsAfterUnlock = Mutation("exec-unmaps-after-unlock", "uvmspace_exec", "exec-topdown",
        "uvmspace_exec() drops the map lock before uvm_unmap_remove() of the old program (a lock released one statement early): other LWPs of the process see the map mid-change")
        with { Kills = ["LockDiscipline"], Budget = 5 };
}
