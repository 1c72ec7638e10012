namespace Uvm.Model;

/// <summary>The switches of the amap, copy-on-write and fault-relock paths (model/Cow/).</summary>
public static partial class Switches
{
    /// <summary>
    /// PR kern/23171: uvm_anfree() sleeps ("anfree") until a busy page of the anon is un-busied,
    /// with whatever its caller holds: amap_wipeout() calls it with the amap's am_l, a simple lock,
    /// held. Read in <see cref="AnonPager.FreeUnlocked"/>. The fix (yamt, "PG_RELEASED for anon
    /// pages. PR/23171 from Christian Limpach"; revision and date not confirmed, autumn 2003 or
    /// later) marks the busy page PG_RELEASED for whoever un-busies it (uvm_anon_release()), which
    /// the default kernel does. The text before it is uvm_anon.c 1.21.4.2 (2002). Under the switch
    /// the one model path that frees an anon in a step of its own, a loan client's unloan of the
    /// anon it made, still marks a busy page PG_RELEASED; an anon user's exit, like the
    /// copy-on-write processes', goes through the sleeping uvm_anfree() (without am_l, which its
    /// model leaves out).
    /// </summary>
    public static readonly KernelSwitch Pr23171 = new("pr23171", SwitchKind.Historical, "uvm_anfree (amap_wipeout, uvm_unloananon)", "cow-fork")
    {
        Origin = "PR kern/23171",
        Title = "uvm_anfree() sleeps on a busy page with the amap locked",
        Description = "A process unmaps or exits while the pagedaemon pages out one of its anon pages (or another LWP reads it "
            + "in): amap_wipeout() drops the last reference and calls uvm_anfree() with am_l held, which sleeps on the busy "
            + "page (\"anfree\"): a sleep with a simple lock held (LOCKDEBUG: \"switching with held simple_lock\"). The fix "
            + "marks the page PG_RELEASED instead (uvm_anon_release()).",
        Expected = "detector SleepWithSpinLock",
        Budget = 400,
    };

    /// <summary>
    /// madvise(MADV_FREE) → uvm_map_clean(PGO_FREE) takes each anon out of the caller's amap
    /// (amap_unadd(), --an_ref) and frees it only at an_ref 0; nothing removes the caller's pmap
    /// mapping of a page whose anon another amap still references (a fork's child). The caller keeps
    /// reading that page through a mapping its amap no longer backs, and once the child writes the
    /// page in place (an_ref 1: no copy) it reads the child's data. Found by the checker (session
    /// 24): PmapMapsOnlyPagesItsMappingsOwn. The texts read have it from NetBSD uvm_map.c 1.86 (2000)
    /// through 1.355 (2018) and OpenBSD's through 1.346 (2025); no fix was found, so the default runs
    /// the removal the rule asks for. Read in <see cref="Cow.CowMapOps.Clean"/>.
    /// </summary>
    public static readonly KernelSwitch MadvFreeKeepsMapping = new("madv-free-keeps-mapping", SwitchKind.Discovered, "uvm_map_clean (sys_madvise MADV_FREE)", "cow-madvise")
    {
        Origin = "no fix in the texts read (NetBSD uvm_map.c 1.86 of 2000 to 1.355 of 2018, OpenBSD to 1.346 of 2025); the default removes the caller's mapping (uvm_loan.c: \"we should not leave the mapping of the oanon page\")",
        Title = "madvise(MADV_FREE) takes an anon out of the caller's amap but leaves the caller's pmap mapping its page while a child still references it",
        Description = "A process writes a page and forks; it writes another page (amap_copy: its own amap, the anons shared with "
            + "the child's) and calls madvise(MADV_FREE). uvm_map_clean(PGO_FREE) does amap_unadd() and --an_ref; the anon keeps "
            + "the child's reference, so uvm_anfree() never runs and nothing removes the parent's read-only mapping of its page. "
            + "The parent's pmap maps a page its amap no longer holds; once the child writes the page in place (an_ref 1), the "
            + "parent reads the child's data.",
        Expected = "invariant PmapMapsOnlyPagesItsMappingsOwn",
        Budget = 20,
    };

