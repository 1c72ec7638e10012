using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// The accounting detector (issue 17, item 3): each counter the kernel keeps is recounted from the
/// objects it counts after every step, so a skipped increment or decrement on any path shows as
/// drift at the end of the step that made it. A step is a critical section: counters it updates in
/// pieces agree again when it ends. Subsystem <c>detector</c>: checked in every scenario.
/// uvmexp.free is <see cref="PageInvariants.FreeCountMatchesFreeQueue"/>; uvmexp.swapouts/swapins
/// count events, not objects, and have nothing to recount.
/// </summary>
public static class AccountingDetector
{
    /// <summary>A vnode's v_numoutput counts the vwakeup()s its write bufs still owe (session 36).</summary>
    public static readonly Invariant VnodeOutputCountMatchesOwedVwakeups = new(
        nameof(VnodeOutputCountMatchesOwedVwakeups),
        "A vnode's v_numoutput equals the vwakeup()s its write bufs still owe: genfs_gop_write() adds 2 per buf (genfs_vnops.c 1.101), biodone() and uvm_aio_aiodone() each pay one (vfs_bio.c, uvm_pager.c 1.72.2.1), and a buf released owes none.",
        Detector.Subsystem, k =>
        {
            var vnodes = k.Vm.Vnodes;
            for (int i = 0; i < vnodes.Count; i++)
            {
                var vn = vnodes[i];
                int owed = 0;
                var bufs = vn.Outputs;
                for (int j = 0; j < bufs.Count; j++) owed += bufs[j].Owed;
                if (vn.NumOutput != owed) return $"v_numoutput of {vn} is {vn.NumOutput} but its {bufs.Count} write bufs owe {owed} vwakeup()s";
            }
            return null;
        })
    {
        Reads = StateDomain.Objects,
    };

    /// <summary>numvnodes counts the vnodes allocated from vnode_pool (session 37).</summary>
    public static readonly Invariant NumvnodesCountsAllocatedVnodes = new(
        nameof(NumvnodesCountsAllocatedVnodes),
        "numvnodes equals the number of vnodes allocated and not freed: getnewvnode() adds one with its pool_get, vgonel() takes one away with its pool_put (vfs_subr.c 1.222).",
        Detector.Subsystem, k => k.Vm.NumVnodes == k.Vm.Vnodes.Count
            ? null : $"numvnodes is {k.Vm.NumVnodes} but {k.Vm.Vnodes.Count} vnodes are allocated")
    {
        Reads = StateDomain.Objects,
    };

    /// <summary>uvmexp.paging counts the pages in pageout I/O.</summary>
    public static readonly Invariant PagingCountMatchesPagesInPageout = new(
        nameof(PagingCountMatchesPagesInPageout),
        "uvmexp.paging equals the number of pages with PG_PAGEOUT set (uvmpd_scan_inactive: paging++ as it starts a pageout; uvm_aio_aiodone: paging-- as it ends).",
        Detector.Subsystem, k =>
        {
            int n = 0;
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
                if ((pages[i].Flags & PageFlags.Pageout) != 0) n++;
            return k.Uvmexp.Paging == n ? null : $"uvmexp.paging is {k.Uvmexp.Paging} but {n} pages are being paged out";
        })
    {
        Reads = StateDomain.Pages,
    };

    /// <summary>uvmexp.active counts the active queue.</summary>
    public static readonly Invariant ActiveCountMatchesActiveQueue = new(
        nameof(ActiveCountMatchesActiveQueue),
        "uvmexp.active equals the number of pages on the active queue (uvm_pageactivate: active++; uvm_pagedeactivate, uvm_pagefree, uvm_pagewire: active-- as they take a page off it).",
        Detector.Subsystem, k => k.Uvmexp.Active == k.Vm.ActiveQueue.Count
            ? null : $"uvmexp.active is {k.Uvmexp.Active} but {k.Vm.ActiveQueue.Count} pages are on the active queue")
    {
        Reads = StateDomain.Pages,
    };

