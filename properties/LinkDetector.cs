using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// The link detector: a pointer the kernel keeps in both directions agrees with its partner at the
/// end of every critical section. uvm_page.h keeps the owner on the page (pg->uanon, pg->uobject,
/// pg->offset) and the page on the owner (anon->an_page; uvm_pagelookup(uobj, offset) through the
/// object's page list), and every path that gives a page an owner or takes it away changes both
/// under the owner's lock (uvm_pagealloc, uvm_pageinsert/uvm_pageremove, uvm_pagefree,
/// uvm_anfree, the loan code). A path that changes one side only leaves a dangling pointer: a
/// freed or reused page reached through an owner, or an owner reached through a page it gave up.
/// Like the accounting detector, subsystem <c>detector</c>: checked in every scenario.
/// </summary>
public static class LinkDetector
{
    /// <summary>anon->an_page and pg->uanon name each other.</summary>
    public static readonly Invariant AnonAndPageLinksAgree = new(
        nameof(AnonAndPageLinksAgree),
        "A live anon's an_page names a page whose uanon is that anon, and a page's uanon names a live anon whose an_page is that page (uvm_pagealloc, uvm_pagefree, uvm_anfree and the loan code set both under an_lock).",
        Detector.Subsystem, k =>
        {
            var anons = k.Vm.Anons;
            for (int i = 0; i < anons.Count; i++)
                if (anons[i] is { Freed: false, Page: { } p } a && p.Anon != a)
                    return $"{a}'s an_page is {p}, but {p}'s uanon is " + (p.Anon?.ToString() ?? "NULL");
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
            {
                if (pages[i] is not { Anon: { } owner } p) continue;
                if (owner.Freed) return $"{p}'s uanon is {owner}, which is freed";
                if (owner.Page != p) return $"{p}'s uanon is {owner}, but {owner}'s an_page is " + (owner.Page?.ToString() ?? "NULL");
            }
            return null;
        })
    {
        Reads = StateDomain.Pages | StateDomain.Anons,
    };

    /// <summary>An object's page at an offset and the page's uobject and offset name each other.</summary>
    public static readonly Invariant ObjectAndPageLinksAgree = new(
        nameof(ObjectAndPageLinksAgree),
        "A page an object holds at an offset has that object as uobject and that offset, and a page with a uobject names a live object that holds it at its offset (uvm_pageinsert and uvm_pageremove change both under vmobjlock).",
        Detector.Subsystem, k =>
        {
            var vm = k.Vm;
            if ((ObjectMismatch(vm.KernelObject) ?? ObjectMismatch(vm.LoanZeroObject)) is { } bad) return bad;
            for (int i = 0; i < vm.AObjs.Count; i++)
                if (ObjectMismatch(vm.AObjs[i]) is { } b) return b;
            for (int i = 0; i < vm.Vnodes.Count; i++)
                if (ObjectMismatch(vm.Vnodes[i]) is { } b) return b;
            var pages = vm.Pages;
            for (int i = 0; i < pages.Count; i++)
            {
                if (pages[i] is not { Object: { } o } p) continue;
                if (o.Freed) return $"{p}'s uobject is {o}, which is freed";
                var there = p.Index >= 0 && p.Index < o.Size ? o.PageAt(p.Index) : null;
                if (there != p)
                    return $"{p}'s uobject is {o} at offset {p.Index}, but {o} holds " + (there?.ToString() ?? "no page") + " there";
            }
            return null;
        })
    {
        Reads = StateDomain.Pages | StateDomain.Objects,
    };

    /// <summary>The first page of <paramref name="o"/> that does not name <paramref name="o"/> and its offset back, as a message.</summary>
    private static string? ObjectMismatch(AObj o)
    {
        for (int i = 0; i < o.Size; i++)
            if (o.PageAt(i) is { } p && (p.Object != o || p.Index != i))
                return $"{o} holds {p} at offset {i}, but {p}'s uobject is " + (p.Object?.ToString() ?? "NULL") + $" at offset {p.Index}";
        return null;
    }