    /// <summary>
    /// uvm_map_clean()'s amap loop of 2003-04 (the same in uvm_map.c 1.86 of 2000, 1.263.4.3 of
    /// 2009, 1.313 and 1.317 of 2012) goes on with a page another path holds PG_BUSY: madvise()
    /// deactivates (pmap_clear_reference, uvm_pagedeactivate) a page the pagedaemon is paging out or
    /// a fault is reading in, and MADV_FREE frees its anon (uvm_anfree() marks the page PG_RELEASED).
    /// Found by the checker (session 24): the lock-discipline detector's PG_BUSY rule. NetBSD added
    /// <c>if (pg->flags &amp; PG_BUSY) continue;</c> by 1.330.2.1 (2015; the commit and its reason were
    /// not found), which the default runs. What the 2003-04 deactivation broke is not shown: a page
    /// under pageout is already inactive, so only its reference bit is cleared. Read in
    /// <see cref="Cow.CowMapOps.Clean"/>.
    /// </summary>
    public static readonly KernelSwitch MapCleanDeactivatesBusy = new("map-clean-deactivates-busy", SwitchKind.Discovered, "uvm_map_clean (sys_madvise)", "cow-madvise")
    {
        Origin = "uvm_map.c 1.330.2.1 (2015; absent in 1.317 of 2012): if (pg->flags & PG_BUSY) continue; in the amap loop",
        Title = "madvise() deactivates or frees a page another path holds PG_BUSY (a pageout, a page-in)",
        Description = "A child calls madvise(MADV_DONTNEED) while the pagedaemon pages one of its anon pages out: uvm_map_clean() "
            + "takes an_lock and the page queues, and deactivates the page the pagedaemon holds busy (pmap_clear_reference, "
            + "uvm_pagedeactivate) without waiting for it; the 2003-04 loop tests loan and wire counts and PQ_ANON, never "
            + "PG_BUSY. Later NetBSD skips busy pages (uvm_map.c 1.330.2.1, 2015).",
        Expected = "detector LockDiscipline",
        Budget = 50,
    };

    /// <summary>
    /// uvm_fault.c 1.47 (2000) and OpenBSD's copy of 1.51 break copy-on-write in a wiring fault only
    /// if the entry's protection allows writing (uvm_fault_wire(map, start, end, entry-&gt;protection)):
    /// mlock() of a read-only private entry whose anons a child shares wires the shared pages. Once
    /// mprotect() gives writing back, a write faults on the wired entry, copies the anon (case 1B) and
    /// maps the copy PMAP_WIRED, but only the wiring fault wires a page: the copy has wire_count 0,
    /// the old page keeps its wiring though nothing maps it wired, and munlock() unwires the copy
    /// (uvm_pageunwire() of wire_count 0). Later texts fault with VM_FAULT_WIREMAX and test
    /// max_protection (<c>cow_now = (check_prot &amp; VM_PROT_WRITE) != 0</c>, 1.113 of 2006; NetBSD's
    /// machmem.c 1.1 of 2004-05 already passes VM_FAULT_WIREMAX), so the copy is made at mlock() time,
    /// which the default does. The revision of the change was not found (between 1.51 of 2000-08
    /// and 2004-05). Read in <see cref="Cow.CowFault.Touch"/>.
    /// </summary>
    public static readonly KernelSwitch WireFaultUsesEntryProtection = new("wire-fault-uses-entry-protection", SwitchKind.Historical, "uvm_fault (uvm_fault_wire from uvm_map_pageable)", "cow-wire")
    {
        Origin = "uvm_fault.c 1.47 (2000) → VM_FAULT_WIREMAX (by 2004-05, machmem.c 1.1; 1.113 of 2006 has it); revision not found",
        Title = "mlock() of a read-only private entry wires pages a child shares; a later write copies one into a page mapped wired but not wired",
        Description = "A process forks, write-protects its private entry and mlock()s it: the wiring faults test the entry's "
            + "protection, so they do not copy the anons the child shares and wire their pages. After mprotect(PROT_READ|PROT_WRITE) "
            + "a write faults on the wired entry and copies the page (case 1B) into a new page entered PMAP_WIRED and only "
            + "activated: wire_count 0. The old page keeps a wiring nothing maps wired; munlock() unwires the new page.",
        Expected = "invariant WireCountEqualsWiredMappings",
        Budget = 50,
    };