    /// <summary>uvmexp.inactive counts the inactive queue.</summary>
    public static readonly Invariant InactiveCountMatchesInactiveQueue = new(
        nameof(InactiveCountMatchesInactiveQueue),
        "uvmexp.inactive equals the number of pages on the inactive queue (uvm_pagedeactivate: inactive++; uvm_pageactivate, uvm_pagefree, uvm_pagewire: inactive-- as they take a page off it).",
        Detector.Subsystem, k => k.Uvmexp.Inactive == k.Vm.InactiveQueue.Count
            ? null : $"uvmexp.inactive is {k.Uvmexp.Inactive} but {k.Vm.InactiveQueue.Count} pages are on the inactive queue")
    {
        Reads = StateDomain.Pages,
    };

    /// <summary>uvmexp.wired counts the wired pages.</summary>
    public static readonly Invariant WiredCountMatchesWiredPages = new(
        nameof(WiredCountMatchesWiredPages),
        "uvmexp.wired equals the number of pages with a non-zero wire_count (uvm_pagewire: wired++ on the first wiring; uvm_pageunwire on the last, uvm_pagefree of a wired page: wired--).",
        Detector.Subsystem, k =>
        {
            int n = 0;
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
                if (pages[i].WireCount > 0) n++;
            return k.Uvmexp.Wired == n ? null : $"uvmexp.wired is {k.Uvmexp.Wired} but {n} pages are wired";
        })
    {
        Reads = StateDomain.Pages,
    };

    /// <summary>swpginuse counts the allocated swap slots.</summary>
    public static readonly Invariant SwapInUseMatchesAllocatedSlots = new(
        nameof(SwapInUseMatchesAllocatedSlots),
        "uvmexp.swpginuse equals the number of swap slots the allocator has handed out and not taken back (uvm_swap_alloc/uvm_swap_free under swap_data_lock).",
        Detector.Subsystem, k =>
        {
            var swap = k.Vm.Swap;
            int n = 0;
            for (int s = 1; s <= swap.Slots; s++)
                if (swap.IsInUse(s)) n++;
            return swap.InUse == n ? null : $"uvmexp.swpginuse is {swap.InUse} but {n} swap slots are allocated";
        })
    {
        Reads = StateDomain.Swap,
    };

    /// <summary>swpgonly counts the pages whose only copy is in swap.</summary>
    public static readonly Invariant SwapOnlyCountMatchesSwappedOutPages = new(
        nameof(SwapOnlyCountMatchesSwappedOutPages),
        "uvmexp.swpgonly equals the number of anons not yet freed by uvm_anfree and not yet freed aobj pages that have a swap slot and no resident page.",
        Detector.Subsystem, k =>
        {
            int n = 0;
            var anons = k.Vm.Anons;
            // An anon counts until uvm_anfree() frees it, whatever its an_ref: uvm_unloananon() drops
            // an_ref to 0 and unlocks before it calls uvm_anfree(), which does swpgonly-- (uvm_loan.c,
            // uvm_anon.c), so in between the kernel's counter still counts the anon's swap-only page.
            for (int i = 0; i < anons.Count; i++)
                if (anons[i] is { SwSlot: > 0, Page: null }) n++;
            var objs = k.Vm.AObjs;
            for (int i = 0; i < objs.Count; i++)
            {
                var o = objs[i];
                // A detached aobj is off uao_list but keeps its slots, and swpgonly counts them, until
                // uao_free() (uvm_aobj.c): it frees each slot and does swpgonly-- there.
                if (o.NoSwap) continue;
                for (int j = 0; j < o.Size; j++)
                    if (o.FindSwslot(j) > 0 && o.PageAt(j) is null) n++;
            }
            return k.Uvmexp.SwpgOnly == n ? null : $"uvmexp.swpgonly is {k.Uvmexp.SwpgOnly} but {n} pages are only in swap";
        })
    {
        Reads = StateDomain.Anons | StateDomain.Objects | StateDomain.Swap,
    };

    /// <summary>swd_npgbad counts the slots uvm_swap_markbad() marked bad.</summary>
    public static readonly Invariant SwapBadCountMatchesBadSlots = new(
        nameof(SwapBadCountMatchesBadSlots),
        "swd_npgbad equals the number of swap slots marked bad after a failed pageout (uvm_swap_markbad under swap_data_lock).",
        Detector.Subsystem, k =>
        {
            var swap = k.Vm.Swap;
            int n = 0;
            for (int s = 1; s <= swap.Slots; s++)
                if (swap.IsBad(s)) n++;
            return swap.Bad == n ? null : $"swd_npgbad is {swap.Bad} but {n} swap slots are marked bad";
        })
    {
        Reads = StateDomain.Swap,
    };

