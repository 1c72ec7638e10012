namespace Uvm.Model;

/// <summary>
/// Which historical kernel behaviour the model runs: one named switch per bug, each read at the
/// kernel site where the fix went in. <c>true</c> means the pre-fix (buggy) code. The default is
/// the fixed kernel.
/// </summary>
public sealed record KernelConfig
{
    /// <summary>The fixed kernel: every switch off.</summary>
    public static KernelConfig Fixed { get; } = new();

    /// <summary>
    /// PR kern/23095: uvm_swapout_threads() considers LSONPROC LWPs (running on another CPU) and
    /// LSRUN LWPs for swapout, and uvm_swapout() does cpu_swapout() and clears L_INMEM without
    /// re-checking l_stat under sched_lock. Read in <see cref="Swapout"/>. Fixed by cl@ (git
    /// 3448998b): the scan skips LSONPROC and uvm_swapout() returns if the LWP is LSONPROC once
    /// sched_lock is held; cpu_swapout() moves after the unlock.
    /// </summary>
    public bool Pr23095SwapoutRunningLwp { get; init; }

    /// <summary>Generic model mutations (<see cref="Mutation"/>), for mutation testing of the invariants.</summary>
    public Mutation Mutations { get; init; }

    /// <summary>True when <paramref name="m"/> is switched on.</summary>
    public bool Mutated(Mutation m) => (Mutations & m) != 0;

    /// <summary>
    /// Top-down uvm_map_findspace() returned space already in use (no PR number known; uvm_map.c,
    /// 2003, after VM_MAP_TOPDOWN was added). Seen as exec failing on top-down kernels with
    /// <c>ulimit -s unlimited</c>: the hint then sits low, beside text/data/heap, in a gap that may
    /// be smaller than the request. Read in <see cref="Maps.MapFindspace"/>: the pre-fix first test
    /// at a hint lying in a gap takes <c>min(hint, entry->next->start - len)</c> without checking
    /// <c>candidate &gt;= entry->end</c>. Reconstructed from kernel-reference §6; the pre-fix code
    /// itself is not available.
    /// </summary>
    public bool TopdownFindspaceReturnsUsedSpace { get; init; }

    /// <summary>
    /// Open question, not a known bug: the top-down walk of the map entries' red-black tree
    /// (uvm_map.c, tree since November 2003) never reaches the gap between vm_map_min and the
    /// lowest entry, since the tree holds entries and not the header; only the list search it
    /// falls back to after an alignment miss does. True runs the tree walk as the 2007 revisions
    /// with ownspace/space have it; false (the default) lets a failed top-down walk still try that
    /// gap, as the list walk it replaced did. Read in <see cref="Maps.MapTreeFindspace"/>. The
    /// November 2003 code is not stored, so which one 2004 ran is not established.
    /// </summary>
    public bool TopdownTreeMissesLowestGap { get; init; }

    /// <summary>
    /// PR kern/22752: uao_pagein_page() (swapctl -d → uao_swap_off) frees the page's old swap slot
    /// with uvm_swap_free(slot, 1) without checking for 0, though uao_get() slept with the object
    /// unlocked and the pagedaemon may have dropped the slot meanwhile: uvm_swap_free(0, 1) panics
    /// (swapdrum_getsdp(0) == NULL). Read in <see cref="SwapOff"/>. The fix (approx.: the exact
    /// commit is reconstructed) checks the old slot, as uao_dropswap() does and later revisions use.
    /// </summary>
    public bool Pr22752SwapFreeSlotZero { get; init; }

    /// <summary>
    /// The process-exit design: the 2004 reaperless rework (default) or the reaper thread before it.
    /// A design choice, not a bug; a workload's exit section may pick it. Read in
    /// <see cref="Exit.LwpExit"/> and by the kernel builder (which starts the reaper).
    /// </summary>
    public ExitDesign ExitDesign { get; init; }

    /// <summary>
    /// Model mutation of the exit rework (2004), not a historical PR: cpu_exit() runs uvm_lwp_exit()
    /// (the u-area goes onto the free list) before switching away from the exiting LWP, instead of
    /// lwp_exit2() running it after. Reverses the rule that a u-area is cached only once no CPU runs
    /// on it. Read in <see cref="Exit.LwpExit"/>; reaperless design only.
    /// </summary>
    public bool ExitFreeUareaBeforeSwitch { get; init; }