    /// <summary>
    /// amap_cow_now() of uvm_amap.c 1.22 (1999) tests <c>pg == NULL</c> ("non-resident wired page")
    /// before the anon's reference count. After a uvm_wait("cownowpage") it restarts its loop from
    /// the first slot, where the anons it already copied for the child (an_ref 1, their pages
    /// active and not wired) may have been paged out while it slept: fork() of an mlock()ed process
    /// under memory pressure panics. uvm_amap.c 1.82.16.2 (2007) skips an anon with one reference
    /// first ("The new page might even have been paged out, since the new page is not wired"),
    /// which the default does. The change is uvm_amap.c 1.66 (chs, 2005; pulled up to netbsd-2-0 as
    /// ticket #10230 and to netbsd-3 as #939, doc/CHANGES-2.0.4 and CHANGES-3.0: "Prevent occasional
    /// panics on machines which are low on memory. PR kern/25392, port-sparc/30257, kern/31924"), so
    /// the 2003-04 kernel had the earlier test. Read in
    /// <see cref="Cow.CowWiring.CowNow"/>.
    /// </summary>
    public static readonly KernelSwitch CowNowPanicsOnCopiedAnon = new("cow-now-panics-on-copied-anon", SwitchKind.Historical, "amap_cow_now (uvmspace_fork of a wired entry)", "cow-wire")
    {
        Origin = "PR kern/25392 (also port-sparc/30257, kern/31924): uvm_amap.c 1.66 (chs, 2005; netbsd-2-0 ticket #10230): \"If the anon has only one ref, we must have already copied it\" (1.82.16.2 of 2007 has it)",
        Title = "fork() of an mlock()ed process panics when amap_cow_now() restarts after waiting for memory and finds a copy it made paged out",
        Description = "A process mlock()s its private entry and forks while memory is short. amap_cow_now() copies the first shared "
            + "anon for the child, finds no free page for the next and sleeps in uvm_wait(\"cownowpage\"). The pagedaemon pages "
            + "out the child's new page, which is active and not wired. amap_cow_now() restarts from the first slot and tests the "
            + "anon's page before its reference count: \"amap_cow_now: non-resident wired page\".",
        Expected = "panic amap_cow_now",
        Budget = 300,
    };

    /// <summary>
    /// Found by the checker (session 34, from a review of the wiring paths against uvm_fault.c 1.47
    /// and 1.113 and uvm_map.c 1.86 and 1.335): when a wiring fault of uvm_map_pageable()'s pass 2
    /// fails, uvm_fault_wire() calls uvm_fault_unwire(map, start, va) for the pages it wired, whose
    /// loop does <c>if (VM_MAPENT_ISWIRED(entry) == 0) pmap_unwire(pmap, va); ... uvm_pageunwire(pg)</c>;
    /// the entry's wired_count is still 1 from pass 1, so the pages are unwired and their mappings
    /// stay PMAP_WIRED. The failure path then only does <c>entry-&gt;wired_count--</c> for the
    /// failed entry (uvm_map_entry_unwire() runs for the entries before it), under
    /// vm_map_upgrade(), which does not move the map's timestamp (uvm_map.h: only vm_map_lock() and
    /// vm_map_lock_try() do): a fault of another LWP that looked the entry up as wired during pass 2
    /// and slept relocks, and enters its page PMAP_WIRED in the entry no longer wired, without
    /// uvm_pagewire(). Either way a page with wire_count 0 is mapped wired: the pmap's wired count
    /// (pmap_wired_count(), which sys_mlock() checks against RLIMIT_MEMLOCK) stays up until the
    /// mapping goes. Every stored text through 2015 has both loops. The default, once
    /// wired_count is dropped, unwires every wired mapping of the entry (what
    /// uvm_fault_unwire_locked() does for an entry no longer wired), and moves the timestamp. The model before unwired the pages
    /// pass 2 had wired only, which left a page another LWP's fault entered PMAP_WIRED during pass 2
    /// mapped wired: the same rule reported it in the regression's search of the default kernel
    /// (cow-wire-eio, one schedule in about 300). Read in <see cref="CowWiring"/>.
    /// </summary>
    public static readonly KernelSwitch WireFailureLeavesPmapWired = new("wire-failure-leaves-pmap-wired", SwitchKind.Discovered, "uvm_map_pageable (wiring failed)", "cow-wire-eio")
    {
        Origin = "uvm_fault.c uvm_fault_unwire_locked() and uvm_map.c uvm_map_pageable() of 1.47/1.86 (2000) through 2015; no fix found",
        Title = "a failed mlock() leaves the pages it had wired mapped PMAP_WIRED with wire_count 0",
        Description = "mlock() of a private entry: pass 1 makes the entry's wired_count 1, pass 2 faults each page in wired. "
            + "When a later page's fault fails (EIO from a bad swap slot, ENOMEM), uvm_fault_unwire() unwires the earlier pages "
            + "but skips pmap_unwire() because the entry still counts as wired; uvm_map_pageable() then drops wired_count "
            + "under vm_map_upgrade(), which leaves the timestamp alone, so a fault that slept relocks and enters PMAP_WIRED too. "
            + "The pages stay mapped wired with wire_count 0.",
        Expected = "invariant WireCountEqualsWiredMappings",
        Budget = 100,
    };