    /// <summary>
    /// The process tree and each process's LWP list name live structures that name it back: proc.h
    /// keeps p_pptr on the child and p_children/p_sibling on the parent, l_proc on the LWP and
    /// p_lwps/l_sibling on the process, all under proclist_lock, and fork1(), proc_reparent(),
    /// lwp_wait1() and proc_free() change both ends in one section (LIST_REMOVE before pool_put).
    /// A list left naming a freed structure, or a child on a parent that is not its p_pptr, is a
    /// dangling link the next walk of the list (wait4, exit1's reparenting, swapout's scan) follows.
    /// </summary>
    public static readonly Invariant ProcTreeLinksAgree = new(
        nameof(ProcTreeLinksAgree),
        "A live process is on its p_pptr's p_children exactly once, its p_pptr is live, and its p_children and p_lwps name only live children and LWPs that name it back (fork1, proc_reparent, lwp_wait1 and proc_free change both ends under proclist_lock).",
        Detector.Subsystem, k =>
        {
            var procs = k.Procs;
            for (int i = 0; i < procs.Count; i++)
            {
                var p = procs[i];
                if (p.Reaped) continue;
                var kids = p.Children;
                for (int j = 0; j < kids.Count; j++)
                {
                    if (kids[j].Reaped) return $"pid {p.Pid}'s p_children names pid {kids[j].Pid}, which is freed";
                    if (kids[j].Parent != p) return $"pid {kids[j].Pid} is on pid {p.Pid}'s p_children but its p_pptr is " + (kids[j].Parent is { } q ? $"pid {q.Pid}" : "NULL");
                }
                var lwps = p.Lwps;
                for (int j = 0; j < lwps.Count; j++)
                {
                    if (lwps[j].Freed) return $"pid {p.Pid}'s p_lwps names {lwps[j]}, which is freed";
                    if (lwps[j].Proc != p) return $"{lwps[j]} is on pid {p.Pid}'s p_lwps but its l_proc is pid {lwps[j].Proc.Pid}";
                }
                if (p.Parent is not { } parent) continue;
                if (parent.Reaped) return $"pid {p.Pid}'s p_pptr is pid {parent.Pid}, which is freed";
                int n = 0;
                var siblings = parent.Children;
                for (int j = 0; j < siblings.Count; j++)
                    if (siblings[j] == p) n++;
                if (n != 1) return $"pid {p.Pid} is {n} times on its p_pptr pid {parent.Pid}'s p_children";
            }
            return null;
        })
    {
        // struct proc (its lists, p_pptr, proc_free) and struct lwp (l_proc, its free).
        Reads = StateDomain.Proc | StateDomain.Sched,
    };

    /// <summary>
    /// l_wchan and the sleep queue keyed by it (kern_synch.c 1.101.2.4: ltsleep() sets l_wchan and
    /// puts the LWP on SLPQUE(ident); wakeup() and unsleep() take it off and set <c>l->l_wchan = 0</c>,
    /// under sched_lock). A woken LWP that keeps l_wchan is on no sleep queue yet names one: the next
    /// unsleep() (setrunnable(), endtsleep()) walks that queue for an LWP it will not find, and
    /// ltsleep()'s "were we woken while stopped?" test (<c>l->l_wchan == NULL</c>) reads it wrong.
    /// The model keeps the sleep queue implicit (wakeup walks the LWPs asleep with that l_wchan),
    /// so the link reads: l_wchan set implies asleep (LSSLEEP, or LSSTOP after a stop while asleep).
    /// The converse does not hold in the model: a timed sleep and a kernel thread's sleep are
    /// LSSLEEP with no l_wchan.
    /// </summary>
    public static readonly Invariant LwpWithAWaitChannelIsAsleep = Invariant.ForAll(
        nameof(LwpWithAWaitChannelIsAsleep),
        "An LWP whose l_wchan is set is asleep on it (LSSLEEP, or LSSTOP while asleep): wakeup() and unsleep() clear l_wchan as they take the LWP off its sleep queue.",
        Detector.Subsystem, k => k.Lwps,
        l => l.Freed || l.WChan is null || l.Stat is Model.Sched.LwpStat.Sleep or Model.Sched.LwpStat.Stop,
        l => $"{l} is {l.Stat} but its l_wchan still names {l.WChan}: it is on no sleep queue") with { Reads = StateDomain.Sched | StateDomain.LwpClock };

