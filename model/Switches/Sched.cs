namespace Uvm.Model;

/// <summary>The switches of the scheduler and swapper paths (model/Sched/Swapout.cs, model/Sched/Scheduler.cs).</summary>
public static partial class Switches
{
    /// <summary>
    /// PR kern/23095. Read in <see cref="Uvm.Model.Swapout"/>. Fixed by cl@ (git 3448998b): the scan
    /// skips LSONPROC and uvm_swapout() returns if the LWP is LSONPROC once sched_lock is held;
    /// cpu_swapout() moves after the unlock.
    /// </summary>
    public static readonly KernelSwitch Pr23095 = new("pr23095", SwitchKind.Historical, "uvm_swapout_threads, uvm_swapout", "swapout")
    {
        Kills = ["OnProcLwpIsInMemory"],
        Origin = "PR kern/23095",
        Title = "swapout of an LWP running on another CPU or on the run queue",
        Description = "uvm_swapout_threads() picks LSONPROC/LSRUN LWPs by l_swtime without sched_lock, and uvm_swapout() "
            + "clears L_INMEM and unwires the u-area without re-checking l_stat: a running LWP loses its kernel stack, "
            + "and a later swap-in panics in setrunqueue.",
        Expected = "invariant OnProcLwpIsInMemory",
        Budget = 20,
    };

    /// <summary>
    /// PR kern/31870 (uvm_glue.c 1.90, bouyer, 2005; pulled up to netbsd-2-0 as ticket #5965, so the
    /// 2004 release had it): after the fix of PR kern/23095 the walk skipped a running LWP with
    /// <c>case LSONPROC: KDASSERT(l-&gt;l_cpu != curcpu()); continue;</c>, reading l_stat and l_cpu
    /// without sched_lock. Read in <see cref="Uvm.Model.Swapout.SwapoutThreads"/>.
    /// </summary>
    public static readonly KernelSwitch Pr31870 = new("pr31870", SwitchKind.Historical, "uvm_swapout_threads", "swapout")
    {
        Origin = "PR kern/31870 (uvm_glue.c 1.90, 2005)",
        Title = "uvm_swapout_threads() asserts over l_cpu of an LSONPROC LWP without sched_lock",
        Description = "The pagedaemon's walk of alllwp holds only proclist_lock; for an LWP it sees LSONPROC it asserts "
            + "KDASSERT(l->l_cpu != curcpu()). \"l_stat is protected by sched_lock, which isn't held here, so we can race with "
            + "that lwp starting to run and see its l_cpu not updated yet\": a DEBUG kernel panics. The fix removes the "
            + "assertion; uvm_swapout() checks l_stat again under sched_lock.",
        Expected = "panic uvm_swapout_threads",
        Budget = 100,
    };

    /// <summary>
    /// Found by the checker (issue 18; docs/fidelity.md): the 2003-04 uvm_swapout_threads()
    /// (uvm_glue.c, read against rev 1.93, 2006, the same walk) drops the proclist read lock after the
    /// alllwp walk and swaps out outl/outl2 with no swappable() re-check, and uvm_swapout() backs off
    /// only for LSONPROC. If the victim exits meanwhile (u-area cached by uvm_lwp_exit(), the LWP
    /// freed), uvm_fault_unwire() runs on a u-area no longer in kernel_map and panics. The 2004
    /// kernel's big lock closes that window: the pagedaemon holds it from the walk to uvm_swapout()
    /// without sleeping, and the victim's exit needs it (seed 0, 5000 schedules, clean with the big
    /// lock modelled). So the switch selects a kernel without the big lock (<see cref="KernelSwitch.BigLock"/>
    /// false), where the 2004 path is reachable; the default model keeps the later re-check
    /// (uvm_glue.c 1.89.2.7, yamt, 2008-01-21: l_swaplock and swappable(l) re-checked).
    /// Read in <see cref="Uvm.Model.Swapout"/>.
    /// </summary>
    public static readonly KernelSwitch SwapoutExitedLwp = new("swapout-exited-lwp", SwitchKind.Discovered, "uvm_swapout_threads, uvm_swapout", "swapout")
    {
        Origin = "uvm_glue.c 1.89.2.7 (yamt, 2008-01-21)",
        Title = "swapout of an LWP that exited after the proclist unlock (without the big lock)",
        BigLock = false,
        Description = "uvm_swapout_threads() drops proclist_lock after the walk and swaps out outl2 unchecked; outl2 exits "
            + "completely in between (u-area freed, l_addr gone) and uvm_swapout()'s uvm_fault_unwire() panics in "
            + "uvm_fault_unwire_locked. Fixed later by l_swaplock and a swappable() re-check. Needs a kernel without the "
            + "2004 big lock (the switch selects one): under it the pagedaemon runs from the walk to uvm_swapout() unbroken.",
        Expected = "panic uvm_fault_unwire_locked",
        Budget = 3000,
    };

