namespace Uvm.Model;

/// <summary>
/// The switches of the exit paths (model/Exit/). The four ordering mutations each reverse one rule
/// of the exit rework (jdolecek, 2004-01-04; <see cref="ExitDesign"/>) at its kernel site: model
/// mutations, not historical PRs, with a regression each.
/// </summary>
public static partial class Switches
{
    /// <summary>
    /// Found by the checker: procfs_rw() of 2003-04 (miscfs/procfs/procfs_subr.c) keeps the process
    /// and the LWP it found with PFIND() as bare pointers; process_doregs() PHOLD()s the LWP, copies
    /// its registers out with uiomove(), which may sleep, and PRELE()s it. Nothing stops the process
    /// exiting meanwhile: exit1() does not wait for l_holdcnt, and after the 2004 rework its last
    /// LWP is freed in lwp_exit2(), so the reader's PRELE() decrements a freed struct lwp. The later
    /// procfs takes p_reflock and lwp_addref() (procfs_proc_lock(), 2007), which exit1() and
    /// lwp_exit() drain (lwp_drainrefs()); the default does. Read in <see cref="Exit.ProcfsRegs"/>.
    /// </summary>
    public static readonly KernelSwitch ProcfsHoldOutlivesExit = new("procfs-hold-outlives-exit", SwitchKind.Discovered, "procfs_rw, process_doregs", "swapout-procfs")
    {
        Origin = "procfs p_reflock and lwp_addref()/lwp_drainrefs() (2007)",
        Title = "a procfs read PHOLD()s an LWP of a process that exits meanwhile: PRELE() writes the freed LWP",
        Description = "procfs_rw() finds the process with PFIND() and its representative LWP without taking a reference; "
            + "process_doregs() PHOLD()s the LWP and sleeps in uiomove(). The process exits, and exit1() does not wait "
            + "for l_holdcnt: lwp_exit2() frees the detached LWP, and the reader's PRELE() writes freed memory.",
        Expected = "invariant ExitedLwpHoldsNoPhold",
        Budget = 300,
    };

    /// <summary>The origin of the exit-rework mutations.</summary>
    private const string ExitRework = "exit rework (2004)";

    /// <summary>
    /// sysctl_procargs() of 2003-04 (kern_sysctl.c 1.95; the same lines in init_sysctl.c 1.47 of
    /// 2005 and darwin_sysctl.c 1.24 of 2004) takes a reference to another process's vmspace and
    /// then keeps only the proc pointer: after malloc(M_WAITOK) and each uvm_io() it reads
    /// p->p_vmspace again and ends with uvmspace_free(p->p_vmspace). If the process exits meanwhile,
    /// the 2004 exit1() has pointed p_vmspace at vmspace0, so the reader reads and drops a
    /// reference of vmspace0 and leaks the old vmspace; if the parent has collected it, the reader
    /// reads a freed struct proc. Read in the stored texts (session 23) and reached by the
    /// checker; fixed by init_sysctl.c 1.96.2.2 (2007-03-09; the default), which saves the vmspace
    /// under proclist_lock. Read in <see cref="Exit.SysctlProcArgs"/>.
    /// </summary>
    public static readonly KernelSwitch ProcArgsRereadsProc = new("procargs-rereads-proc", SwitchKind.Discovered, "sysctl_procargs", "proc-args")
    {
        Origin = "init_sysctl.c 1.96.2.2 (2007-03-09): the vmspace saved, and its reference taken, under proclist_lock",
        Title = "sysctl KERN_PROC_ARGS reads p->p_vmspace again after sleeping and drops the reference of whatever it names then",
        Description = "sysctl_procargs() takes p->p_vmspace->vm_refcnt++ and keeps only p: after malloc(M_WAITOK) and uvm_io() it "
            + "reads p->p_vmspace again and ends with uvmspace_free(p->p_vmspace). The process exits meanwhile: exit1() points "
            + "p_vmspace at vmspace0 and drops its own reference, so the reader reads vmspace0, drops one of vmspace0's "
            + "references and leaks the old vmspace; once wait4() has freed the process, the reader reads a freed struct proc. "
            + "Later kernels save the vmspace under proclist_lock (init_sysctl.c 1.96.2.2, 2007).",
        Expected = "invariant VmspaceRefCountMatchesItsReferences", // or detector UseAfterFree, whichever the schedule meets first (regressions/ProcArgsReadsAProcessAfterItExited.cs); the former at seed 0 since pid 2 sets SA_NOCLDWAIT
        Budget = 100,
    };