    /// <summary>
    /// PG_PAGEOUT and the paging queues: uvmpd_scan_inactive() (uvm_pdaemon.c 1.39) marks a page
    /// it adds to a swap cluster PG_BUSY|PG_PAGEOUT and calls uvm_pagedequeue() in the same
    /// section ("we should remove the page from the page queues so we don't ever look at it
    /// again"); uvm_aio_aiodone() frees it or puts it back with PG_PAGEOUT cleared. A page in
    /// pageout left on the inactive queue is counted in uvmexp.inactive (inactarg, the shortage
    /// arithmetic) while it cannot be reclaimed, and every scan meets it again.
    /// </summary>
    public static readonly Invariant PageInPageoutIsOnNoPagingQueue = Invariant.ForAll(
        nameof(PageInPageoutIsOnNoPagingQueue),
        "A page with PG_PAGEOUT set is on neither the active nor the inactive queue (uvmpd_scan_inactive: uvm_pagedequeue() as the pageout starts).",
        Detector.Subsystem, k => k.Vm.Pages,
        p => (p.Flags & PageFlags.Pageout) == 0 || p.Queue is not (PageQueue.Active or PageQueue.Inactive),
        p => $"{p} is in pageout (PG_PAGEOUT) but still on the {p.Queue} queue") with { Reads = StateDomain.Pages };

    /// <summary>
    /// p_list and p_hash agree with p_stat (kern_exit.c 1.89.2.27, kern_proc.c 1.63): a process is
    /// on allproc and its pid hash chain from fork1() until exit1() moves it, unhashed, to zombproc
    /// (in the same proclist_lock section as SZOMB, or SDEAD before the reaper), and proc_free()
    /// takes it off zombproc before it frees it. A freed process still on a list is read by the
    /// list's next walker (sysctl KERN_PROC, pfind, proc_free of another); a live one on the wrong
    /// list is missed or misjudged by them.
    /// </summary>
    public static readonly Invariant ProcListsHoldOnlyLiveProcesses = Invariant.ForAll(
        nameof(ProcListsHoldOnlyLiveProcesses),
        "A process is on allproc and hashed while SIDL, SACTIVE or SDYING, on a process list (zombproc unhashed, or allproc hashed until exit1() moves it) while SDEAD or SZOMB, and on no list once proc_free() has freed it.",
        Detector.Subsystem, k => k.Procs,
        p => ProcListMismatch(p) is null,
        p => ProcListMismatch(p)!) with { Reads = StateDomain.Proc };

    /// <summary>What is wrong with <paramref name="p"/>'s lists, or null.</summary>
    private static string? ProcListMismatch(Model.Sched.Proc p)
    {
        if (p.Reaped)
            return p.ListedOnUnchecked == Model.Sched.ProcList.None && !p.HashedUnchecked ? null
                : $"pid {p.Pid} was freed by proc_free() but is still on {(p.ListedOnUnchecked == Model.Sched.ProcList.None ? "its pid hash chain" : p.ListedOnUnchecked.ToString().ToLowerInvariant())}";
        // One direction for the exited states: exit1() moves the process in the section that sets
        // SDEAD or SZOMB, but the rework's ordering mutation exit-zombie-before-teardown publishes
        // SZOMB early on purpose, and its own rule judges it.
        bool exited = p.Stat is Model.Exit.ProcStat.Dead or Model.Exit.ProcStat.Zomb;
        bool ok = exited
            ? p.ListedOn != Model.Sched.ProcList.None && (p.ListedOn == Model.Sched.ProcList.AllProc) == p.Hashed
            : p.ListedOn == Model.Sched.ProcList.AllProc && p.Hashed;
        return ok ? null : $"pid {p.Pid} is {p.Stat} but {(p.ListedOn == Model.Sched.ProcList.None ? "on no process list" : $"on {p.ListedOn.ToString().ToLowerInvariant()}")}, {(p.Hashed ? "hashed" : "unhashed")}";
    }

