namespace Uvm.Model;

/// <summary>
/// One historical bug: its short id, PR, what went wrong, and how to switch it on.
/// <paramref name="FoundByChecker"/> marks a bug that uvmcheck found in the 2003-04 kernel and
/// that was fixed only later; its switch is on by default (<see cref="KernelConfig.Fixed"/>).
/// </summary>
public sealed record BugSwitch(
    string Id,
    string Pr,
    string Title,
    string Description,
    string Scenario,
    Func<KernelConfig, KernelConfig> Enable,
    bool FoundByChecker = false);

/// <summary>Every bug switch of <see cref="KernelConfig"/>, as listed by <c>uvmcheck list bugs</c>.</summary>
public static class KernelBugs
{
    /// <summary>The historical bugs the model can reproduce.</summary>
    public static IReadOnlyList<BugSwitch> All { get; } =
    [
        new("pr23095", "kern/23095",
            "swapout of an LWP running on another CPU or on the run queue",
            "uvm_swapout_threads() picks LSONPROC/LSRUN LWPs by l_swtime without sched_lock, and uvm_swapout() "
            + "clears L_INMEM and unwires the u-area without re-checking l_stat: a running LWP loses its kernel stack, "
            + "and a later swap-in panics in setrunqueue.",
            "swapout", c => c with { Pr23095SwapoutRunningLwp = true }),
        new("topdown-findspace", "none (uvm_map.c 2003, reconstructed)",
            "top-down uvm_map_findspace returns space already in use; exec fails with an unlimited stack",
            "With VM_MAP_TOPDOWN, when the hint lies in a gap, the first test takes min(hint, entry->next->start - len) "
            + "without checking it against entry->end, so a gap smaller than the request yields a range overlapping the "
            + "entry below. An unlimited stack limit puts the mmap/exec hint beside data, where other mappings leave such "
            + "gaps; uvm_map's post-condition KASSERT(entry->end <= va) fires.",
            "exec-topdown", c => c with { TopdownFindspaceReturnsUsedSpace = true }),
        new("pr22752", "kern/22752",
            "uvm_swap_free of slot 0 under SysV shm and heavy paging",
            "uao_pagein_page() (swapctl -d) sleeps in uao_get() with the shm aobj unlocked; a fault brings the page in "
            + "and the pagedaemon drops its swap slot; back under the lock, uao_set_swslot() returns 0 and the unchecked "
            + "uvm_swap_free(0, 1) panics (swapdrum_getsdp(0) == NULL). Exact fix site reconstructed.",
            "shm-swap", c => c with { Pr22752SwapFreeSlotZero = true }),
        new("exit-free-uarea-before-switch", ExitRework,
            "exit caches the u-area before switching away from it",
            "Model mutation, not a historical PR: it reverses an ordering rule of the exit rework. cpu_exit() runs "
            + "uvm_lwp_exit() before the switch away instead of lwp_exit2() after it, so the u-area the CPU still runs "
            + "on is on the free list, where fork1() can reuse it or uvm_uarea_drain() free it.",
            "exit-reaperless", c => c with { ExitFreeUareaBeforeSwitch = true }),
        new("exit-sleep-after-switch", ExitRework,
            "lwp_exit2 frees the u-area with the blocking uvm_km_free after the switch",
            "Model mutation, not a historical PR: it reverses an ordering rule of the exit rework. lwp_exit2() frees the "
            + "u-area the pre-rework way (uvm_km_free) instead of only caching it, so the path after the switch away, "
            + "which has no LWP to sleep for, blocks on kernel_map's lock when another path holds it.",
            "exit-reaperless", c => c with { ExitSleepAfterSwitch = true }),
        new("exit-zombie-before-teardown", ExitRework,
            "exit1 makes the process a zombie before its blocking teardown",
            "Model mutation, not a historical PR: it reverses an ordering rule of the exit rework. exit1() sets SZOMB and "
            + "wakes the parent where it should set SDYING, before uvm_proc_exit() and cpu_lwp_free(), so wait4() can "
            + "free the process while its last LWP is still attached and running, or asleep in uvmspace_free().",
            "exit-reaperless", c => c with { ExitZombieBeforeTeardown = true }),
        new("exit-reaper-before-switch", ExitRework,
            "the reaper is woken before cpu_exit switches away from the dead LWP",
            "Model mutation, not a historical PR: it reverses an ordering rule of the exit design (here the reaper's). "
            + "cpu_exit() calls exit2()/lwp_exit2() before switching away instead of right after, so the reaper can "
            + "uvm_km_free() the u-area and free the vmspace of an LWP that still runs on them.",
            "exit-reaper", c => c with { ExitDesign = ExitDesign.Reaper, ExitReaperBeforeSwitch = true }),
        new("loan-recheck-after-sleep", "uvm_loan.c fix (2003)",
            "uvm_loanzero does not look the zero page up again after sleeping for memory; a second page lands at the same offset",
            "uvm_loanzero() finds no shared zero page, uvm_pagealloc() fails and it sleeps in uvm_wait(\"loanzero\"); another "
            + "loan allocates the zero page meanwhile; back awake, the pre-fix loop retries uvm_pagealloc(&uvm_loanzero_object, 0) "
            + "without a new uvm_pagelookup(), and uvm_pageinsert() panics on the duplicate offset (a corrupt object and a leaked "
            + "page without DIAGNOSTIC). Exact revision not recoverable; site reconstructed.",
            "loan-zero", c => c with { LoanzeroSkipsRecheckAfterSleep = true }),
        new("loan-zero-page-unqueued", "uvm_loan.c fix (2003)",
            "uvm_loanzero drops ownership of the new zero page before putting it on a page queue (UVM_PAGE_TRKOWN)",
            "The pre-fix uvm_loanzero() clears PG_BUSY of the zero page it just allocated and calls UVM_PAGE_OWN(pg, NULL) while "
            + "the page, owned by uvm_loanzero_object, unwired and not yet loaned, is on no paging queue; a UVM_PAGE_TRKOWN "
            + "kernel panics in uvm_page_own(). A sequential assertion: the first zero-page loan of any schedule trips it. "
            + "Exact revision not recoverable; site reconstructed.",
            "loan-zero", c => c with { LoanzeroUnownsUnqueuedPage = true }),
        new("loan-kernel-page-queued", "uvm_loan.c fix (2003)",
            "a page loaned to the kernel stays on its paging queue; the pagedaemon reclaims a page the kernel is using",
            "The pre-fix loan to the kernel (uvm_loananon/uvm_loanuobj/uvm_loanzero with UVM_LOAN_TOPAGE) bumps loan_count "
            + "without uvm_pagedequeue(). While a socket send holds the loan, memory pressure lets the pagedaemon deactivate "
            + "the page and then free it (only disowning it) or page it out: the owner loses a page the kernel still reads, "
            + "the pagedaemon counts memory it did not free. Exact revision not recoverable; site reconstructed.",
            "loan", c => c with { KernelLoanLeavesPageQueued = true }),
        new("swapout-exited-lwp", "found by uvmcheck; fixed by l_swaplock (uvm_glue.c, vmlocking, 2007-08)",
            "uvm_swapout_threads swaps out outl/outl2 after dropping proclist with no swappable() re-check; the victim may have exited",
            "The alllwp walk picks outl2 (LSRUN), drops the proclist read lock; the LWP runs on another CPU and exits: "
            + "exit1(), uvm_lwp_exit() caches its u-area and sets l_addr = NULL, lwp_exit2() frees it. uvm_swapout() then "
            + "finds it not LSONPROC, clears L_INMEM of the freed LWP and calls uvm_fault_unwire() on a NULL range: panic "
            + "\"uvm_fault_unwire_locked: address not in map\". Only without the 2004 big lock (nothing sleeps in the window). "
            + "On by default: this is the 2003-04 code; the later code re-checks swappable() (KernelConfig.LaterFixed).",
            "swapout", c => c with { SwapoutWithoutSwappableRecheck = true }, FoundByChecker: true),
    ];

    /// <summary>The PR field of the exit-rework mutations: they are model mutations, not historical PRs.</summary>
    private const string ExitRework = "exit rework (2004)";

    /// <summary>The bug with this id (case-insensitive), or null.</summary>
    public static BugSwitch? Find(string id) =>
        All.FirstOrDefault(b => string.Equals(b.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The ids of the bugs switched on in <paramref name="config"/>.</summary>
    public static IReadOnlyList<string> EnabledIn(KernelConfig config) =>
        [.. All.Where(b => b.Enable(config) == config).Select(b => b.Id)];

    /// <summary>The configuration with the given bugs on and every other switch fixed.</summary>
    public static KernelConfig Configure(IEnumerable<string> ids)
    {
        var config = KernelConfig.Fixed;
        foreach (var id in ids)
            config = (Find(id) ?? throw new ArgumentException($"unknown bug '{id}'")).Enable(config);
        return config;
    }
}