    /// <summary>
    /// fork1() of 2003-04 (kern_fork.c 1.111) ends a vfork() with <c>while (p2->p_flag &amp;
    /// P_PPWAIT) tsleep(p1, PWAIT, "ppwait", 0)</c>: the parent LWP tests the child's flag after
    /// every wakeup. The child's exit1() clears P_PPWAIT and wakes the parent early, then goes on to
    /// SZOMB and wakes the parent's proc again; another LWP of the parent in wait4() may collect the
    /// child (proc_free) before the vforking LWP runs, which then reads p_flag of a freed struct
    /// proc (and, had proc_pool handed the item out again, the flag of whatever process holds it
    /// now). Reached by the checker (session 27, scenario vfork). Later NetBSD has the child clear
    /// the parent LWP's own l_vforkwaiting (sys/lwp.h "a: vfork() waiting", p_vforklwp) and waits
    /// on that (the default); the revision of the change was not found.
    /// </summary>
    public static readonly KernelSwitch VforkWaitsOnChildFlag = new("vfork-waits-on-child-flag", SwitchKind.Discovered, "fork1 (vfork)", "vfork")
    {
        Origin = "later NetBSD kern_fork.c: the vfork parent waits on its own LWP's l_vforkwaiting, which the child clears, and reads p2->p_pid before the loop (revision not found)",
        Title = "vfork()'s parent re-reads the child's P_PPWAIT after a wakeup, when a sibling's wait4() may have freed the child",
        Description = "fork1() ends a vfork() with while (p2->p_flag & P_PPWAIT) tsleep(p1, PWAIT, \"ppwait\", 0). The child's "
            + "exit1() clears P_PPWAIT and wakes the parent early, then becomes a zombie and wakes the parent's proc again; a "
            + "sibling LWP of the parent in wait4() collects the child (proc_free) before the vforking LWP runs, which then "
            + "reads p_flag of the freed struct proc. Later kernels wait on the parent LWP's own flag, cleared by the child.",
        Expected = "detector UseAfterFree",
        Budget = 100,
    };

    /// <summary>
    /// exit1() gives the child of a P_NOCLDWAIT parent to init but skips "If this was the last
    /// child of our parent, notify parent, so in case he was wait(2)ing, he will continue" (a
    /// wakeup skipped): a parent asleep in wait4() with no child left sleeps on for nothing (it
    /// should return ECHILD). Caught by the liveness property EveryLwpEventuallyExits when nothing
    /// more can run (a sibling's wait4() that reaps the last child wakes nobody in the kernel
    /// either, so "no child left" is no rule to check after every step).
    /// </summary>
    public static readonly KernelSwitch NocldwaitSkipsLastChildWakeup = Mutation("nocldwait-skips-last-child-wakeup", "exit1", "proc-args",
        "exit1() reparents the last child of a P_NOCLDWAIT parent to init without wakeup(parent): a parent asleep in wait4() with no child left is not told (a wakeup skipped)")
        with { Kills = ["EveryLwpEventuallyExits"], Budget = 50 };

    /// <summary>
    /// Session 28, the big-lock check: the 2004 exit1() gives a P_NOCLDWAIT parent's child to init
    /// in lwp_exit2(), on the idle stack after KERNEL_PROC_UNLOCK and cpu_exit(), instead of in its
    /// proclist section (a step moved past the unlock). The parent's and init's p_children and the
    /// child's p_pptr are then written without kernel_lock, which alone protects the process tree
    /// in 2003-04 (model/Core/Discipline.cs BigLockWrite): caught by LockDiscipline at schedule 1
    /// of proc-args; without the big lock nothing is checked, so the switch selects it.
    /// </summary>
    public static readonly KernelSwitch NocldwaitToInitAfterUnlock = Mutation("nocldwait-to-init-after-unlock", "lwp_exit2", "proc-args",
        "exit1() gives a P_NOCLDWAIT parent's child to init in lwp_exit2(), after KERNEL_PROC_UNLOCK and cpu_exit() (a step moved past the unlock): the process tree written without kernel_lock")
        with { Kills = ["LockDiscipline"], Budget = 5, BigLock = true };