    /// <summary>
    /// kern_exit.c 1.121 (2003-08) → 1.149 (yamt, 2005, netbsd-3 ticket #678: "exit_lwps: fix a race
    /// which causes a panic 'setrunnable: lwp %p state was %d'"): exit_lwps() tests a sibling's
    /// l_stat and L_SINTR before it takes sched_lock, so a sibling another CPU woke in between (the
    /// clock's endtsleep() of its nanosleep) is setrunnable()'d while LSRUN or LSONPROC. Read in
    /// <see cref="Exit.LwpExit"/>'s wake loop.
    /// </summary>
    public static readonly KernelSwitch ExitLwpsTestsStatUnlocked = new("exit-lwps-tests-stat-unlocked", SwitchKind.Historical, "exit_lwps (exit1)", "exit-lwps")
    {
        Origin = "kern_exit.c 1.149 (2005, netbsd-3 ticket #678)",
        Title = "exit_lwps() tests a sibling's l_stat without sched_lock and setrunnable() panics",
        Description = "An LWP calls exit(2) while a sibling sleeps in nanosleep(): exit_lwps() reads the sibling's l_stat "
            + "(LSSLEEP) and L_SINTR before SCHED_LOCK, and the clock's endtsleep() on the other CPU makes the sibling runnable "
            + "in between; setrunnable() of a runnable LWP panics (\"setrunnable: lwp %p state was %d\"). The fix takes "
            + "sched_lock before the test.",
        Expected = "panic setrunnable",
        Budget = 600,
    };

    /// <summary>
    /// PR kern/29652 (fixed by kern_lwp.c 1.30 and kern_exit.c 1.151, yamt, 2005, netbsd-3 ticket
    /// #842: "Protect p_nrlwps by sched_lock."): the 2003-04 lwp_exit() (kern_lwp.c 1.4) counts the
    /// exiting LWP out of p_nrlwps under p_lwplock, while ltsleep() and setrunnable() change the same
    /// counter under sched_lock. Two locks for one counter: a sibling's sleep or wakeup on another CPU
    /// between lwp_exit()'s load and its store is lost. Read in <see cref="Exit.LwpExit"/>
    /// (SetDead), with <see cref="Sched.Proc.RacyNrlwps"/>. The 2004 big lock does not close it: a
    /// sibling's lwp_exit2(), which runs after cpu_exit() without the lock, and the clock's
    /// setrunnable() store p_nrlwps under sched_lock alone, unordered against a holder's load.
    /// </summary>
    public static readonly KernelSwitch Pr29652 = new("pr29652", SwitchKind.Historical, "lwp_exit (exit1)", "exit-lwps")
    {
        Origin = "PR kern/29652",
        Title = "lwp_exit() counts itself out of p_nrlwps under p_lwplock, not sched_lock, and loses a sibling's count",
        Description = "An LWP exits while, on another CPU, a sibling's lwp_exit2() (after cpu_exit(), without the big lock) or "
            + "the clock makes an LWP of the process runnable: lwp_exit() loads p_nrlwps under p_lwplock only, setrunnable() "
            + "stores p_nrlwps+1 under sched_lock, and lwp_exit() stores its own load minus one over it. p_nrlwps no longer "
            + "counts the running LWPs (exit_lwps() and the SA code read it). The fix (kern_lwp.c 1.30) changes p_nrlwps only "
            + "under sched_lock.",
        Expected = "invariant LwpCountsMatchTheirLwps",
        Budget = 200,
    };