    /// <summary>The u-area free-list count counts the list.</summary>
    public static readonly Invariant UareaFreeCountMatchesFreeList = new(
        nameof(UareaFreeCountMatchesFreeList),
        "uvm_nuarea equals the number of u-areas on the free list whose state says cached (uvm_uarea_free/uvm_uarea_alloc/uvm_uarea_drain under uvm_uareas_slock).",
        Detector.Subsystem, k =>
        {
            var all = k.Uareas.All;
            int n = 0;
            for (int i = 0; i < all.Count; i++)
                if (all[i].State == Model.Exit.UareaState.Cached) n++;
            return k.Uareas.Count == n ? null : $"uvm_nuarea is {k.Uareas.Count} but {n} u-areas are cached";
        })
    {
        Reads = StateDomain.Uarea,
    };

    /// <summary>
    /// l_holdcnt counts the holds of paths still running (PHOLD/PRELE, sys/lwp.h: "If non-zero,
    /// don't swap."). Every PHOLD of the modelled kernel is taken by a path of the held LWP itself
    /// (fork1() holds its parent LWP until the child runs; kern_fork.c 1.111), so an LWP that has
    /// exited has none left: a hold still counted was never released, and had the LWP lived on it
    /// would never have been swappable again.
    /// </summary>
    public static readonly Invariant ExitedLwpHoldsNoPhold = Invariant.ForAll(
        nameof(ExitedLwpHoldsNoPhold),
        "An LWP that has exited (LSZOMB or LSDEAD) has l_holdcnt 0: every PHOLD a path took was matched by its PRELE.",
        Detector.Subsystem, k => k.Lwps, l => l.Freed || !l.Finished || l.HoldCount == 0,
        l => $"{l} exited with l_holdcnt {l.HoldCount}") with { Reads = StateDomain.Sched };

    /// <summary>
    /// l_holdcnt counts the PHOLD()s not yet matched by a PRELE() (sys/lwp.h: <c>#define PRELE(l)
    /// (--(l)->l_holdcnt)</c>), so it is never below zero: a PRELE() without its PHOLD(), or a second
    /// one on some path, leaves the LWP swappable while another path holds it. Judged at every step,
    /// so the extra PRELE() is named where it happens, not when the LWP exits
    /// (<see cref="ExitedLwpHoldsNoPhold"/>).
    /// </summary>
    public static readonly Invariant HoldCountIsNeverNegative = Invariant.ForAll(
        nameof(HoldCountIsNeverNegative),
        "An LWP's l_holdcnt is never below zero: every PRELE matches a PHOLD.",
        Detector.Subsystem, k => k.Lwps, l => l.Freed || l.HoldCount >= 0,
        l => $"{l} has l_holdcnt {l.HoldCount}: a PRELE without its PHOLD") with { Reads = StateDomain.LwpClock };

    /// <summary>
    /// shm_nattch counts the attachments of a SysV shm segment (sysv_shm.c of 2002: shmat()
    /// increments it as it fills the process's vm_shm entry, shm_delete_mapping() decrements it as
    /// it clears one, and shmexit() at exit and shmfork() at fork go through the same). Recounted
    /// from the processes' own entries, not from the counter: a path that loses an attachment
    /// (an exit without shmexit()) leaves the count high, and the segment is never deallocated
    /// after IPC_RMID.
    /// </summary>
    public static readonly Invariant ShmNattchCountsAttachments = new(
        nameof(ShmNattchCountsAttachments),
        "A SysV shm segment's shm_nattch equals the attachments live processes hold on it (their vm_shm entries), and a segment shm_deallocate_segment() freed has none: it runs only once shm_nattch is 0 (shmctl(IPC_RMID), shm_delete_mapping()).",
        Detector.Subsystem, k =>
        {
            var segments = k.Vm.ShmSegments;
            for (int i = 0; i < segments.Count; i++)
            {
                var seg = segments[i];
                int n = 0;
                for (int j = 0; j < k.Threads.Count; j++)
                    if (!k.Threads[j].Exited) n += k.Threads[j].ShmAttachmentsTo(seg);
                if (n != seg.Nattch) return $"{seg} has shm_nattch {seg.Nattch} but {n} attachment(s) held by live processes";
            }
            // A freed segment leaves shmsegs[] (the list above): its attachments are found from the processes.
            for (int j = 0; j < k.Threads.Count; j++)
                if (!k.Threads[j].Exited && k.Threads[j].AttachedFreedSegment() is { } freed)
                    return $"{freed} was freed by shm_deallocate_segment() while {k.Threads[j].Name} still has it attached";
            return null;
        })
    {
        // shm_nattch and a process's entries are the shm part of Objects (each entry changes with shm_nattch, and ShmUser bumps it for its own); an exit is Sleep.
        Reads = StateDomain.Objects | StateDomain.Sleep,
    };

