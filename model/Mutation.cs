namespace Uvm.Model;

/// <summary>
/// Generic model mutations for <c>uvmcheck mutate</c>: each breaks one kernel rule at one named
/// site, the way a plausible kernel bug would, so the kill matrix shows which invariant or kernel
/// assertion would catch it. Not historical bugs; those are the switches of <see cref="KernelConfig"/>.
/// </summary>
[Flags]
public enum Mutation
{
    /// <summary>The model as written.</summary>
    None = 0,

    /// <summary>uvm_swapout(): L_INMEM is cleared but the LSRUN LWP is not taken off the run queue (a queue removal skipped).</summary>
    SwapoutSkipsRemrunqueue = 1 << 0,

    /// <summary>uvm_swapin(): the LSRUN LWP is made resident but never put back on the run queue (a queue insertion skipped).</summary>
    SwapinSkipsSetrunqueue = 1 << 1,

    /// <summary>uvm_swapout_threads(): swappable() is not checked, so P_SYSTEM, exiting and PHOLDed LWPs are candidates (a re-check skipped).</summary>
    ScanSkipsSwappable = 1 << 2,

    /// <summary>
    /// uvm_swapout(): sched_lock is not taken, so clearing L_INMEM and remrunqueue() are two
    /// critical sections instead of one (a lock not taken: another CPU may run in between).
    /// </summary>
    SwapoutWithoutSchedLock = 1 << 3,

    /// <summary>setrunnable(): a swapped-out LWP is made LSRUN but proc0 is not woken (a lost wakeup).</summary>
    SetrunnableSkipsProc0Wakeup = 1 << 4,

    /// <summary>cpu_switch(): the chosen LWP is run but left linked on the run queue (a queue removal skipped).</summary>
    CpuSwitchSkipsRemrunqueue = 1 << 5,

    /// <summary>uvm_scheduler(): proc0 never finds a candidate, so nothing is swapped back in (a path that never runs).</summary>
    Proc0NeverSwapsIn = 1 << 6,

    /// <summary>
    /// uvmpd_scan_inactive(): a dirty page is given a new swap slot without first releasing its old
    /// one (uao_dropswap() / the an_swslot free skipped), so the old slot stays allocated with no
    /// owner (a swap slot leaked).
    /// </summary>
    PageoutKeepsOldSwapSlot = 1 << 7,

    /// <summary>uvm_pagefree(): an unloaned page goes on the free list still linked to its object (uao/vnode page entry not removed: a free page with an owner).</summary>
    PagefreeKeepsObject = 1 << 8,

    /// <summary>uvm_pagefree(): the page goes on the free list but uvmexp.free is not incremented (a counter update skipped).</summary>
    PagefreeSkipsFreeCount = 1 << 9,

    /// <summary>uvm_pagedequeue(): an inactive page is marked as on no queue but left linked on the inactive queue (a queue removal skipped).</summary>
    PagedequeueSkipsInactiveRemoval = 1 << 10,

    /// <summary>uvm_unloanpage(): an ownerless page whose last kernel loan is dropped is not uvm_pagefree()d (a page leaked).</summary>
    UnloanLeaksOwnerlessPage = 1 << 11,

    /// <summary>uvm_uarea_drain(): a u-area is popped off the free list but never uvm_km_free()d (a u-area leaked).</summary>
    UareaDrainDropsUarea = 1 << 12,

    /// <summary>
    /// uvm_loanpage() (a loan to the kernel, UVM_LOAN_TOPAGE): the page is dequeued and handed to
    /// the kernel but loan_count++ is skipped (a reference count not taken).
    /// </summary>
    LoanToKernelSkipsLoanCount = 1 << 13,

    /// <summary>
    /// uvm_map_findspace(): the top-down walk gives up after the first gap instead of walking down
    /// to the header (a loop that stops early: ENOMEM although a lower gap has room).
    /// </summary>
    FindspaceTopdownStopsAtFirstGap = 1 << 14,