    /// <summary>
    /// Found by the checker (session 19): lwp_exit() of 2003-04 (kern_lwp.c 1.4) decides whether it
    /// is the last LWP by <c>p->p_nlwps - p->p_nzlwps == 1</c>, and p_nzlwps counts an LWP only when
    /// it becomes LSZOMB after its switch away (lwp_exit2() in the 2004 rework, the reaper before).
    /// Two LWPs of one process that run off their programs on two CPUs: the second takes the big
    /// lock as the first drops it before cpu_exit(), still counts the first as live, and also
    /// takes the lwp_exit() path; nobody calls exit1(), and the process stays SACTIVE with no LWP,
    /// never a zombie, its parent never told. Fixed by kern_lwp.c 1.40.2.2 (2006): "We are not
    /// quite a zombie yet, but for accounting purposes we must increment the count of zombies
    /// here" (p_nzlwps++ before the test), which the default kernel runs. Read in
    /// <see cref="Exit.LwpExit.Run"/>.
    /// </summary>
    public static readonly KernelSwitch LwpExitCountsDyingSibling = new("lwp-exit-counts-dying-sibling", SwitchKind.Discovered, "lwp_exit", "exit-reaperless")
    {
        Origin = "kern_lwp.c 1.40.2.2 (2006)",
        Title = "two LWPs of a process exit together and neither calls exit1()",
        Description = "lwp_exit() tests p_nlwps - p_nzlwps == 1, and a sibling that is LSDEAD but has not yet switched away "
            + "(lwp_exit2() or the reaper makes it LSZOMB and counts it in p_nzlwps) still counts as live; two LWPs exiting on "
            + "two CPUs both take the lwp_exit() path, and the process never calls exit1(): it is never a zombie. Fixed by "
            + "counting the exiting LWP in p_nzlwps before the test (kern_lwp.c 1.40.2.2).",
        Expected = "liveness ProcessWhoseLwpsAllExitedBecomesAZombie",
        Kills = ["ProcessWhoseLwpsAllExitedBecomesAZombie"],
        Budget = 500,
    };

    /// <summary>
    /// Found by the checker (session 20; docs/fidelity.md): kern_exit.c 1.121's exit2() queues the
    /// process on deadprocs and lwp_exit2() its LWP on deadlwp in two deadproc_slock sections, with
    /// neither the big lock (released before cpu_exit()) nor any other lock between them, and reaper()
    /// runs its loop without the big lock, taking it (KERNEL_PROC_LOCK) for each item only. The
    /// reaper can so take the process before its last LWP is queued, make it a zombie and wake the
    /// parent, whose wait4() frees it; the reaper then takes the LWP and, as exit1() detached it,
    /// unlinks it from the freed proc's p_lwps and decrements its p_nlwps. Also reaper() reads
    /// p->p_pptr for its wakeup after KERNEL_PROC_UNLOCK. The default model queues both under one
    /// hold and keeps the big lock across the reaper's loop, a reaper without these windows; the
    /// kernel's fix was the exit rework of 2004-01 (exit-reaperless), which removed the reaper.
    /// Read in <see cref="Exit.ReaperExit"/> and <see cref="Threads.ReaperThread"/>.
    /// </summary>
    public static readonly KernelSwitch ReaperTwoSections = new("reaper-two-sections", SwitchKind.Discovered, "exit2, lwp_exit2, reaper", "exit-reaper")
    {
        Origin = "the exit rework (kern_exit.c, 2004-01-04)",
        Title = "the reaper frees a process's LWP after its parent freed the process",
        Description = "exit2() queues the process and lwp_exit2() its LWP in two deadproc_slock sections, and the reaper "
            + "runs its loop without the big lock: it can reap the process before the LWP is queued, the parent's wait4() "
            + "frees the process, and the reaper then unlinks the detached LWP from the freed proc's p_lwps (and reads "
            + "p->p_pptr for its wakeup after KERNEL_PROC_UNLOCK). The 2004 exit rework removed the reaper.",
        Expected = "invariant ZombieHasFreedItsResources", // session 37: the zombie published with its LWP not yet queued (LSDEAD), before any use after free
        Kills = ["ZombieHasFreedItsResources"],
        Budget = 50,
    };

    /// <summary>
    /// Found by the checker (session 21; docs/fidelity.md): uvm_map() of 1999-2004 allocates a
    /// kernel_map entry with kernel_map locked, pool_get(&amp;uvm_map_entry_kmem_pool, PR_WAITOK),
    /// and the pool's page allocator sleeps in uvm_wait() when memory is short: fork1()'s
    /// uvm_uarea_alloc() of a new u-area sleeps holding kernel_map, before PHOLD(l1) (kern_fork.c
    /// 1.111), so the forking LWP is a swapout candidate. The pagedaemon's uvm_swapout_threads()
    /// calls uvm_swapout() inside its alllwp walk with proclist_lock read-held, and uvm_swapout()'s
    /// uvm_fault_unwire() sleeps on kernel_map: a sleep with a spin lock held, and a deadlock (the
    /// forker waits for memory from the pagedaemon, the pagedaemon for kernel_map from the forker).
    /// uvm_map.c 1.222 (2006) allocates the entry before locking the map, the default; uvm_glue.c
    /// 1.89.2.7 (2008) drops proclist_lock around uvm_swapout(). Read in <see cref="Exit.KernelMem"/>.
    /// </summary>
    public static readonly KernelSwitch KernelMapEntryUnderLock = new("kernel-map-entry-under-lock", SwitchKind.Discovered, "uvm_map (uvm_km_alloc), uvm_swapout_threads", "pool-swapout")
    {
        Origin = "uvm_map.c 1.222 (2006): the new entry allocated before vm_map_lock",
        Title = "fork sleeps for a kernel_map entry holding kernel_map; the pagedaemon's swapout of it sleeps on kernel_map with proclist_lock held",
        Description = "uvm_km_alloc() of a new u-area takes its map entry from uvm_map_entry_kmem_pool with kernel_map locked; "
            + "short of memory the pool sleeps in uvm_wait() holding the map. The forking LWP, asleep and not yet PHOLDed, is "
            + "swapped out by the pagedaemon inside its alllwp walk: uvm_fault_unwire() sleeps on kernel_map with proclist_lock "
            + "held, and the forker waits for the memory the pagedaemon would free: a deadlock. Later kernels allocate the entry "
            + "before locking the map.",
        Expected = "detector SleepWithSpinLock",
        Kills = ["SleepWithSpinLock"],
        Budget = 2000,
    };