    /// <summary>vm_map_unbusy() clears VM_MAP_BUSY but skips the wakeup of a writer that set VM_MAP_WANTLOCK (a wakeup lost).</summary>
    public static readonly KernelSwitch MapUnbusySkipsWakeup = Mutation("map-unbusy-skips-wakeup", "vm_map_unbusy (uvm_map_pageable)", "cow-wire",
        "vm_map_unbusy() clears VM_MAP_BUSY but does not wake the writer asleep on &map->flags (a wakeup lost)")
        with { Budget = 50 };

    /// <summary>uvm_unmap_remove() of a wired entry skips uvm_map_entry_unwire() before pmap_remove(): the pages keep wirings nothing maps.</summary>
    public static readonly KernelSwitch UnmapSkipsUnwire = Mutation("unmap-skips-unwire", "uvm_unmap_remove (munmap, exit)", "cow-wire",
        "uvm_unmap_remove() removes a wired entry's mappings without uvm_map_entry_unwire() first (a counter left on a path)")
        with { Kills = ["WireCountEqualsWiredMappings"], Budget = 50 };

    /// <summary>uvm_map_pageable() counts the wiring (wired_count++) but skips pass 2's uvm_fault_wire(): the entry is wired and nothing is resident.</summary>
    public static readonly KernelSwitch MapPageableSkipsWirePass = Mutation("map-pageable-skips-wire-pass", "uvm_map_pageable (mlock)", "cow-wire",
        "uvm_map_pageable() increments wired_count but skips uvm_fault_wire() (a condition inverted: the pass runs only for a count other than 1)")
        with { Kills = ["WiredEntryIsMappedWired"], Budget = 50 };

    /// <summary>amap_copy(): the slots are copied but an_ref++ is skipped.</summary>
    public static readonly KernelSwitch AmapCopySkipsAnonRef = Mutation("amap-copy-skips-anon-ref", "amap_copy", "cow-fork",
        "amap_copy() copies the anon slots into the new amap but skips an_ref++ (a reference count not taken)")
        with { Kills = ["AnonRefEqualsAmapSlots"], Budget = 50 };

    /// <summary>amap_copy(): the slots are copied but am_nused is not counted up.</summary>
    public static readonly KernelSwitch AmapCopySkipsNused = Mutation("amap-copy-skips-nused", "amap_copy", "cow-fork",
        "amap_copy() fills the new amap's slots but does not count them in am_nused (a counter increment skipped)")
        with { Kills = ["AmapNusedEqualsItsAnons"], Budget = 50 };

    /// <summary>amap_wipeout(): every anon is freed, whatever its an_ref.</summary>
    public static readonly KernelSwitch AmapWipeoutFreesSharedAnon = Mutation("amap-wipeout-frees-shared-anon", "amap_wipeout", "cow-fork",
        "amap_wipeout() calls uvm_anfree() on each anon after an_ref-- without checking that an_ref reached 0, freeing anons another amap still holds (a reference count ignored)")
        with { Kills = ["NoAmapSlotPointsToAFreedAnon"], Budget = 100 };

    /// <summary>amap_ref() at fork: am_ref++ as a read and a later write without am_l.</summary>
    public static readonly KernelSwitch AmapRefWithoutLock = Mutation("amap-ref-without-lock", "amap_ref", "cow-fork",
        "amap_ref() at fork reads am_ref, lets another CPU run, and writes it back plus one without holding am_l (a count updated outside its lock)")
        // Under the 2004 big lock fork1() runs amap_ref() unbroken, so no other CPU can run in the
        // gap the mutation opens (cow-fork: 5 seeds x 3000 schedules, none caught; issue 18): the
        // mutation selects a kernel without the big lock, where the lost update is caught within 15
        // schedules. Since am_l's fields are checked, the lock-discipline detector reports the
        // unlocked read itself first, in the first schedule of either kernel.
        with { Kills = ["LockDiscipline"], Budget = 20, BigLock = false };