    /// <summary>
    /// Model mutation of the exit rework (2004), not a historical PR: lwp_exit2() frees the u-area
    /// with the pre-rework, blocking uvm_lwp_exit() (uvm_km_free) instead of only caching it, so the
    /// path after the switch away may sleep on kernel_map's lock. Reverses the rule that nothing after
    /// the switch blocks. Read in <see cref="Exit.ProcessExit"/>; reaperless design only.
    /// </summary>
    public bool ExitSleepAfterSwitch { get; init; }

    /// <summary>
    /// Model mutation of the exit rework (2004), not a historical PR: exit1() makes the process a
    /// zombie and wakes the parent where it sets SDYING, before its blocking teardown, instead of
    /// after cpu_lwp_free() together with detaching the last LWP. Reverses the rule that the parent
    /// can collect the process only once its last LWP no longer needs it. Read in
    /// <see cref="Exit.ProcessExit"/>; reaperless design only.
    /// </summary>
    public bool ExitZombieBeforeTeardown { get; init; }

    /// <summary>
    /// Model mutation of the reaper design (exit rework, 2004), not a historical PR: cpu_exit()
    /// calls exit2()/lwp_exit2(), which queue the dead process and LWP and wake the reaper, before
    /// switching away instead of right after. Reverses the rule that the reaper frees nothing while
    /// the LWP still runs. Read in <see cref="Exit.LwpExit"/>; reaper design.
    /// </summary>
    public bool ExitReaperBeforeSwitch { get; init; }

    /// F1, uvm_loan.c fix (2003), "after sleeping for memory, re-check whether we have a page": the
    /// pre-fix uvm_loanzero(), when uvm_pagealloc() of the shared zero page fails, sleeps in
    /// uvm_wait("loanzero"), relocks and retries the allocation at (uvm_loanzero_object, 0) without
    /// looking the page up again; if another thread allocated it meanwhile, uvm_pageinsert() gets a
    /// second page at the same offset (a panic here, a corrupt object and a leaked page in a
    /// kernel without the check). The fix goes back to the lookup. Read in <see cref="LoanZero"/>.
    /// No PR is known and the exact revision was not recoverable: the site is reconstructed from
    /// kernel-reference §4 and the fixed form of later uvm_loan.c.
    /// </summary>
    public bool LoanzeroSkipsRecheckAfterSleep { get; init; }

    /// <summary>
    /// F2, uvm_loan.c fix (2003), "put the allocated page on a page queue to satisfy owner tracking
    /// (UVM_PAGE_TRKOWN)": the pre-fix uvm_loanzero() un-busies a newly allocated zero page with
    /// UVM_PAGE_OWN(pg, NULL) before (or without) uvm_pageactivate(), so a UVM_PAGE_TRKOWN kernel
    /// finds an owned, unwired, unloaned page on no paging queue and panics in uvm_page_own(). Read
    /// in <see cref="LoanZero"/>. No PR is known and the exact revision was not recoverable: the
    /// site is reconstructed from kernel-reference §4 and the order of rev 1.29.2.4's zero loan.
    /// </summary>
    public bool LoanzeroUnownsUnqueuedPage { get; init; }

    /// <summary>
    /// F3, uvm_loan.c fix (2003), "dequeue the page when loaning it to the kernel (->K)": the
    /// pre-fix loan to the kernel bumps loan_count but leaves the page on its paging queue, so the
    /// pagedaemon may free or page out a page the kernel is still using (and an owner that then
    /// breaks the loan leaves an ownerless page on the queue, which trips the pagedaemon's
    /// KASSERT(anon != NULL)). Read in <see cref="PageLoan.LoanPageToKernel"/>, the one helper of
    /// every ->K loan. No PR is known and the exact revision was not recoverable: the site is
    /// reconstructed from kernel-reference §4.
    /// </summary>
    public bool KernelLoanLeavesPageQueued { get; init; }
}