    /// <summary>
    /// A vfork() child clears P_PPWAIT (and the parent LWP's l_vforkwaiting) in execve() or
    /// exit1() without wakeup(p->p_pptr) (a wakeup skipped): the parent LWP sleeps in "ppwait"
    /// for nothing until some later wakeup of its proc (the child's SZOMB) comes. Caught by the
    /// sleeper detector's NoSleeperWaitsForWhatIsAlreadyThere in the step that clears it.
    /// </summary>
    public static readonly KernelSwitch VforkDoneSkipsWakeup = Mutation("vfork-done-skips-wakeup", "fork1 (vfork)", "vfork",
        "a vfork() child's execve() or exit1() clears P_PPWAIT without wakeup(p->p_pptr): the parent LWP sleeps on in ppwait (a wakeup skipped)")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 50 };

    /// <summary>
    /// Found by the checker (session 33, from a review of the exit paths): sys_wait4() of kern_exit.c
    /// 1.121 (2003) and 1.162.2.1 (netbsd-4, the rework's lineage) finds a zombie child and then, with
    /// no lock held and no mark on the child, copies the status and the rusage out to the caller
    /// (copyout() may fault on a user page and sleep) before proc_free(child). A sibling LWP of the
    /// parent in wait4() meanwhile finds the same zombie and frees it: the first frees it again. The
    /// 2007 text (1.169.2.1) finds and frees the child under proclist_lock and copies out after; the
    /// default kernel has no copyout between the two (the one after proc_free() is left out), but
    /// keeps the rework's u-area drain between them (1.162.2.1; 1.169.2.1 drains in exit1()), a
    /// window that only a drain that sleeps opens under the big lock, and any step opens without it
    /// (exit-waiters --no-big-lock; docs/fidelity.md). Read in <see cref="Exit.ProcessWait"/>.
    /// </summary>
    public static readonly KernelSwitch Wait4CopiesOutBeforeFree = new("wait4-copies-out-before-free", SwitchKind.Discovered, "sys_wait4", "exit-waiters")
    {
        Origin = "kern_exit.c 1.169.2.1 (2007): proc_free() in the section that found the child, copyout() after",
        Title = "two LWPs of one parent in wait4() both collect the zombie one found before its copyout slept",
        Description = "sys_wait4() finds a zombie child, then copyout()s the status and rusage, which may fault and sleep, "
            + "before proc_free(child); the parent's other LWP, in wait4() too, finds the same zombie meanwhile and frees it, "
            + "and the first LWP's proc_free() frees it again.",
        Expected = "detector UseAfterFree",
        Budget = 100,
    };

    /// <summary>
    /// fork1(): the vfork loop tests P_PPWAIT once, `if` for `while`: the first wakeup of the
    /// parent's proc lets the parent return, though the wakeup may be another's (a second child's
    /// exit1() wakes the same channel) and the child still runs in the shared vmspace. From
    /// session 32's adversarial hunt. Caught by VforkParentWaitsWhileItsChildBorrowsItsSpace.
    /// </summary>
    public static readonly KernelSwitch VforkWaitsOnce = Mutation("vfork-waits-once", "fork1 (vfork)", "vfork",
        "fork1() of a vfork() sleeps in ppwait once and returns at the first wakeup of its proc (`if` for `while`), though another child's exit may have sent it while the vfork child still holds P_PPWAIT")
        with { Kills = ["VforkParentWaitsWhileItsChildBorrowsItsSpace"], Budget = 50 };

    /// <summary>
    /// uvm_km_pgremove(): the loop over the freed range stops one page short (an off-by-one on
    /// the end offset): the last page of each freed u-area stays in kernel_object, wired and owned,
    /// so no count of free, wired or queued pages shows it. From session 33's adversarial hunt,
    /// where no property noticed it. Caught by KernelObjectHoldsOnlyLiveAllocations.
    /// </summary>
    public static readonly KernelSwitch KmPgremoveStopsShort = Mutation("km-pgremove-stops-short", "uvm_km_pgremove", "exit-reaperless",
        "uvm_km_pgremove() stops one page short of the range uvm_km_free() gives back (an off-by-one): the last page of a freed u-area stays in kernel_object, lost for good")
        with { Kills = ["KernelObjectHoldsOnlyLiveAllocations"], Budget = 50 };

    /// <summary>
    /// proc_free() frees the process without LIST_REMOVE(p, p_list): the freed struct proc stays on
    /// zombproc, where every walker of the list (sysctl KERN_PROC, the next proc_free) reads it (a
    /// list removal skipped). Caught by the link check ProcListsHoldOnlyLiveProcesses.
    /// </summary>
    public static readonly KernelSwitch ProcFreeSkipsZombprocUnlink = Mutation("proc-free-skips-zombproc-unlink", "proc_free", "exit-reaperless",
        "proc_free() frees the process but leaves it on zombproc (LIST_REMOVE(p, p_list) skipped): a freed struct proc on a process list")
        with { Kills = ["ProcListsHoldOnlyLiveProcesses"], Budget = 50 };

    /// <summary>
    /// From session 34's mutation hunt (plant 01): exit_lwps() sets p_userret and clears it again
    /// before its lwp_wait1() loop instead of after it, so the interrupted siblings return to user
    /// mode and run on while exit1() waits for them. Reached in most exit-lwps schedules and judged
    /// by nothing until NoLwpOfADyingProcessRunsInUserMode (schedule 1).
    /// </summary>
    public static readonly KernelSwitch ExitLwpsClearsHookEarly = Mutation("exit-lwps-clears-hook-early", "exit_lwps", "exit-lwps",
        "exit_lwps() clears p->p_userret before waiting for the other LWPs, not after (a flag cleared too early): they return to user mode and run on")
        with { Kills = ["NoLwpOfADyingProcessRunsInUserMode"], Budget = 20 };

    /// <summary>
    /// lwp_wait1() collects a zombie LWP: off p_lwps and out of p_nlwps, but p_nzlwps is not
    /// decremented (a counter decrement skipped; kern_lwp.c 1.4 does both in one p_lwplock
    /// section). Caught by the recount LwpCountsMatchTheirLwps.
    /// </summary>
    public static readonly KernelSwitch LwpWait1SkipsNzlwps = Mutation("lwp-wait1-skips-nzlwps", "lwp_wait1", "exit-reaperless",
        "lwp_wait1() takes a zombie LWP off p_lwps and counts it out of p_nlwps but not out of p_nzlwps (a counter decrement skipped)")
        with { Kills = ["LwpCountsMatchTheirLwps"], Budget = 50 };

    /// <summary>
    /// sysctl_procargs() returns on an error after its vm_refcnt++ without uvmspace_free() (a
    /// reference not dropped: the 2001 text's <c>default: return (EINVAL)</c> in its second switch
    /// is such a return, unreachable there). Caught by the recount VmspaceRefCountMatchesItsReferences.
    /// </summary>
    public static readonly KernelSwitch ProcArgsLeaksVmspaceRef = Mutation("procargs-leaks-vmspace-ref", "sysctl_procargs", "proc-args",
        "sysctl_procargs() returns after its vm_refcnt++ without uvmspace_free(): the vmspace outlives its process (a reference not dropped)")
        with { Kills = ["VmspaceRefCountMatchesItsReferences"], Budget = 50 };

    /// <summary>cpu_exit() runs uvm_lwp_exit() before switching away. Read in <see cref="Exit.LwpExit"/>; reaperless design only.</summary>
    public static readonly KernelSwitch ExitFreeUareaBeforeSwitch = new("exit-free-uarea-before-switch", SwitchKind.Mutation, "cpu_exit", "exit-reaperless")
    {
        Kills = ["UareaIsNeverFreedOrReusedWhileItsLwpRuns"],
        Origin = ExitRework,
        Title = "exit caches the u-area before switching away from it",
        Description = "Model mutation, not a historical PR: it reverses an ordering rule of the exit rework. cpu_exit() runs "
            + "uvm_lwp_exit() before the switch away instead of lwp_exit2() after it, so the u-area the CPU still runs "
            + "on is on the free list, where fork1() can reuse it or uvm_uarea_drain() free it.",
        Expected = "invariant UareaIsNeverFreedOrReusedWhileItsLwpRuns",
        Budget = 50,
    };

    /// <summary>lwp_exit2() frees the u-area with the blocking uvm_km_free(). Read in <see cref="Exit.ProcessExit"/>; reaperless design only.</summary>
    public static readonly KernelSwitch ExitSleepAfterSwitch = new("exit-sleep-after-switch", SwitchKind.Mutation, "lwp_exit2", "exit-reaperless")
    {
        Kills = ["PathAfterSwitchAwayNeverSleeps"],
        Origin = ExitRework,
        Title = "lwp_exit2 frees the u-area with the blocking uvm_km_free after the switch",
        Description = "Model mutation, not a historical PR: it reverses an ordering rule of the exit rework. lwp_exit2() frees the "
            + "u-area the pre-rework way (uvm_km_free) instead of only caching it, so the path after the switch away, "
            + "which has no LWP to sleep for, blocks on kernel_map's lock when another path holds it.",
        Expected = "invariant PathAfterSwitchAwayNeverSleeps",
        Budget = 50,
    };

    /// <summary>exit1() makes the process a zombie where it sets SDYING. Read in <see cref="Exit.ProcessExit"/>; reaperless design only.</summary>
    public static readonly KernelSwitch ExitZombieBeforeTeardown = new("exit-zombie-before-teardown", SwitchKind.Mutation, "exit1", "exit-reaperless")
    {
        Kills = ["ZombieHasFreedItsResources"],
        Origin = ExitRework,
        Title = "exit1 makes the process a zombie before its blocking teardown",
        Description = "Model mutation, not a historical PR: it reverses an ordering rule of the exit rework. exit1() sets SZOMB and "
            + "wakes the parent where it should set SDYING, before uvm_proc_exit() and cpu_lwp_free(), so wait4() can "
            + "free the process while its last LWP is still attached and running, or asleep in uvmspace_free().",
        Expected = "invariant ZombieHasFreedItsResources",
        Budget = 50, // session 37: ZombieHasFreedItsResources sees the zombie at SZOMB, schedule 1 of seed 0 (regressions/ExitReworkOrderingRules.cs); ZombieIsReapedOnlyAfterLastLwpSwitchedAway needed 361
    };

    /// <summary>cpu_exit() calls exit2()/lwp_exit2() before switching away. Read in <see cref="Exit.LwpExit"/>; reaper design.</summary>
    public static readonly KernelSwitch ExitReaperBeforeSwitch = new("exit-reaper-before-switch", SwitchKind.Mutation, "cpu_exit", "exit-reaper")
    {
        Origin = ExitRework,
        Title = "the reaper is woken before cpu_exit switches away from the dead LWP",
        Description = "Model mutation, not a historical PR: it reverses an ordering rule of the exit design (here the reaper's). "
            + "cpu_exit() calls exit2()/lwp_exit2() before switching away instead of right after, so the reaper can "
            + "uvm_km_free() the u-area and free the vmspace of an LWP that still runs on them.",
        Expected = "invariant UareaIsNeverFreedOrReusedWhileItsLwpRuns",
        Budget = 50,
        Design = ExitDesign.Reaper,
    };

    /// <summary>uvm_uarea_drain(): a u-area is popped off the free list but never freed.</summary>
    public static readonly KernelSwitch UareaDrainDropsUarea = Mutation("uarea-drain-drops-uarea", "uvm_uarea_drain", "exit-reaperless",
        "uvm_uarea_drain() pops a u-area off the free list but never uvm_km_free()s it (a u-area leaked)")
        with { Kills = ["NoUareaIsLeaked", "UareaFreeCountMatchesFreeList"], Budget = 20 };

    /// <summary>
    /// uvm_uarea_free(): the u-area is linked onto the free list after simple_unlock(&amp;uvm_uareas_slock).
    /// The lock is taken and dropped inside one step, so only the lock-discipline check on the
    /// free list sees it (session 29).
    /// </summary>
    public static readonly KernelSwitch UareaFreeLinksAfterUnlock = Mutation("uarea-free-links-after-unlock", "uvm_uarea_free", "exit-reaperless",
        "uvm_uarea_free() links the u-area onto uvm_uareas after simple_unlock(&uvm_uareas_slock) (a list written after the unlock)")
        with { Kills = ["LockDiscipline"], Budget = 20 };

    /// <summary>
    /// uvm_lwp_exit() (2004): the u-area goes to the cache but l_addr is not cleared, so the zombie
    /// names a u-area the next fork1() takes. Found by the session-29 adversarial hunt: no property
    /// checked l_addr from the LWP's side until LwpAddrNamesItsOwnUarea.
    /// </summary>
    public static readonly KernelSwitch LwpExitKeepsLaddr = Mutation("lwp-exit-keeps-laddr", "uvm_lwp_exit", "exit-reaperless",
        "uvm_lwp_exit() links the u-area on the free list but leaves l_addr pointing at it (a pointer kept past the give-back)")
        with { Kills = ["LwpAddrNamesItsOwnUarea"], Budget = 50 };

    /// <summary>
    /// fork1(): the vfork path releases the parent's hold a second time after its "ppwait" loop.
    /// From the session-29 adversarial hunt, where it was reported only when the LWP exited
    /// (ExitedLwpHoldsNoPhold); HoldCountIsNeverNegative names it at the step.
    /// </summary>
    public static readonly KernelSwitch VforkPrelesTwice = Mutation("vfork-preles-twice", "fork1", "vfork",
        "fork1() of a vfork() does PRELE(l1) again after its ppwait loop (a hold released twice)")
        with { Kills = ["HoldCountIsNeverNegative"], Budget = 20 };

    /// <summary>exit1()/exit2(): wakeup(p->p_pptr) is skipped, so a parent asleep in wait4() is never told of the zombie.</summary>
    public static readonly KernelSwitch ExitSkipsParentWakeup = Mutation("exit-skips-parent-wakeup", "exit1", "exit-reaperless",
        "exit1() makes the process a zombie but skips wakeup(p->p_pptr), so a parent asleep in wait4() sleeps on (a lost wakeup)")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 50 };

    /// <summary>exit1(): the children are not reparented to init.</summary>
    public static readonly KernelSwitch ExitSkipsReparent = Mutation("exit-skips-reparent", "exit1", "exit-reaperless",
        "exit1() does not proc_reparent() its children to init, so an orphan's zombie names a dead parent and nobody collects it (a list move skipped)")
        with { Kills = ["ProcTreeLinksAgree"], Budget = 50 };

    /// <summary>uvm_lwp_exit(): the u-area is unwired and then put on the free list.</summary>
    public static readonly KernelSwitch LwpExitCachesUnwiredUarea = Mutation("lwp-exit-caches-unwired-uarea", "uvm_lwp_exit", "exit-reaperless",
        "uvm_lwp_exit() unwires the dead LWP's u-area, as uvm_km_free() would, and still caches it on uvm_uareas for fork1() to reuse as if resident (a state not kept)")
        with { Kills = ["SwapoutNeverSelectsAnExitingLwp"], Budget = 50 };

    /// <summary>
    /// From session 34's second hunt (plant 04): uvm_uarea_drain() loops <c>while (uvm_nuarea &gt;=
    /// leave)</c>, one past its floor: it frees one u-area too many, and the pagedaemon's drain to 0
    /// pops the head of an empty list. The model's pop returned null there and the drain ended, so
    /// nothing noticed; the kernel loads uvm_uareas-&gt;uu_next through NULL (panic uvm_uarea_drain
    /// now, exit-reaperless schedule 1).
    /// </summary>
    public static readonly KernelSwitch UareaDrainPopsOneMore = Mutation("uarea-drain-pops-one-more", "uvm_uarea_drain", "exit-reaperless",
        "uvm_uarea_drain() tests uvm_nuarea >= leave instead of > (an off-by-one): it drains one u-area below its floor, and from an empty list")
        with { Budget = 20 };

    /// <summary>uvm_uarea_drain(TRUE) leaves UVM_NUAREA_MAX u-areas cached, as uvm_uarea_drain(FALSE) does.</summary>
    public static readonly KernelSwitch UareaDrainStopsAtNuareaMax = Mutation("uarea-drain-stops-at-nuarea-max", "uvm_uarea_drain", "exit-reaperless",
        "uvm_uarea_drain(TRUE), called by the pagedaemon under a shortage, stops at UVM_NUAREA_MAX instead of emptying the cache (an argument ignored)")
        with { Kills = ["ShortageDrainEventuallyShrinksFreeList"], Budget = 50 };

    /// <summary>lwp_exit2(): a detached LWP is marked LSZOMB after pool_put() freed it. Killed by the use-after-free detector.</summary>
    public static readonly KernelSwitch LwpExit2TouchesFreedLwp = Mutation("lwp-exit2-touches-freed-lwp", "lwp_exit2", "exit-reaperless",
        "lwp_exit2() marks a detached LWP LSZOMB after pool_put() freed it (a field touched after free)")
        with { Kills = ["UseAfterFree"], Budget = 50 };

    /// <summary>sys_wait4(): the collected child's p_stat is read after proc_free() freed it. Killed by the use-after-free detector.</summary>
    public static readonly KernelSwitch ProcFreeTouchesFreedProc = Mutation("proc-free-touches-freed-proc", "sys_wait4, proc_free", "exit-reaperless",
        "sys_wait4() reads the collected child's p_stat after proc_free() returned it to proc_pool (a field of a proc touched after free)");

    /// <summary>lwp_wait1(): the collected zombie's l_stat is asserted after pool_put(). Killed by the use-after-free detector.</summary>
    public static readonly KernelSwitch LwpWaitTouchesFreedZombie = Mutation("lwp-wait-touches-freed-zombie", "lwp_wait1", "exit-reaperless",
        "lwp_wait1() asserts the collected zombie's l_stat after pool_put() (a field touched after free)");

    /// <summary>fork1(): a KASSERT(l2->l_stat == LSIDL) before SCHED_LOCK. Killed by the lock-discipline detector.</summary>
    public static readonly KernelSwitch ForkAssertsIdleUnlocked = Mutation("fork-asserts-idle-unlocked", "fork1", "exit-reaperless",
        "fork1() asserts the child LWP is LSIDL before taking sched_lock (a field read without its lock)");

    /// <summary>fork1(): setrunqueue() of the child moved after SCHED_UNLOCK, out of the section that made it LSRUN. Killed by the lock-discipline detector.</summary>
    public static readonly KernelSwitch ForkSetrunqueueAfterUnlock = Mutation("fork-setrunqueue-after-unlock", "fork1", "exit-reaperless",
        "fork1() puts the LSRUN child on the run queue after SCHED_UNLOCK (a protected write moved out of its section)");

    /// <summary>
    /// From hunt36: fork1() attaches a u-area uvm_uarea_alloc() took from the cache, still wired,
    /// without L_INMEM, so uvm_lwp_fork()'s <c>if ((l2-&gt;l_flag &amp; L_INMEM) == 0)</c> wires it a
    /// second time (a flag not set on one branch); its one unwiring leaves it wired for ever.
    /// Caught by UareaIsWiredAtMostOnce at schedule 1 of exit-reaperless (designated).
    /// </summary>
    public static readonly KernelSwitch ForkWiresCachedUarea = Mutation("fork-wires-cached-uarea", "fork1", "exit-reaperless",
        "fork1() attaches a cached (still wired) u-area without L_INMEM, so uvm_lwp_fork() wires it again (a flag not set on one branch)")
        with { Kills = ["UareaIsWiredAtMostOnce"], Budget = 20 };

    /// <summary>
    /// fork1(): PRELE(l1) skipped when the child's u-area came from the cache (a hold count leaked
    /// on a rare branch; from the session-21 mutation hunt). Killed by the accounting detector.
    /// </summary>
    public static readonly KernelSwitch ForkCachedUareaKeepsPhold = Mutation("fork-cached-uarea-keeps-phold", "fork1", "exit-reaperless",
        "fork1() skips PRELE(l1) when uvm_uarea_alloc() found a cached u-area, so the parent's l_holdcnt never returns to 0 and it is never swappable again (a hold count off by one on a rare branch)")
        with { Kills = ["ExitedLwpHoldsNoPhold"], Budget = 20 };

    /// <summary>
    /// exit1(): the orphans go to init but wakeup(initproc) is skipped (session-21 mutation hunt). A
    /// delay, not a hang: init is woken later by its own children's exits, so nothing is left asleep
    /// at the end. Killed by the per-step sleeper check (init asleep in wait4() with a zombie child).
    /// </summary>
    public static readonly KernelSwitch ReparentSkipsInitWakeup = Mutation("reparent-skips-init-wakeup", "exit1", "exit-reaper",
        "exit1() hands its children to init with proc_reparent() but skips wakeup(initproc): an orphan already a zombie waits until some other exit wakes init (a wakeup missed on one path, hidden by a later one)")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 200 };

    /// <summary>
    /// lwp_exit(): LIST_REMOVE(l, l_list) off alllwp without proclist_lock_write() (session-21
    /// mutation hunt: the walkers of alllwp, uvm_swapout_threads() and uvm_scheduler(), hold the
    /// read lock and may be between two LWPs). Killed by the lock-discipline detector: l_list is
    /// written only under proclist_lock (<c>Lwp.UnlinkFromAllLwp</c>).
    /// </summary>
    public static readonly KernelSwitch LwpExitUnlinksWithoutProclist = Mutation("lwp-exit-unlinks-without-proclist", "lwp_exit", "exit-reaperless",
        "lwp_exit() takes the LWP off alllwp without proclist_lock_write(), while uvm_swapout_threads() may be walking alllwp under the read lock (a list written without the lock its walkers hold)")
        with { Kills = ["LockDiscipline"], Budget = 50 };

    /// <summary>
    /// exit2() does not put the dead process on deadprocs: the reaper never makes it a zombie, and
    /// its parent waits in wait4() for ever with the child SDEAD. No wakeup is lost (nothing made a
    /// zombie to wake for), so only the end of the execution shows it.
    /// </summary>
    public static readonly KernelSwitch Exit2SkipsDeadprocs = Mutation("exit2-skips-deadprocs", "exit2", "exit-reaper",
        "exit2() queues the dead LWP on deadlwp but skips SLIST_INSERT_HEAD(&deadprocs, p): the reaper never reaps the process, which stays SDEAD, and its parent waits for it for ever (a list insertion skipped)")
        with { Kills = ["ExitedProcessIsEventuallyReaped", "EveryLwpEventuallyExits"], Budget = 20 };

    /// <summary>
    /// lwp_exit2() frees a detached LWP without pool_put(&amp;lwp_pool): what the model itself did
    /// until session 21, found by the pool leak check. Killed by it.
    /// </summary>
    public static readonly KernelSwitch LwpExit2SkipsPoolPut = Mutation("lwp-exit2-skips-pool-put", "lwp_exit2", "pool-drain",
        "lwp_exit2() frees a detached LWP (the last LWP of an exiting process) without pool_put(&lwp_pool, l): its item stays out of the pool for good (a resource leaked on one path)")
        with { Kills = ["PoolItemsAreHeldOrReturned"], Budget = 20 };

    /// <summary>
    /// exit1(): LIST_REMOVE(l, l_sibling) skipped, so lwp_exit2() frees a detached LWP the zombie's
    /// p_lwps still links (session-21 mutation hunt). Killed by the link detector.
    /// </summary>
    public static readonly KernelSwitch Exit1LeavesLwpOnPLwps = Mutation("exit1-leaves-lwp-on-p-lwps", "exit1", "exit-reaperless",
        "exit1() detaches its last LWP (L_DETACHED) but skips LIST_REMOVE(l, l_sibling), so lwp_exit2()'s pool_put() frees an LWP still linked on the zombie's p_lwps (a list element left linked after free)")
        with { Kills = ["ZombieHasFreedItsResources"], Budget = 20 }; // session 37: the zombie's LSDEAD LWP on p_lwps is seen at SZOMB, before ProcTreeLinksAgree sees the freed one

    /// <summary>
    /// proc_reparent(): the orphan goes on init's p_children but stays on its dead parent's list
    /// (session-21 mutation hunt). Killed by the link detector.
    /// </summary>
    public static readonly KernelSwitch ReparentLeavesChildOnOldList = Mutation("reparent-leaves-child-on-old-list", "exit1, proc_reparent", "exit-reaperless",
        "proc_reparent() links the orphan on initproc's p_children but skips LIST_REMOVE(child, p_sibling) from the exiting parent's list, so a process is on two p_children lists and the parent is freed with a non-empty p_children (a list element left linked)")
        with { Kills = ["ProcTreeLinksAgree"], Budget = 20 };

    /// <summary>
    /// From the session-22 mutation hunt: uvm_proc_exit() frees the old vmspace but leaves p_vmspace
    /// pointing at it (a freed object still named). Caught by the link check
    /// NoLiveProcessNamesAFreedVmspace (designated); before it, nothing with the big lock.
    /// </summary>
    public static readonly KernelSwitch Exit1KeepsPVmspace = Mutation("exit1-keeps-p-vmspace", "uvm_proc_exit", "exit-reaperless",
        "uvm_proc_exit() frees the old vmspace but leaves p_vmspace pointing at it (a freed object still named)")
        with { Kills = ["NoLiveProcessNamesAFreedVmspace"], Budget = 20 };

    /// <summary>
    /// From the session-22 mutation hunt: fork1() makes the child's LWP runnable but leaves p_stat SIDL
    /// (a state field not updated). Caught by the link check ProcessStateAgreesWithItsLwps
    /// (designated).
    /// </summary>
    public static readonly KernelSwitch ForkLeavesProcIdle = Mutation("fork-leaves-proc-idle", "fork1", "exit-reaperless",
        "fork1() makes the child's LWP runnable but leaves p_stat SIDL (a state field not updated)")
        with { Kills = ["ProcessStateAgreesWithItsLwps"], Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): newlwp() in fork1() puts the child's LWP on p_lwps without p_nlwps++ (a counter update skipped). Caught by LwpCountsMatchTheirLwps, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch NewlwpSkipsNlwps = Mutation("newlwp-skips-nlwps", "fork1", "exit-reaperless",
        "newlwp() in fork1() puts the child's LWP on p_lwps without p_nlwps++ (a counter update skipped)")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): lwp_exit2() makes a non-detached LWP LSZOMB without p_nzlwps++ (a counter update skipped). Caught by LwpCountsMatchTheirLwps, schedule 1, both lock modes (the default workload's two-LWP process).</summary>
    public static readonly KernelSwitch LwpExit2SkipsNzlwps = Mutation("lwp-exit2-skips-nzlwps", "lwp_exit2", "exit-reaperless",
        "lwp_exit2() makes a non-detached LWP LSZOMB without p_nzlwps++ (a counter update skipped)")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): lwp_exit() and exit1() make the LWP LSDEAD without p_nrlwps-- (a counter update skipped). Caught by LwpCountsMatchTheirLwps, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch LwpExitSkipsNrlwps = Mutation("lwp-exit-skips-nrlwps", "lwp_exit", "exit-reaperless",
        "lwp_exit() and exit1() make the LWP LSDEAD without p_nrlwps-- (a counter update skipped)")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): the reaper takes a detached LWP off p_lwps and frees it without p_nlwps-- (a counter update skipped). Caught by LwpCountsMatchTheirLwps, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch ReaperSkipsNlwps = Mutation("reaper-skips-nlwps", "reaper", "exit-reaper",
        "the reaper takes a detached LWP off p_lwps and frees it without p_nlwps-- (a counter update skipped)")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): fork1() puts the child on allproc but not on its PIDHASH chain (a list insertion skipped): pfind() cannot find it. Caught by ProcListsHoldOnlyLiveProcesses, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch ForkSkipsPidHash = Mutation("fork-skips-pid-hash", "fork1", "proc-args",
        "fork1() puts the child on allproc but not on its PIDHASH chain (a list insertion skipped): pfind() cannot find it")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): exit1() moves the process to zombproc but leaves it on its PIDHASH chain (a list removal skipped). Caught by ProcListsHoldOnlyLiveProcesses, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch Exit1LeavesPidHash = Mutation("exit1-leaves-pid-hash", "exit1", "proc-args",
        "exit1() moves the process to zombproc but leaves it on its PIDHASH chain (a list removal skipped)")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): proc_free() does LIST_REMOVE(p, p_list) after proclist_lock_write is released (a list write outside its lock). Caught by UseAfterFree (the unlink after the unlock follows pool_put's poisoning of the proc), schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch ProcFreeUnlinksAfterUnlock = Mutation("proc-free-unlinks-after-unlock", "proc_free", "exit-reaperless",
        "proc_free() does LIST_REMOVE(p, p_list) after proclist_lock_write is released (a list write outside its lock)")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): sysctl_procargs() ends with uvmspace_free() of its vmspace twice (a reference dropped twice, as on an error path that also drops it). Caught by VmspaceRefCountMatchesItsReferences, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch ProcArgsDropsRefTwice = Mutation("procargs-drops-ref-twice", "sysctl_procargs", "proc-args",
        "sysctl_procargs() ends with uvmspace_free() of its vmspace twice (a reference dropped twice, as on an error path that also drops it)")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): uvmspace_free() tears the vmspace down when the decrement leaves one reference (off by one: --vm_refcnt <= 1). Caught by ZombieIsReapedOnlyAfterLastLwpSwitchedAway (big lock) or UseAfterFree (without), schedule 1.</summary>
    public static readonly KernelSwitch UvmspaceFreeAtOneRef = Mutation("uvmspace-free-at-one-ref", "uvmspace_free", "proc-args",
        "uvmspace_free() tears the vmspace down when the decrement leaves one reference (off by one: --vm_refcnt <= 1)")
        with { Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): uvm_proc_exit() frees the old vmspace without pmap_deactivate()/pmap_activate() of proc0's: the CPU keeps the freed vmspace active (a wrong-order free). Caught by ZombieIsReapedOnlyAfterLastLwpSwitchedAway, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch Exit1SkipsPmapDeactivate = Mutation("exit1-skips-pmap-deactivate", "uvm_proc_exit", "exit-reaperless",
        "uvm_proc_exit() frees the old vmspace without pmap_deactivate()/pmap_activate() of proc0's: the CPU keeps the freed vmspace active (a wrong-order free)")
        with { Kills = ["ZombieIsReapedOnlyAfterLastLwpSwitchedAway"], Budget = 20 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): uvm_pageout() frees cached u-areas with uvm_uarea_drain(TRUE) but skips the wakeup(&amp;uvmexp.free) that follows. Caught by EveryLwpEventuallyExits, without the big lock at schedules 16, 15, 14 (seeds 0-2; the faithful kernel is clean in 1000 schedules of each); with it the scan's own wakeup covers the sleepers and 1000 schedules stay clean.</summary>
    public static readonly KernelSwitch DrainSkipsFreeWakeup = Mutation("drain-skips-free-wakeup", "uvm_pageout", "exit-reaperless",
        "uvm_pageout() frees cached u-areas with uvm_uarea_drain(TRUE) but skips the wakeup(&uvmexp.free) that follows (a wakeup dropped)")
        with { Kills = ["EveryLwpEventuallyExits"], Budget = 25, BigLock = false };

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): reaper() makes an undetached LWP a zombie but skips wakeup(&amp;p-&gt;p_nlwps). Caught by EveryLwpEventuallyExits at schedule 1 of seeds 0-2, with or without the big lock; since session 29 the sleeper detector names the missed wakeup at the step.</summary>
    public static readonly KernelSwitch ReaperSkipsNlwpsWakeup = Mutation("reaper-skips-nlwps-wakeup", "reaper", "exit-reaper",
        "reaper() makes an undetached LWP a zombie (p_nzlwps++) but skips wakeup(&p->p_nlwps) (a wakeup dropped): lwp_wait1() of the exiting process sleeps on")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 5 };

    /// <summary>
    /// From session 36's hunt (plant 9): reaper() takes a process off deadprocs before the LWPs on
    /// deadlwp, so the process becomes SZOMB (and its parent may collect it) while its last LWP is
    /// still LSDEAD, its u-area not yet freed. With the big lock it was judged by nothing (only
    /// UseAfterFree without it); ZombieHasFreedItsResources (session 37) judges it at the SZOMB step.
    /// </summary>
    public static readonly KernelSwitch ReaperTakesProcBeforeLwp = Mutation("reaper-takes-proc-before-lwp", "reaper", "exit-reaper",
        "reaper() takes the dead process before its dead LWPs (a reversed order): the process is a zombie while its last LWP is not")
        with { Kills = ["ZombieHasFreedItsResources"], Budget = 20 };
}