    /// <summary>amap_ref() at fork: am_l is taken but am_ref++ is skipped.</summary>
    public static readonly KernelSwitch AmapRefSkipsIncrement = Mutation("amap-ref-skips-increment", "amap_ref", "cow-fork",
        "amap_ref() at fork takes am_l but skips am_ref++, so the child's entry shares the amap uncounted (a reference count not taken)")
        with { Kills = ["AmapRefEqualsItsEntries"], Budget = 200 };

    /// <summary>uvm_fault() case 1: a write on a shared anon maps it writable instead of case 1B's copy.</summary>
    public static readonly KernelSwitch CowWritesSharedAnon = Mutation("cow-writes-shared-anon", "uvm_fault", "cow-fork",
        "uvm_fault() takes case 1A for a write on an anon with an_ref > 1 and maps it writable (a copy-on-write skipped)")
        with { Kills = ["SharedAnonIsNeverWritableMapped"], Budget = 50 };

    /// <summary>uvm_fault() case 1B: the new anon is a copy of the old one including an_swslot.</summary>
    public static readonly KernelSwitch CowCopyKeepsSwapSlot = Mutation("cow-copy-keeps-swap-slot", "uvm_fault", "cow-fork",
        "uvm_fault() case 1B gives the new anon the old anon's an_swslot along with its data, so two anons record one swap slot (a field copied that must not be)")
        with { Kills = ["SwapSlotHasAtMostOneOwner"], Budget = 200 };

    /// <summary>uvmfault_anonget(): the page read in from swap is PG_BUSY without UVM_PAGE_OWN.</summary>
    public static readonly KernelSwitch AnongetBusiesWithoutOwner = Mutation("anonget-busies-without-owner", "uvmfault_anonget", "cow-fork",
        "uvmfault_anonget() allocates the page it reads from swap PG_BUSY but records no owner (UVM_PAGE_OWN skipped)")
        with { Kills = ["BusyPageHasARecordedOwner"], Budget = 200 };

    /// <summary>uvmfault_anonget(): uvmfault_relock()'s result is ignored.</summary>
    public static readonly KernelSwitch RelockIgnoresTimestamp = Mutation("relock-ignores-timestamp", "uvmfault_relock", "refault",
        "uvmfault_relock() succeeds although the map's timestamp moved while the fault slept, so the fault goes on with a stale lookup (a relock result ignored)");

    /// <summary>
    /// uvm_unmap()/uvm_map_protect(): vm_map_unlock() without the timestamp bump. The faulting
    /// thread goes on into the amap that munmap's amap_wipeout() freed (the use-after-free
    /// detector) and enters a mapping of the entry munmap removed (NoMappingOutlivesItsEntry).
    /// Which comes first at seed 0 has moved with the schedules: UseAfterFree from session 18,
    /// NoMappingOutlivesItsEntry again since session 30's MMU accesses (a load through a mapping the
    /// pmap has is no longer a fault).
    /// </summary>
    public static readonly KernelSwitch MapChangeSkipsTimestamp = Mutation("map-change-skips-timestamp", "uvm_unmap", "refault",
        "uvm_unmap() and uvm_map_protect() unlock the map without bumping its timestamp, so a sleeping fault's relock succeeds (a version not bumped)")
        with { Kills = ["NoMappingOutlivesItsEntry"], Budget = 200 };

    /// <summary>
    /// uvmpd_scan_inactive(): a swap-backed page is freed or paged out without pmap_page_protect(p,
    /// VM_PROT_NONE) first, so the pmaps that mapped it keep mapping a page that is freed and
    /// reused. Killed by PmapMapsOnlyPagesItsMappingsOwn.
    /// </summary>
    public static readonly KernelSwitch PageoutSkipsPmapPageProtect = Mutation("pageout-skips-pmap-page-protect", "uvmpd_scan_inactive", "cow-fork",
        "uvmpd_scan_inactive() frees or pages out a swap-backed page without pmap_page_protect(VM_PROT_NONE): the processes that mapped it keep the mapping (a call skipped)")
        with { Kills = ["PmapMapsOnlyPagesItsMappingsOwn"], Budget = 50 };