    /// <summary>uvm_swapout(): L_INMEM is cleared but the LSRUN LWP is not taken off the run queue.</summary>
    public static readonly KernelSwitch SwapoutSkipsRemrunqueue = Mutation("swapout-skips-remrunqueue", "uvm_swapout", "swapout",
        "uvm_swapout() clears L_INMEM but leaves the LSRUN LWP on the run queue (a queue removal skipped)")
        with { Kills = ["RunQueueHoldsOnlyRunnableInMemoryLwps"], Budget = 20 };

    /// <summary>uvm_swapin(): the LSRUN LWP is made resident but never put back on the run queue.</summary>
    public static readonly KernelSwitch SwapinSkipsSetrunqueue = Mutation("swapin-skips-setrunqueue", "uvm_swapin", "swapout",
        "uvm_swapin() makes the LSRUN LWP resident but never puts it back on the run queue (a queue insertion skipped)")
        with { Kills = ["RunnableResidentLwpIsQueued"], Budget = 20 };

    /// <summary>
    /// swappable() is not checked: neither by the uvm_swapout_threads() walk nor by the re-check the
    /// default model keeps in uvm_swapout() (Switches.SwapoutExitedLwp), which is the same macro.
    /// Since kernel threads are P_SYSTEM LWPs on alllwp (issue 17 item 5), the walk swaps out a
    /// kthread asleep past maxslp (aiodoned, the drain, the reaper), which SystemLwpIsNeverSwappedOut
    /// reports. Before, it survived: no LWP of the model was unswappable but for exiting ones, whose
    /// last LWP runs LSONPROC and is skipped for that.
    /// </summary>
    public static readonly KernelSwitch ScanSkipsSwappable = Mutation("scan-skips-swappable", "uvm_swapout_threads, uvm_swapout", "swapout",
        "uvm_swapout_threads() and uvm_swapout() do not check swappable(), so P_SYSTEM, exiting and PHOLDed LWPs are candidates (a re-check skipped)")
        with { Kills = ["SystemLwpIsNeverSwappedOut"], Budget = 200 };

    /// <summary>
    /// swappable(): the l_holdcnt test is left out, so a PHOLDed LWP (fork1()'s parent, asleep in
    /// uvm_lwp_fork()'s wiring of the child's u-area) is a swapout candidate. Found by the session-29
    /// adversarial hunt: before HeldLwpIsNeverSwappedOut no property judged it (the model reads
    /// nothing of a held LWP's stack that a swapout takes away).
    /// </summary>
    public static readonly KernelSwitch SwappableIgnoresHoldcnt = Mutation("swappable-ignores-holdcnt", "swappable", "pool-swapout",
        "swappable() does not test l_holdcnt, so uvm_swapout_threads() swaps out an LWP a path holds with PHOLD (a condition left out of a test)")
        with { Kills = ["HeldLwpIsNeverSwappedOut"], Budget = 20 };

    /// <summary>uvm_swapout(): sched_lock is not taken, so clearing L_INMEM and remrunqueue() are two critical sections.</summary>
    public static readonly KernelSwitch SwapoutWithoutSchedLock = Mutation("swapout-without-sched-lock", "uvm_swapout", "swapout",
        "uvm_swapout() does not take sched_lock, so clearing L_INMEM and remrunqueue() are two critical sections and another CPU may run in between (a lock not taken)");