    /// <summary>
    /// p_vmspace of a process pfind() can return names a live vmspace: the 2004 uvm_proc_exit()
    /// switches the process to proc0's vmspace (<c>p->p_vmspace = proc0.p_vmspace</c>) before
    /// uvmspace_free() drops the old one, while the process is still SACTIVE with P_WEXIT. A
    /// process left naming its freed vmspace is read by anything that finds it and reads its
    /// vmspace (sysctl KERN_PROC_ARGS, procfs, ps, the swapout scan's p_vmspace->vm_map). An SDEAD
    /// or SZOMB process is exempt: the reaper of kern_exit.c 1.121 frees the vmspace of an SDEAD
    /// process and leaves the pointer (uvm_glue.c 1.44.2.2), and pfind() returns neither state
    /// (kern_proc.c 1.63).
    /// </summary>
    public static readonly Invariant NoLiveProcessNamesAFreedVmspace = Invariant.ForAll(
        nameof(NoLiveProcessNamesAFreedVmspace),
        "A process that pfind() can return (not SDEAD, SZOMB or freed) names a vmspace that is not freed (uvm_proc_exit: p_vmspace = proc0's vmspace before uvmspace_free() of the old one).",
        Detector.Subsystem, k => k.Procs,
        p => p.Reaped || p.Stat is Model.Exit.ProcStat.Dead or Model.Exit.ProcStat.Zomb || !p.Vmspace.Freed,
        p => $"pid {p.Pid} is {p.Stat} and its p_vmspace is {p.Vmspace}, which is freed") with { Reads = StateDomain.Proc };

    /// <summary>
    /// p_stat and its LWPs' l_stat: fork1() (kern_fork.c 1.111) sets <c>p2->p_stat = SACTIVE</c>
    /// and <c>l2->l_stat = LSRUN</c> together under SCHED_LOCK before setrunqueue(); SIDL
    /// ("protect against others") tells every walker of allproc to leave the half-built process
    /// alone. A process still SIDL once one of its LWPs has left LSIDL is skipped or misjudged by
    /// those walkers (psignal, the swapout scan, wait4's status) while it runs.
    /// </summary>
    public static readonly Invariant ProcessStateAgreesWithItsLwps = new(
        nameof(ProcessStateAgreesWithItsLwps),
        "A process in SIDL has only LSIDL LWPs: fork1() sets SACTIVE and LSRUN together under sched_lock.",
        Detector.Subsystem, k =>
        {
            var procs = k.Procs;
            for (int i = 0; i < procs.Count; i++)
            {
                var p = procs[i];
                if (p.Reaped || p.Stat != Model.Exit.ProcStat.Idl) continue;
                var lwps = p.Lwps;
                for (int j = 0; j < lwps.Count; j++)
                    if (!lwps[j].Freed && lwps[j].Stat != Model.Sched.LwpStat.Idle)
                        return $"pid {p.Pid} is still SIDL but its {lwps[j]} is {lwps[j].Stat}";
            }
            return null;
        })
    {
        Reads = StateDomain.Proc | StateDomain.Sched,
    };

    /// <summary>Every link check.</summary>
    /// <summary>
    /// uao_list holds exactly the aobjs something references: uao_create() links the new aobj
    /// (`LIST_INSERT_HEAD(&uao_list, aobj, u_list)` under uao_list_lock) and only the last
    /// uao_detach_locked() unlinks it, before it frees the pages (uvm_aobj.c 1.39.2.6). An aobj
    /// referenced but off the list is one uao_swap_off() never pages in ("page in every page in
    /// every aobj that is paged-out to a range of swslots"), so swapctl -d fails with EBUSY for
    /// good; one still on the list after its last reference went is walked, and referenced again,
    /// while it is being freed.
    /// </summary>
    public static readonly Invariant AObjIsOnUaoListExactlyWhileReferenced = new(
        nameof(AObjIsOnUaoListExactlyWhileReferenced),
        "An aobj is on uao_list exactly while it is live and referenced (uao_create() links it, the last uao_detach() unlinks it): uao_swap_off() walks every aobj that may hold swap slots.",
        Detector.Subsystem, k =>
        {
            var aobjs = k.Vm.AObjs;
            for (int i = 0; i < aobjs.Count; i++)
            {
                var o = aobjs[i];
                bool referenced = !o.Freed && (o.IsKernelObject || o.Refs > 0);
                if (o.OnList != referenced)
                    return o.OnList ? $"{o} is on uao_list but {(o.Freed ? "freed" : "has no reference left")}" : $"{o} has {o.Refs} reference(s) but is not on uao_list";
            }
            return null;
        })
    {
        Reads = StateDomain.Objects,
    };