    /// <summary>amap_copy(): the slots are copied but an_ref++ is skipped (a reference count not taken).</summary>
    AmapCopySkipsAnonRef = 1 << 15,

    /// <summary>amap_ref() at fork: am_ref++ done as a read and a later write without am_l (a count updated outside its lock).</summary>
    AmapRefWithoutLock = 1 << 16,

    /// <summary>uvm_fault() case 1: a write on a shared anon (an_ref &gt; 1) maps it writable instead of case 1B's copy (a copy-on-write skipped).</summary>
    CowWritesSharedAnon = 1 << 17,

    /// <summary>uvmfault_anonget(): uvmfault_relock()'s result is ignored, so a fault goes on after the map changed (a relock result ignored).</summary>
    RelockIgnoresTimestamp = 1 << 18,

    /// <summary>uvm_unmap()/uvm_map_protect(): vm_map_unlock() without the timestamp bump, so a sleeping fault's relock succeeds (a version not bumped).</summary>
    MapChangeSkipsTimestamp = 1 << 19,
}

/// <summary>The catalogue of mutations: a short id and the site each one breaks.</summary>
public static class Mutations
{
    /// <summary>Every mutation, with its id and site.</summary>
    public static IReadOnlyList<(Mutation Mutation, string Id, string Site)> All { get; } =
    [
        (Mutation.SwapoutSkipsRemrunqueue, "swapout-skips-remrunqueue", "uvm_swapout"),
        (Mutation.SwapinSkipsSetrunqueue, "swapin-skips-setrunqueue", "uvm_swapin"),
        (Mutation.ScanSkipsSwappable, "scan-skips-swappable", "uvm_swapout_threads"),
        (Mutation.SwapoutWithoutSchedLock, "swapout-without-sched-lock", "uvm_swapout"),
        (Mutation.SetrunnableSkipsProc0Wakeup, "setrunnable-skips-proc0-wakeup", "setrunnable"),
        (Mutation.CpuSwitchSkipsRemrunqueue, "cpu-switch-skips-remrunqueue", "cpu_switch"),
        (Mutation.Proc0NeverSwapsIn, "proc0-never-swaps-in", "uvm_scheduler"),
        (Mutation.PageoutKeepsOldSwapSlot, "pageout-keeps-old-swap-slot", "uvmpd_scan_inactive"),
        (Mutation.PagefreeKeepsObject, "pagefree-keeps-object", "uvm_pagefree"),
        (Mutation.PagefreeSkipsFreeCount, "pagefree-skips-free-count", "uvm_pagefree"),
        (Mutation.PagedequeueSkipsInactiveRemoval, "pagedequeue-skips-inactive-removal", "uvm_pagedequeue"),
        (Mutation.UnloanLeaksOwnerlessPage, "unloan-leaks-ownerless-page", "uvm_unloanpage"),
        (Mutation.UareaDrainDropsUarea, "uarea-drain-drops-uarea", "uvm_uarea_drain"),
        (Mutation.LoanToKernelSkipsLoanCount, "loan-to-kernel-skips-loan-count", "uvm_loanpage"),
        (Mutation.FindspaceTopdownStopsAtFirstGap, "findspace-topdown-stops-at-first-gap", "uvm_map_findspace"),
        (Mutation.AmapCopySkipsAnonRef, "amap-copy-skips-anon-ref", "amap_copy"),
        (Mutation.AmapRefWithoutLock, "amap-ref-without-lock", "amap_ref"),
        (Mutation.CowWritesSharedAnon, "cow-writes-shared-anon", "uvm_fault"),
        (Mutation.RelockIgnoresTimestamp, "relock-ignores-timestamp", "uvmfault_relock"),
        (Mutation.MapChangeSkipsTimestamp, "map-change-skips-timestamp", "uvm_unmap"),
    ];
}