    /// <summary>setrunnable(): a swapped-out LWP is made LSRUN but proc0 is not woken.</summary>
    public static readonly KernelSwitch SetrunnableSkipsProc0Wakeup = Mutation("setrunnable-skips-proc0-wakeup", "setrunnable", "swapout",
        "setrunnable() makes a swapped-out LWP LSRUN but does not wake proc0 (a lost wakeup)") with
    {
        Equivalent = "the faithful uvm_scheduler() loses the same wakeup on its own (\"XXXSMP: possible unlock/sleep race\": "
            + "setrunnable() between proclist_unlock_read() and tsleep(&proc0) finds nobody asleep), and uvm_meter() wakes "
            + "proc0 within maxslp/2 + 1 seconds either way: the mutant only makes that delay happen on every schedule, "
            + "and any bound that flags it flags the faithful kernel's race too",
    };

    /// <summary>cpu_switch(): the chosen LWP is run but left linked on the run queue.</summary>
    public static readonly KernelSwitch CpuSwitchSkipsRemrunqueue = Mutation("cpu-switch-skips-remrunqueue", "cpu_switch", "swapout",
        "cpu_switch() runs the chosen LWP but leaves it linked on the run queue (a queue removal skipped)");

    /// <summary>uvm_scheduler(): proc0 never finds a candidate.</summary>
    public static readonly KernelSwitch Proc0NeverSwapsIn = Mutation("proc0-never-swaps-in", "uvm_scheduler", "swapout",
        "uvm_scheduler() never finds a candidate, so nothing is swapped back in (a path that never runs)")
        with { Kills = ["RunnableSwappedOutLwpIsEventuallySwappedIn"], Budget = 50 };

    /// <summary>remrunqueue(): the LWP is unlinked but l_back is left set, so it still looks queued.</summary>
    public static readonly KernelSwitch RemrunqueueLeavesLBack = Mutation("remrunqueue-leaves-l-back", "remrunqueue", "swapout",
        "remrunqueue() unlinks the LWP from its run queue but leaves l_back set, so the LWP still says it is queued (a link not cleared)")
        with { Kills = ["LwpIsOnAtMostOneRunQueueOrCpu"], Budget = 20 };

    /// <summary>cpu_switch(): curlwp is set to the chosen LWP but l_cpu is not.</summary>
    public static readonly KernelSwitch CpuSwitchSkipsLCpu = Mutation("cpu-switch-skips-l-cpu", "cpu_switch", "swapout",
        "cpu_switch() makes the chosen LWP curlwp but leaves its l_cpu pointing at the CPU it last ran on (a back pointer not updated)")
        with { Kills = ["CpuRunsAtMostOneLwp"], Budget = 20 };

    /// <summary>
    /// uvm_swapout_threads(): a KASSERT(l->l_stat != LSONPROC || l->l_cpu != NULL) inside the alllwp walk
    /// reads l_cpu, which sched_lock protects and the walk does not hold. Killed by the lock-discipline detector.
    /// </summary>
    public static readonly KernelSwitch SwapoutScanAssertsUnlocked = Mutation("swapout-scan-asserts-unlocked", "uvm_swapout_threads", "swapout",
        "uvm_swapout_threads() asserts over l_cpu in its alllwp walk, without sched_lock (a field read without its lock)");

    /// <summary>
    /// uvm_swapin(): <c>l->l_flag |= L_INMEM</c> moved after SCHED_UNLOCK, out of the critical section
    /// that put the LWP on the run queue. Killed by the lock-discipline detector.
    /// </summary>
    public static readonly KernelSwitch SwapinSetsInMemAfterUnlock = Mutation("swapin-sets-inmem-after-unlock", "uvm_swapin", "swapout",
        "uvm_swapin() sets L_INMEM after SCHED_UNLOCK (a protected write moved out of its section)")
        with { Kills = ["LockDiscipline"], Budget = 20 };

    /// <summary>
    /// uvm_swapin(): L_INMEM set, under sched_lock, before uvm_fault_wire() has faulted the u-area's
    /// pages back in and wired them (the kernel sets it last, uvm_glue.c). Killed by
    /// InMemoryLwpHasItsUareaPagesWired.
    /// </summary>
    public static readonly KernelSwitch SwapinSetsInMemBeforeWiring = Mutation("swapin-sets-inmem-before-wiring", "uvm_swapin", "swapout",
        "uvm_swapin() sets L_INMEM before it wires the u-area (a flag set before the state it promises)")
        with { Kills = ["InMemoryLwpHasItsUareaPagesWired"], Budget = 20 };