    /// <summary>
    /// A process's LWP counters count its LWPs (proc.h 1.154): p_nlwps "Number of LWPs" the LWPs on
    /// p_lwps, p_nrlwps "Number of running LWPs" the LSRUN and LSONPROC ones, p_nzlwps "Number of
    /// zombie LWPs" the LSZOMB ones not yet collected. Each is changed by hand at its own sites
    /// (newlwp, fork1, ltsleep, setrunnable, lwp_exit, exit1, lwp_exit2 or the reaper, lwp_wait1),
    /// and read where it decides something: lwp_exit()'s last-LWP test, exit1()'s and exit_lwps()'
    /// wait for the siblings. kern_exit.c of 2007 states the end of the rule as proc_free()'s
    /// KASSERTs that all three are 0.
    /// </summary>
    public static readonly Invariant LwpCountsMatchTheirLwps = Invariant.ForAll(
        nameof(LwpCountsMatchTheirLwps),
        "A process's p_nlwps, p_nrlwps and p_nzlwps equal its LWPs on p_lwps, the LSRUN or LSONPROC ones, and the LSZOMB ones.",
        Detector.Subsystem, k => k.Procs, p => p.Reaped || LwpCountMismatch(p) is null,
        p => LwpCountMismatch(p)!) with { Reads = StateDomain.Proc | StateDomain.Sched };

    /// <summary>What <paramref name="p"/>'s counters say against what its LWPs are, or null when they agree.</summary>
    private static string? LwpCountMismatch(Model.Sched.Proc p)
    {
        var lwps = p.Lwps;
        int running = 0, zombies = 0;
        for (int i = 0; i < lwps.Count; i++)
        {
            var stat = lwps[i].Stat;
            if (stat is Model.Sched.LwpStat.Run or Model.Sched.LwpStat.OnProc) running++;
            else if (stat == Model.Sched.LwpStat.Zomb) zombies++;
        }
        if (p.Nlwps == lwps.Count && p.Nrlwps == running && p.Nzlwps == zombies) return null;
        return $"{p} has p_nlwps {p.Nlwps}, p_nrlwps {p.Nrlwps}, p_nzlwps {p.Nzlwps} but {lwps.Count} LWP(s) on p_lwps, {running} running, {zombies} zombie(s)";
    }

    /// <summary>
    /// vm_refcnt counts the references to a vmspace: the process running in it until
    /// uvm_proc_exit() drops its reference with uvmspace_free(), every reader that took one from
    /// outside (sysctl_procargs(), <see cref="Model.Sched.Lwp.HeldVmspace"/>), and for vmspace0
    /// proc0's and one per kernel thread (kthread_create1()'s uvmspace_share()). A reference
    /// dropped twice, or from the wrong vmspace, frees memory still in use or leaks the vmspace;
    /// uvm_map.c 1.335 (2015) states the rule as <c>KASSERT(vm->vm_refcnt > 0)</c> in
    /// uvmspace_addref(). Checked for vmspace0 and every vmspace a process was forked or exec'd
    /// with, freed or not (a freed one has no reference left).
    /// </summary>
    public static readonly Invariant VmspaceRefCountMatchesItsReferences = new(
        nameof(VmspaceRefCountMatchesItsReferences),
        "A vmspace's vm_refcnt equals its references: the process in it until uvm_proc_exit(), each outside reader (sysctl KERN_PROC_ARGS), and for vmspace0 proc0 and the kernel threads.",
        Detector.Subsystem, k =>
        {
            var vm0 = k.ProcLists.Proc0Vmspace;
            if (RefMismatch(k, vm0, 1 + k.KthreadLwps.Count) is { } bad) return bad;
            for (int i = 0; i < k.Procs.Count; i++)
            {
                var p = k.Procs[i];
                if (RefMismatch(k, p.ForkedVmspace, 0) is { } wrong) return wrong;
                for (int e = 0; e < p.ExecVmspaces.Count; e++)
                    if (RefMismatch(k, p.ExecVmspaces[e], 0) is { } execed) return execed;
            }
            return null;
        })
    {
        Reads = StateDomain.VmRefs,
    };