    /// <summary>uvm_unmap_remove(): the entry is unlinked but pmap_remove() of its range is skipped.</summary>
    public static readonly KernelSwitch UnmapSkipsPmapRemove = Mutation("unmap-skips-pmap-remove", "uvm_unmap_remove", "refault",
        "uvm_unmap_remove() unlinks the entry but skips pmap_remove() of its range: the pmap still maps the pages of an entry that is gone (a call skipped)")
        with { Kills = ["NoMappingOutlivesItsEntry"], Budget = 200 };

    /// <summary>amap_wipeout(): an_page of an anon uvm_anfree() just freed is cleared through the stale pointer. Killed by the use-after-free detector.</summary>
    public static readonly KernelSwitch AmapWipeoutTouchesFreedAnon = Mutation("amap-wipeout-touches-freed-anon", "amap_wipeout", "cow-fork",
        "amap_wipeout() clears an_page of an anon after uvm_anfree() freed it (a field of an anon touched after free)");

    /// <summary>uvmfault_anonget(): uvmexp.swpgonly-- is skipped when the page is read back from swap. Killed by the accounting detector.</summary>
    public static readonly KernelSwitch CowAnongetSkipsSwpgonly = Mutation("cow-anonget-skips-swpgonly", "uvmfault_anonget", "cow-fork",
        "uvmfault_anonget() reads an anon's page back from swap but skips uvmexp.swpgonly-- (a counter decrement skipped on one branch)");

    /// <summary>uvm_fault() case 2: uvmfault_relock()'s result after pgo_get is ignored.</summary>
    public static readonly KernelSwitch ObjectFaultIgnoresRelock = Mutation("object-fault-ignores-relock", "uvm_fault", "cow-file",
        "uvm_fault() case 2 maps the object page (or promotes it) although uvmfault_relock() failed after the sleeping pgo_get (a relock result ignored)")
        with { Kills = ["UseAfterFree"], Budget = 200 };

    /// <summary>uvm_fault() case 2: after the relock, the amap slot is not re-verified.</summary>
    public static readonly KernelSwitch PromoteSkipsSlotRecheck = Mutation("promote-skips-slot-recheck", "uvm_fault", "cow-file",
        "uvm_fault() case 2 does not re-verify after the relock that the amap slot is still free, so a promote adds a second anon to a slot another LWP filled while it slept (a re-check skipped)")
        // The designated mutant of NoProcessSeesAnotherProcessWrite since session 31, when cow-wire's
        // second LWP came to mprotect() and fork-skips-child-needs-copy was first seen sharing an anon writable.
        with { Kills = ["NoProcessSeesAnotherProcessWrite"], Budget = 200 };

    /// <summary>
    /// amap_wipeout() keeps the last reference of an anon whose only copy is in swap: the anon and
    /// its slot leak (session-21 mutation hunt; every per-step invariant holds, the slot is still
    /// recorded by the leaked anon). Killed by the leak checks at the end.
    /// </summary>
    public static readonly KernelSwitch WipeoutSkipsUnrefOfSwappedAnon = Mutation("wipeout-skips-unref-of-swapped-anon", "amap_wipeout", "cow-fork",
        "amap_wipeout() skips an_ref-- (and so uvm_anfree()) for an anon whose only copy is in swap and whose an_ref is 1: the anon and its swap slot leak")
        with { Kills = ["AnonRefsEqualTheirHolders"], Budget = 20 };

    /// <summary>
    /// From the session-22 mutation hunt: amap_copy() gives the entry its new amap but keeps the
    /// source's am_ref (a reference not dropped). Caught by AmapRefEqualsItsEntries.
    /// </summary>
    public static readonly KernelSwitch AmapCopySkipsSrcUnref = Mutation("amap-copy-skips-src-unref", "amap_copy", "cow-fork",
        "amap_copy() gives the entry its new amap but keeps the source's am_ref (a reference not dropped)");

    /// <summary>
    /// From the session-22 mutation hunt: case 1B replaces the shared anon in the amap but does not
    /// drop an_ref of the old one (a reference not dropped). Caught by AnonRefEqualsAmapSlots.
    /// </summary>
    public static readonly KernelSwitch Case1bSkipsOldAnonUnref = Mutation("case1b-skips-old-anon-unref", "uvm_fault", "cow-fork",
        "case 1B replaces the shared anon in the amap but does not drop an_ref of the old one (a reference not dropped)");