    /// <summary>From the session-32 hunt (a livelock with the clock running): uvm_scheduler() wants a u-area plus freetarg pages free before it swaps in. Caught by EveryFairScheduleEnds at schedule 1 of swapout, with and without the big lock: the clock-free comparison of states sees the loop of proc0, the pagedaemon and schedcpu().</summary>
    public static readonly KernelSwitch SchedulerWaitsPastFreetarg = Mutation("scheduler-waits-past-freetarg", "uvm_scheduler", "swapout",
        "uvm_scheduler() swaps an LWP in only with more than a u-area plus freetarg pages free (a threshold changed), and the pagedaemon stops at freetarg: proc0 waits in uvm_wait(\"schedpwait\") for a pass that never frees enough while the clock ticks, a livelock")
        with { Kills = ["EveryFairScheduleEnds"], Budget = 20 };

    /// <summary>
    /// uvm_scheduler(): a KASSERT((l->l_flag &amp; L_INMEM) == 0) on the chosen LWP after proclist_unlock_read(),
    /// without sched_lock. Killed by the lock-discipline detector.
    /// </summary>
    public static readonly KernelSwitch SchedulerAssertsUnlocked = Mutation("scheduler-asserts-unlocked", "uvm_scheduler", "swapout",
        "uvm_scheduler() asserts L_INMEM of the LWP it will swap in without sched_lock (a field read without its lock)");

    /// <summary>uvm_swapout(): remrunqueue() moved after SCHED_UNLOCK, out of the section that cleared L_INMEM. Killed by the lock-discipline detector.</summary>
    public static readonly KernelSwitch SwapoutRemrunqueueAfterUnlock = Mutation("swapout-remrunqueue-after-unlock", "uvm_swapout", "swapout",
        "uvm_swapout() takes the LWP off the run queue after SCHED_UNLOCK (a protected write moved out of its section)");

    /// <summary>
    /// curcpu() in a kernel thread returns cpu_info_primary, the boot CPU's, wherever the kthread
    /// runs: on any other CPU it reads another thread's CPU. Read in Scheduler.CurCpu; killed by the
    /// KDASSERT(l->l_cpu != curcpu()) of uvm_swapout() (uvm_glue.c) when the victim runs on cpu0.
    /// </summary>
    public static readonly KernelSwitch KthreadCurcpuIsBootCpu = Mutation("kthread-curcpu-is-boot-cpu", "curcpu", "swapout",
        "curcpu() in a kernel thread reads the boot CPU's cpu_info, another thread's CPU once the kthread runs elsewhere (a kernel thread reads curcpu() as another thread's CPU)");

    /// <summary>
    /// Found by the checker: PHOLD() of another LWP (sys/lwp.h of 2003-04, used by procfs and
    /// ptrace's process_doregs(), kern/sys_process.c 1.79) tests <c>l_holdcnt++ == 0</c> and
    /// L_INMEM with no lock but the big one and calls uvm_swapin(), whose uvm_fault_wire() may sleep
    /// reading the u-area back from swap; proc0's uvm_scheduler() picks the same LSRUN, non-resident
    /// LWP and swaps it in too. Both wire the u-area and both setrunqueue() it. The later kernel
    /// holds l_swaplock across uvm_swapin() in both paths (uvm_glue.c 1.89.2.7, 2008), though
    /// proc0 still tests L_INMEM only before taking it; the default lets one path swap an LWP in at
    /// a time (<see cref="Sched.Lwp.SwappingIn"/>, as FreeBSD's P_SWAPPINGIN), and a PHOLD() that
    /// finds a swap-in under way waits for it. Read in <see cref="Exit.ProcfsRegs"/>,
    /// <see cref="Swapout.PickSwapinCandidate"/> and <see cref="Threads.SchedulerThread"/>.
    /// </summary>
    public static readonly KernelSwitch PholdSwapinUnlocked = new("phold-swapin-unlocked", SwitchKind.Discovered, "PHOLD, uvm_swapin, uvm_scheduler", "swapout-procfs")
    {
        Origin = "uvm_glue.c 1.89.2.7 (yamt, 2008-01): l_swaplock held across uvm_swapin() by uvm_lwp_hold() and uvm_scheduler()",
        Title = "PHOLD() from procfs swaps an LWP in while proc0 is swapping it in: the u-area is wired twice and the LWP queued twice",
        Description = "process_doregs()'s PHOLD(l) sees l_holdcnt 0 and L_INMEM clear and calls uvm_swapin(l) while proc0's "
            + "uvm_swapin() of the same LSRUN LWP sleeps in uvm_fault_wire() reading a u-area page from swap. Both wire "
            + "every u-area page and both setrunqueue() the LWP: the second panics (DIAGNOSTIC) or corrupts the run queue, "
            + "and if the LWP ran in between its u-area stays wired once more than any swapout unwires.",
        Expected = "panic setrunqueue",
        Budget = 200,
    };