    /// <summary>A message if <paramref name="vm"/>'s vm_refcnt is not <paramref name="fixedRefs"/> plus its processes and readers.</summary>
    private static string? RefMismatch(IKernelView k, Model.Exit.ProcVmspace vm, int fixedRefs)
    {
        int procs = 0, readers = 0;
        for (int i = 0; i < k.Procs.Count; i++)
            if (k.Procs[i] is { Reaped: false } p && !p.VmspaceReleased && p.Vmspace == vm) procs++;
        for (int i = 0; i < k.Lwps.Count; i++)
            if (k.Lwps[i].HeldVmspace == vm) readers++;
        int refs = fixedRefs + procs + readers;
        return vm.RefCount == refs ? null
            : $"{vm} has vm_refcnt {vm.RefCount}{(vm.Freed ? " and is freed" : "")} but {refs} reference(s): {procs} process(es), {readers} reader(s){(fixedRefs > 0 ? $", {fixedRefs} of proc0 and the kernel threads" : "")}";
    }

    /// <summary>
    /// pr_nout counts the items a pool handed out (subr_pool.c: pool_get() ++, pool_put() --): once
    /// nothing more can run, each is held by a live structure: a struct proc proc_free() has not
    /// freed, a struct lwp not yet freed, a process map's entry, a u-area's kernel_map entry. Every
    /// pool_get() of the modelled paths has its pool_put() (proc_free, lwp_wait1, lwp_exit2,
    /// uvm_unmap_detach); an item handed out with no holder left is memory lost for good.
    /// </summary>
    public static readonly LivenessProperty PoolItemsAreHeldOrReturned = new(
        nameof(PoolItemsAreHeldOrReturned),
        "Once nothing more can run, each pool's pr_nout equals the live structures holding one of its items (procs, LWPs, map entries, u-areas' kernel_map entries): no item is leaked.",
        Detector.Subsystem, k =>
        {
            var pools = k.Pools;
            if (!pools.Enabled) return null;
            // Index loops: a foreach over an IReadOnlyList boxes its enumerator (CONTRIBUTING).
            int procs = 0, lwps = 0, entries = 0, kentries = 0;
            for (int i = 0; i < k.Procs.Count; i++)
                if (k.Procs[i] is { Reaped: false, PoolItem: not null }) procs++;
            for (int i = 0; i < k.Lwps.Count; i++)
                if (k.Lwps[i] is { Freed: false, PoolItem: not null }) lwps++;
            for (int v = 0; v < k.Vmspaces.Count; v++)
            {
                var list = k.Vmspaces[v].Map.Entries;
                for (int i = 0; i < list.Count; i++)
                    if (list[i].PoolItem is not null) entries++;
            }
            var uareas = k.Uareas.All;
            for (int i = 0; i < uareas.Count; i++)
                if (uareas[i].MapEntryItem is not null) kentries++;
            return Leak(pools.Proc, procs) ?? Leak(pools.Lwp, lwps) ?? Leak(pools.MapEntry, entries) ?? Leak(pools.KernelMapEntry, kentries);
        });

    private static string? Leak(Model.Pool.Pool pp, int held) =>
        pp.NOut == held ? null : $"pool {pp.Name} has {pp.NOut} item(s) out but {held} live structure(s) hold one";

    /// <summary>Every accounting check.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
        [PagingCountMatchesPagesInPageout, VnodeOutputCountMatchesOwedVwakeups, NumvnodesCountsAllocatedVnodes, ActiveCountMatchesActiveQueue, InactiveCountMatchesInactiveQueue, WiredCountMatchesWiredPages, SwapInUseMatchesAllocatedSlots, SwapOnlyCountMatchesSwappedOutPages, SwapBadCountMatchesBadSlots, UareaFreeCountMatchesFreeList, ExitedLwpHoldsNoPhold, HoldCountIsNeverNegative, ShmNattchCountsAttachments, LwpCountsMatchTheirLwps, VmspaceRefCountMatchesItsReferences];

    /// <summary>The accounting checks judged once nothing more can run.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [PoolItemsAreHeldOrReturned];
}