    /// <summary>
    /// From the session-22 mutation hunt: uvmspace_fork() marks both entries needs-copy but skips
    /// pmap_protect() of the parent (a stale writable mapping). Caught by
    /// SharedAnonIsNeverWritableMapped.
    /// </summary>
    public static readonly KernelSwitch ForkSkipsWriteProtect = Mutation("fork-skips-write-protect", "uvmspace_fork", "cow-fork",
        "uvmspace_fork() marks both entries needs-copy but skips pmap_protect() of the parent (a stale writable mapping)");

    /// <summary>
    /// From the session-22 mutation hunt: uvm_map_protect() lowers the entry's protection but not the
    /// pmap's (a stale writable mapping). Caught by NoMappingOutlivesItsEntry.
    /// </summary>
    public static readonly KernelSwitch ProtectSkipsPmapProtect = Mutation("protect-skips-pmap-protect", "uvm_map_protect", "refault",
        "uvm_map_protect() lowers the entry's protection but not the pmap's (a stale writable mapping)");

    /// <summary>uvm_map_protect(): vm_map_lock() without the VM_MAP_BUSY wait (session 31's hunt).</summary>
    public static readonly KernelSwitch ProtectIgnoresMapBusy = Mutation("protect-ignores-map-busy", "uvm_map_protect", "cow-wire",
        "uvm_map_protect() takes the map's lock without waiting for VM_MAP_BUSY to clear: it changes the entry while mlock()'s uvm_map_pageable() wires it in its second pass")
        with { Kills = ["LockDiscipline"], Budget = 200 };

    /// <summary>
    /// Session 30, for the data detector: uvmspace_fork() shares the parent's amap with the child's
    /// entry (MAP_INHERIT_COPY) without UVM_ET_NEEDSCOPY on it, so the child's first write fault
    /// writes the shared anons in place (an_ref is 1: the sharing is the amap's) and the parent
    /// reads the child's data. Killed by NoProcessSeesAnotherProcessWrite (cow-wire, schedule 1; in
    /// cow-fork SharedAnonIsNeverWritableMapped comes first).
    /// </summary>
    public static readonly KernelSwitch ForkSkipsChildNeedsCopy = Mutation("fork-skips-child-needs-copy", "uvmspace_fork", "cow-wire",
        "uvmspace_fork() gives the child's entry the parent's amap without UVM_ET_NEEDSCOPY (a flag not set): the child writes the anons it shares in place, and the parent sees the child's writes")
        with { Kills = ["SharedAnonIsNeverWritableMapped"], Budget = 200 };

    /// <summary>
    /// Session 30's second hunt: uvmspace_fork() write-protects the parent's pmap only after
    /// vm_map_unlock(), in a step of its own, so between the two the parent's entry is needs-copy
    /// and still mapped writable: a store by another of its LWPs would reach the anons the child
    /// shares. Killed by NeedsCopyEntryIsNeverWritableMapped.
    /// </summary>
    public static readonly KernelSwitch ForkProtectsAfterUnlock = Mutation("fork-protects-after-unlock", "uvmspace_fork", "cow-fork",
        "uvmspace_fork() marks the parent's entry needs-copy under the map lock but pmap_protect()s it only after vm_map_unlock() (a pmap update moved past the unlock)")
        with { Kills = ["NeedsCopyEntryIsNeverWritableMapped"], Budget = 100 };

    /// <summary>
    /// Session 30, for the data detector: uvm_fault() case 1B of a write takes the new page without
    /// uvm_pagecopy() (the store will overwrite it anyway, the reasoning goes), so the rest of the
    /// page is whatever the free page held. Killed by EveryStoreLandsOnItsOwnersData at the store:
    /// copy and store are one step, and after it the anon and its page agree.
    /// </summary>
    public static readonly KernelSwitch CowWriteSkipsPagecopy = Mutation("cow-write-skips-pagecopy", "uvm_fault", "cow-fork",
        "uvm_fault() case 1B of a write fault allocates the copy's page but skips uvm_pagecopy(), as if the store would overwrite the whole page: the rest of it is the free page's old contents")
        with { Kills = ["EveryStoreLandsOnItsOwnersData"], Budget = 100 };