    /// <summary>
    /// vnode_free_list and each vnode's v_freelist agree (vfs_subr.c 1.222): vrele() of the last
    /// reference inserts the vnode, vget() of a free vnode and getcleanvnode() take it off (the
    /// latter setting v_freelist to 0xdeadb), each in one section under vnode_free_list_slock; a
    /// vnode on the list is live, there once, and has v_usecount 0 (getcleanvnode()'s "free vnode
    /// isn't" panic states it where it recycles).
    /// </summary>
    public static readonly Invariant VnodeFreeListAndItsVnodesAgree = new(
        nameof(VnodeFreeListAndItsVnodesAgree),
        "A vnode is on vnode_free_list exactly when its v_freelist says so, once, live and with v_usecount 0 (vrele() puts it there, vget() and getcleanvnode() take it off).",
        Detector.Subsystem, k =>
        {
            var list = k.Vm.VnodeFreeList;
            for (int i = 0; i < list.Count; i++)
            {
                var vp = list[i];
                if (vp.Freed) return $"{vp} is on vnode_free_list but freed";
                if (!vp.OnFreeList) return $"{vp} is on vnode_free_list but its v_freelist says it is not";
                if (vp.UseCount != 0) return $"{vp} is on vnode_free_list with v_usecount {vp.UseCount}";
                for (int j = 0; j < i; j++)
                    if (list[j] == vp) return $"{vp} is on vnode_free_list twice";
            }
            var vnodes = k.Vm.Vnodes;
            for (int i = 0; i < vnodes.Count; i++)
            {
                if (!vnodes[i].OnFreeList) continue;
                bool found = false;
                for (int j = 0; j < list.Count && !found; j++) found = list[j] == vnodes[i];
                if (!found) return $"{vnodes[i]}'s v_freelist says it is on vnode_free_list, which does not hold it";
            }
            return null;
        })
    {
        Reads = StateDomain.Objects,
    };

    /// <summary>
    /// l_addr and the u-area's owner name each other (uvm_glue.c 1.93: uvm_lwp_fork() sets l_addr
    /// to the u-area uvm_uarea_alloc() gave it; uvm_lwp_exit() hands it to uvm_uarea_free() and sets
    /// <c>l->l_addr = NULL</c>). <see cref="ExitInvariants.NoUareaIsLeaked"/> checks the u-area's
    /// side; this is the LWP's: an LWP left naming a u-area it gave up names one the cache may hand
    /// to the next fork1(), whose stack its next cpu_switch() or swapout would use. Between the
    /// give-back and the clear, which the 2003 uvm_lwp_exit() does after uvm_km_free() returns
    /// (its vm_map_unlock() ends a step), a dead LWP still names the u-area it freed: allowed to an
    /// LWP that has exited, as long as no other LWP has the u-area.
    /// </summary>
    public static readonly Invariant LwpAddrNamesItsOwnUarea = Invariant.ForAll(
        nameof(LwpAddrNamesItsOwnUarea),
        "An LWP's l_addr is NULL or names a u-area in use by that LWP, or, once the LWP has exited, one no other LWP uses: uvm_lwp_exit() clears it as it gives the u-area back.",
        Detector.Subsystem, k => k.Lwps,
        l => l.Freed || l.Uarea is not { } u || (u.State == Model.Exit.UareaState.InUse ? u.Owner == l : l.Finished),
        l => l.Uarea!.State == Model.Exit.UareaState.InUse
            ? $"{l}'s l_addr names {l.Uarea}, which {l.Uarea.Owner?.ToString() ?? "no LWP"} uses"
            : $"{l}'s l_addr names {l.Uarea}, which is {l.Uarea.State.ToString().ToLowerInvariant()}")
        with { Reads = StateDomain.Sched | StateDomain.Uarea };

    public static IReadOnlyList<Invariant> All { get; } = [AnonAndPageLinksAgree, ObjectAndPageLinksAgree, ProcTreeLinksAgree,
        LwpWithAWaitChannelIsAsleep, PageInPageoutIsOnNoPagingQueue, NoLiveProcessNamesAFreedVmspace, ProcessStateAgreesWithItsLwps,
        ProcListsHoldOnlyLiveProcesses, AObjIsOnUaoListExactlyWhileReferenced, LwpAddrNamesItsOwnUarea, VnodeFreeListAndItsVnodesAgree];
}