    /// <summary>
    /// From session 35's second hunt (plant 2): proc0 gives its swap-in mark up before it waits for
    /// memory but wakes nobody, so a PHOLD() asleep on the LWP's swap-in channel waits for a wakeup
    /// nobody owes it any more (a wakeup missing). Reached without the big lock only (under it proc0
    /// keeps the lock from its claim until it sleeps). Caught by NoSleeperWaitsForWhatIsAlreadyThere
    /// (designated) once a sleeper on an LWP's own channel waits for a flag still set.
    /// </summary>
    public static readonly KernelSwitch Proc0GiveUpSkipsWakeup = Mutation("proc0-give-up-skips-wakeup", "uvm_scheduler", "swapout-procfs",
        "proc0 clears its swap-in mark before uvm_wait(\"schedpwait\") without waking the PHOLD() that waits on it (a wakeup missing)")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 1000, BigLock = false };

    /// <summary>A generic model mutation: one rule broken at one site; <paramref name="title"/> says which.</summary>
    private static KernelSwitch Mutation(string id, string site, string scenario, string title) =>
        new(id, SwitchKind.Mutation, site, scenario) { Origin = "model mutation", Title = title };

    /// <summary>
    /// From the session-22 mutation hunt: wakeup() makes the sleeper runnable but leaves l_wchan set (a
    /// field not cleared). Caught by the link check LwpWithAWaitChannelIsAsleep (designated).
    /// </summary>
    public static readonly KernelSwitch WakeupLeavesWchan = Mutation("wakeup-leaves-wchan", "wakeup", "exit-reaperless",
        "wakeup() makes the sleeper runnable but leaves l_wchan set (a field not cleared)")
        with { Kills = ["LwpWithAWaitChannelIsAsleep"], Budget = 20 };

    /// <summary>
    /// From the session-22 mutation hunt: setrunnable() puts the LWP on the run queue without testing
    /// L_INMEM (a flag not tested). Caught by RunQueueHoldsOnlyRunnableInMemoryLwps.
    /// </summary>
    public static readonly KernelSwitch SetrunnableQueuesSwappedOut = Mutation("setrunnable-queues-swapped-out", "setrunnable", "swapout",
        "setrunnable() puts the LWP on the run queue without testing L_INMEM (a flag not tested)");

    /// <summary>From the session-23 mutation hunt (mutD): ltsleep() makes the LWP LSSLEEP without p_nrlwps-- (a counter update skipped). Caught by LwpCountsMatchTheirLwps, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch LtsleepSkipsNrlwps = Mutation("ltsleep-skips-nrlwps", "ltsleep", "exit-reaperless",
        "ltsleep() makes the LWP LSSLEEP without p_nrlwps-- (a counter update skipped)")
        with { Budget = 20 };

    /// <summary>
    /// ltsleep(): p_nrlwps-- after SCHED_UNLOCK, in the same section. sched_lock is taken and
    /// dropped inside one step, so only the lock-discipline check on p_nrlwps sees it (session 29).
    /// </summary>
    public static readonly KernelSwitch LtsleepCountsAfterUnlock = Mutation("ltsleep-counts-after-unlock", "ltsleep", "exit-reaperless",
        "ltsleep() decrements p_nrlwps after SCHED_UNLOCK instead of with LSSLEEP under it (a counter written after the unlock)")
        with { Kills = ["LockDiscipline"], Budget = 20 };

    /// <summary>From the session-23 mutation hunt (mutD): setrunnable() counts the woken LWP into p_nrlwps twice (a counter update doubled). Caught by LwpCountsMatchTheirLwps, schedule 1, both lock modes.</summary>
    public static readonly KernelSwitch SetrunnableDoublesNrlwps = Mutation("setrunnable-doubles-nrlwps", "setrunnable", "exit-reaperless",
        "setrunnable() counts the woken LWP into p_nrlwps twice (a counter update doubled)")
        with { Budget = 20 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): uvm_fault_wire() wires a u-area page of kernel_object and unlocks it without clearing PG_BUSY. Caught by NoPageStaysBusy, schedules 1, 2, 1 (seeds 0-2).</summary>
    public static readonly KernelSwitch FaultWireLeavesPageBusy = Mutation("fault-wire-leaves-page-busy", "uvm_fault_wire", "swapout",
        "uvm_fault_wire() wires a u-area page of kernel_object and unlocks it without clearing PG_BUSY (an unbusy forgotten): the page stays owned by a finished fault")
        with { Kills = ["NoPageStaysBusy"], Budget = 10 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): uvm_fault_unwire() calls uvm_pageunwire() on the u-area pages before uvm_lock_pageq(). Caught by LockDiscipline, schedules 1, 2, 1 (seeds 0-2).</summary>
    public static readonly KernelSwitch FaultUnwireBeforePageqLock = Mutation("fault-unwire-before-pageq-lock", "uvm_fault_unwire", "swapout",
        "uvm_fault_unwire() calls uvm_pageunwire() on the u-area pages before uvm_lock_pageq() (a lock taken one statement late): wire counts and page queues change unlocked")
        with { Kills = ["LockDiscipline"], Budget = 10 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): schedcpu() drops sched_lock before its alllwp walk. Caught by LockDiscipline, schedule 1 of seeds 0-2.</summary>
    public static readonly KernelSwitch SchedcpuAgesUnlocked = Mutation("schedcpu-ages-unlocked", "schedcpu", "swapout",
        "schedcpu() drops sched_lock before its alllwp walk (a lock released one statement early): l_swtime, l_slptime and the timeouts change unlocked")
        with { Kills = ["LockDiscipline"], Budget = 10 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): preempt() puts the LWP back on the run queue without setting l_stat = LSRUN. Caught by the model's setrunqueue() assertion (panic setrunqueue), schedule 1 of seeds 0-2.</summary>
    public static readonly KernelSwitch PreemptLeavesOnproc = Mutation("preempt-leaves-onproc", "preempt", "swapout",
        "preempt() puts the LWP back on the run queue without setting l_stat = LSRUN (a field update skipped): an LSONPROC LWP sits on the run queue")
        with { Budget = 10 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): a kernel thread's ltsleep()/mi_switch() sets l_stat before taking sched_lock. Caught by LockDiscipline, schedule 1 of seeds 0-2.</summary>
    public static readonly KernelSwitch MiSwitchSetsStatUnlocked = Mutation("mi-switch-sets-stat-unlocked", "mi_switch", "swapout",
        "a kernel thread's ltsleep()/mi_switch() sets l_stat before taking sched_lock (a lock taken one statement late)")
        with { Kills = ["LockDiscipline"], Budget = 10 };

    /// <summary>From the session-24 mutation hunt (kernel functions no earlier mutant touched): uvm_meter() never does wakeup(&amp;proc0) after proc0 slept maxslp/2 seconds. Caught by RunnableSwappedOutLwpIsEventuallySwappedIn, schedules 3, 2, 1 (seeds 0-2); without the big lock schedule 1.</summary>
    public static readonly KernelSwitch UvmMeterSkipsProc0Wakeup = Mutation("uvm-meter-skips-proc0-wakeup", "uvm_meter", "swapout",
        "uvm_meter() never does wakeup(&proc0) after proc0 slept maxslp/2 seconds (a wakeup dropped): a swap-in that setrunnable()'s racy wakeup missed waits forever")
        with { Kills = ["RunnableSwappedOutLwpIsEventuallySwappedIn"], Budget = 10 };

    /// <summary>From the session-25 mutation hunt mutF (kernel functions no earlier mutant touched): uvm_swapin()'s uvm_fault_wire() of the u-area wires its pages but does not count the wiring. Caught by OnProcLwpIsInMemory at schedules 1, 2, 1 (seeds 0-2), with or without the big lock.</summary>
    public static readonly KernelSwitch FaultWireSkipsUareaWireCount = Mutation("fault-wire-skips-uarea-wire-count", "uvm_fault_wire", "swapout",
        "uvm_swapin()'s uvm_fault_wire() of the u-area wires its pages but does not count the wiring (a counter update skipped): the u-area reads as unwired while its pages are wired")
        with { Kills = ["OnProcLwpIsInMemory"], Budget = 5 };

    /// <summary>
    /// From the session-35 hunt for general rules: uvm_fault_wire() wires a u-area page of
    /// kernel_object without uao_dropswap() (uvm_fault.c 1.69/1.113: "the now-wired page cannot be
    /// paged out, release its swap resources"): a u-area page swap-in read back keeps its slot
    /// while wired, a swap leak for as long as the LWP stays resident. Read in
    /// <see cref="UareaWiring"/>. Caught by WiredPageHoldsNoSwapSlot (designated) at schedule 1 of
    /// seeds i*1000003 (i = 0-9) but seed 5000015 (schedule 2), with or without the big lock.
    /// </summary>
    public static readonly KernelSwitch WireKeepsSwapSlot = Mutation("wire-keeps-swap-slot", "uvm_fault_wire", "swapout",
        "uvm_fault_wire() wires a u-area page of kernel_object without uao_dropswap() (a slot release skipped): a page read back from swap keeps its slot while wired, which no pageout will ever use")
        with { Kills = ["WiredPageHoldsNoSwapSlot"], Budget = 10 };
}