    /// <summary>
    /// Session 35's hunt: uvm_fault() case 2A enters the object page of a private (copy-on-write)
    /// file entry with the entry's protection, without uvm_fault.c's cap ("we are not promoting.
    /// if the mapping is COW ensure that we don't give more access than we should":
    /// <c>if (UVM_ET_ISCOPYONWRITE(ufi.entry)) enter_prot &amp;= ~VM_PROT_WRITE</c>), so the
    /// process's later stores land in the file's page with no promote. No per-anon rule sees it (no
    /// anon is involved); killed by PrivateMappingWritesOnlyItsOwnAnon at schedule 1 of cow-file.
    /// </summary>
    public static readonly KernelSwitch CowObjectFaultMapsWritable = Mutation("cow-object-fault-maps-writable", "uvm_fault", "cow-file",
        "uvm_fault() case 2A maps the object page of a copy-on-write entry with the entry's write permission (enter_prot &= ~VM_PROT_WRITE skipped): the process stores straight into the file's page")
        with { Kills = ["PrivateMappingWritesOnlyItsOwnAnon"], Budget = 20 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): fork1() copies the vmspace but skips setrunnable() of the child. Caught by EverySleeperIsEventuallyWoken, schedule 1 of seeds 0-2, with and without the big lock.</summary>
    public static readonly KernelSwitch CowForkSkipsChildWakeup = Mutation("cow-fork-skips-child-wakeup", "fork1", "cow-fork",
        "fork1() copies the vmspace but skips setrunnable() of the child (a wakeup dropped): the child never runs")
        with { Kills = ["EverySleeperIsEventuallyWoken"], Budget = 10 };

    /// <summary>
    /// uvm_amap.c 1.20 (1999), amap_wiperange() walking am_slots (a range at least as long as
    /// am_nused): <c>stop = amap-&gt;am_nused</c> stays while am_nused shrinks, the loop advances past
    /// the slot a removal swapped in, and the filter <c>curslot &gt;= stop</c> compares a slot number
    /// with a count. Fixed by 1.27 (2000-11-25, chs) at the latest: the OpenBSD copy tagged
    /// "NetBSD: uvm_amap.c,v 1.27" has <c>slotend = slotoff + slots</c> and <c>stop--</c>, as have
    /// 1.82.16.2 (2007) and 1.107 (2012). Read in AmapOps.WipeRange.
    /// </summary>
    public static readonly KernelSwitch WiperangeSlotsWalk1999 = new("wiperange-slots-walk-1999", SwitchKind.Historical, "amap_wiperange (amap_unref of a partial munmap)", "cow-partial")
    {
        Origin = "uvm_amap.c 1.20 (1999-04) → fixed by 1.27 (2000-11, as the OpenBSD copy of 1.27 keeps it)",
        Title = "a partial munmap() leaves the anons of slots numbered at or above am_nused in the amap, with no entry referencing them",
        Description = "A process munmap()s a tail of its entry whose slots hold at least as many anons as the amap has in use. "
            + "amap_unref()'s amap_pp_adjref() drops the tail's per-page count to 0 and amap_wiperange() walks am_slots, but "
            + "skips every slot whose number is at or above am_nused (\"curslot >= stop\") and the slot each removal swaps in: "
            + "their anons stay in the amap, counted by no entry, until the whole amap goes.",
        Expected = "invariant AmapPprefCountsItsEntries",
        Budget = 30, // seed 0 finds it at schedule 9; seeds 0..9M: 2-24
    };

    /// <summary>
    /// amap_splitref() adds the second reference without amap_pp_establish() (a count not kept):
    /// ppref is never made, so a partial munmap() wipes nothing. Caught by AmapPprefCountsItsEntries.
    /// </summary>
    public static readonly KernelSwitch SplitrefSkipsPpEstablish = Mutation("splitref-skips-pp-establish", "amap_splitref (uvm_map_clip_end)", "cow-partial",
        "amap_splitref() raises am_ref without amap_pp_establish(): the amap keeps no per-page counts, and the unmapped part's anons stay in it")
        with { Kills = ["AmapPprefCountsItsEntries"], Budget = 20 };

    /// <summary>
    /// amap_unref() drops am_ref but not the dead entry's per-page counts (a decrement skipped).
    /// Caught by AmapPprefCountsItsEntries.
    /// </summary>
    public static readonly KernelSwitch UnrefSkipsPpAdjref = Mutation("unref-skips-pp-adjref", "amap_unref (uvm_unmap_detach)", "cow-partial",
        "amap_unref() drops am_ref but skips amap_pp_adjref(-1) of the dead entry's slots: their counts stay and nothing is wiped");
}
