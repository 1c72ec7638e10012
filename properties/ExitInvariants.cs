using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Exit;
using Uvm.Model.Sched;
using Uvm.Model.Threads;

namespace Uvm.Properties;

/// <summary>
/// Invariants of process exit, wait4 and the u-area cache (kern_exit.c, kern_lwp.c, uvm_glue.c of
/// 2003-2004): the orderings the 2004 rework depends on — nothing an LWP still runs on is freed
/// before cpu_exit() switched away from it, and nothing after that switch sleeps — and the
/// bookkeeping of u-areas. They hold for both exit designs.
/// </summary>
public static class ExitInvariants
{
    /// <summary>The subsystem tag of these properties.</summary>
    public const string Subsystem = "exit";

    /// <summary>A CPU's kernel stack is a u-area in use by the LWP the CPU runs (or is finishing the exit of).</summary>
    public static readonly Invariant UareaIsNeverFreedOrReusedWhileItsLwpRuns = new(
        nameof(UareaIsNeverFreedOrReusedWhileItsLwpRuns),
        "A u-area is never freed or given to another LWP while a CPU still runs its LWP on it.",
        Subsystem, k =>
        {
            var cpus = k.Cpus;
            for (int i = 0; i < cpus.Count; i++)
            {
                var c = cpus[i];
                if (c.Stack is not { } u) continue;
                var running = c.Current ?? c.Exiting;
                if (u.State is UareaState.Freed or UareaState.Freeing)
                    return $"{c} runs {Describe(running)} on {u}, which {(u.State == UareaState.Freed ? "uvm_km_free() has freed" : "uvm_uarea_drain() is freeing")}";
                if (u.State == UareaState.InUse && u.Owner != running)
                    return $"{c} runs {Describe(running)} on {u}, which fork gave to {u.Owner}";
            }
            return null;
        })
    {
        Reads = StateDomain.Sched | StateDomain.Uarea,
    };

    /// <summary>
    /// What the parent (or the reaper) frees of a zombie is no longer used: a collected process has
    /// no LWP on p_lwps that has not switched away, a freed LWP has switched away, and no CPU has a
    /// freed vmspace active.
    /// </summary>
    public static readonly Invariant ZombieIsReapedOnlyAfterLastLwpSwitchedAway = new(
        nameof(ZombieIsReapedOnlyAfterLastLwpSwitchedAway),
        "A zombie's resources (its proc and LWP structures, its vmspace) are released only after its last LWP has switched away from them.",
        Subsystem, k =>
        {
            var procs = k.Procs;
            for (int i = 0; i < procs.Count; i++)
            {
                var p = procs[i];
                if (!p.Reaped) continue;
                var attached = p.Lwps;
                for (int j = 0; j < attached.Count; j++)
                    if (attached[j] is { SwitchedAway: false } l)
                        return $"{p} was collected by wait4() while its {l} is still attached and {l.Stat} on {l.Cpu}";
            }
            var lwps = k.Lwps;
            for (int i = 0; i < lwps.Count; i++)
                if (lwps[i] is { Freed: true, SwitchedAway: false } l)
                    return $"{l} was freed (pool_put) before cpu_exit() switched away from it";
            var cpus = k.Cpus;
            for (int i = 0; i < cpus.Count; i++)
                if (cpus[i] is { Vmspace: { Freed: true } vm } c)
                    return $"{c} still has the {vm} active, which uvmspace_free() has freed";
            return null;
        })
    {
        Reads = StateDomain.Sched | StateDomain.Proc,
    };

    /// <summary>After cpu_exit() switched away from the dead LWP there is no LWP to sleep for: lwp_exit2()/exit2() must not block.</summary>
    public static readonly Invariant PathAfterSwitchAwayNeverSleeps = new(
        nameof(PathAfterSwitchAwayNeverSleeps),
        "A path that runs after the exiting LWP switched away (lwp_exit2, exit2) never sleeps.",
        Subsystem, k =>
        {
            var threads = k.Threads;
            for (int i = 0; i < threads.Count; i++)
                if (threads[i] is CpuThread { Cpu.Exiting: { SwitchedAway: true } l } cpu && cpu.SleepingOn is { } chan)
                    return $"{cpu.Cpu} sleeps on {chan} after switching away from {l}";
            return null;
        })
    {
        Reads = StateDomain.Sched | StateDomain.Sleep,
    };

    /// <summary>Every u-area is in exactly one consistent place: its LWP, the free list, or freed.</summary>
    public static readonly Invariant NoUareaIsLeaked = new(
        nameof(NoUareaIsLeaked),
        "No u-area is leaked: each is in use by a live LWP that points to it, cached on the free list exactly once, or being freed or freed.",
        Subsystem, k =>
        {
            var cache = k.Uareas;
            for (int i = 0; i < cache.FreeList.Count; i++)
                if (cache.FreeList[i] is { State: not UareaState.Cached } u) return $"{u} is on the free list while {u.State}";
            for (int i = 0; i < cache.All.Count; i++)
            {
                var u = cache.All[i];
                int onList = 0;
                for (int j = 0; j < cache.FreeList.Count; j++)
                    if (cache.FreeList[j] == u) onList++;
                switch (u.State)
                {
                    case UareaState.InUse when u.Owner is null:
                        return $"{u} is in use by no LWP";
                    case UareaState.InUse when u.Owner.Uarea != u:
                        return $"{u} belongs to {u.Owner}, whose l_addr is {Describe(u.Owner.Uarea)}";
                    case UareaState.InUse when u.Owner.Freed:
                        return $"{u} belongs to {u.Owner}, which was freed without uvm_lwp_exit()";
                    case UareaState.Cached when onList != 1:
                        return $"{u} is cached but on the free list {onList} times";
                    case UareaState.Cached when u.Owner is not null:
                        return $"{u} is cached but still owned by {u.Owner}";
                    case UareaState.Freed or UareaState.Freeing when onList != 0 || u.Owner is not null:
                        return $"{u} is {u.State.ToString().ToLowerInvariant()} but still {(onList != 0 ? "on the free list" : $"owned by {u.Owner}")}";
                }
            }
            return null;
        })
    {
        Reads = StateDomain.Sched | StateDomain.Uarea,
    };

    /// <summary>
    /// uvm_km.c: uvm_km_free() gives a kernel range back with uvm_km_pgremove(), which frees every
    /// resident page of the range in kernel_object and drops every swap slot of it, so nothing of a
    /// range outlives it. The model's kernel_object holds the u-areas (uvm_km_alloc() of USPACE):
    /// a page or slot at the offset of a u-area uvm_km_free() gave back, or of one never allocated,
    /// is memory lost for good, wired or not, and no count of free, wired or queued pages shows it
    /// (the page still has an owner).
    /// </summary>
    public static readonly Invariant KernelObjectHoldsOnlyLiveAllocations = new(
        nameof(KernelObjectHoldsOnlyLiveAllocations),
        "Every resident page and swap slot of kernel_object lies in a kernel allocation not given back: uvm_km_free() empties its range (uvm_km_pgremove()), so nothing of a freed range stays behind.",
        Subsystem, k =>
        {
            var obj = k.Vm.KernelObject;
            var uareas = k.Uareas.All;
            for (int index = 0; index < obj.Size; index++)
            {
                int id = index / Uvmexp.UspacePages; // PhysMem.UareaIndex(): u-area ids count from 1
                if (id >= 1 && id <= uareas.Count && uareas[id - 1] is { State: not UareaState.Freed }) continue;
                if (obj.PageAt(index) is { } p) return $"{p} is still in kernel_object at offset {index}, in the range {Range(uareas, id)}";
                if (obj.FindSwslot(index) is var slot and not 0) return $"kernel_object still holds swap slot {slot} at offset {index}, in the range {Range(uareas, id)}";
            }
            return null;
        })
    {
        Reads = StateDomain.Uarea | StateDomain.Objects,
    };

    /// <summary>The kernel_object range of u-area <paramref name="id"/>, for a report: freed, or never allocated.</summary>
    private static string Range(IReadOnlyList<Uarea> uareas, int id) =>
        id >= 1 && id <= uareas.Count ? $"of {uareas[id - 1]}, which uvm_km_free() gave back" : "that no allocation holds";

    /// <summary>
    /// uvm_swapout() never takes the u-area of an exiting LWP or a cached one: the LWP that runs
    /// exit1() was resident when it started and P_WEXIT keeps it so until it is dead; a cached u-area
    /// stays wired for uvm_uarea_alloc().
    /// </summary>
    public static readonly Invariant SwapoutNeverSelectsAnExitingLwp = new(
        nameof(SwapoutNeverSelectsAnExitingLwp),
        "Swapout never selects an exiting LWP (P_WEXIT) or a cached u-area: both stay resident.",
        Subsystem, k =>
        {
            var lwps = k.Lwps;
            for (int i = 0; i < lwps.Count; i++)
                if (lwps[i] is { InMemory: false, Proc.Exiting: true, Stat: not (LwpStat.Dead or LwpStat.Zomb) } l) // L_INMEM first: rarely clear
                    return $"{l} of exiting {l.Proc} is swapped out (L_INMEM clear) while {l.Stat}";
            var free = k.Uareas.FreeList;
            for (int i = 0; i < free.Count; i++)
                if (free[i] is { Wired: false } u) return $"cached {u} is unwired";
            return null;
        })
    {
        Reads = StateDomain.Sched | StateDomain.Proc | StateDomain.Uarea,
    };

    /// <summary>
    /// kern_fork.c fork1() (1.111): "Preserve synchronization semantics of vfork. If waiting for
    /// child to exec or exit, set P_PPWAIT on child, and sleep on our proc (in case of exit)". The
    /// parent's LWP does not return from fork1() while its child still borrows the vmspace: from the
    /// child's first run (LSIDL left) until execve() or exit1() clears P_PPWAIT, the LWP that
    /// vfork()ed it is in the "ppwait" loop. The loop sleeps on wait4()'s channel, which every
    /// wakeup of the parent's proc shares (another child's exit, a reparented zombie), so a path
    /// that leaves on a wakeup meant for someone else, or on any other way out of the sleep, lets
    /// the parent run in the child's address space.
    /// </summary>
    public static readonly Invariant VforkParentWaitsWhileItsChildBorrowsItsSpace = new(
        nameof(VforkParentWaitsWhileItsChildBorrowsItsSpace),
        "A vfork() parent's LWP stays in fork1()'s ppwait loop while its child, running, still has P_PPWAIT: it returns only after the child's execve() or exit1() cleared it.",
        Subsystem, k =>
        {
            var procs = k.Procs;
            for (int i = 0; i < procs.Count; i++)
            {
                var c = procs[i];
                if (c.Reaped || c.Stat == ProcStat.Idl || !c.PpWait || c.Parent is not { } p) continue;
                bool waits = false;
                var lwps = p.Lwps;
                for (int j = 0; j < lwps.Count && !waits; j++)
                    waits = lwps[j].VforkChild == c;
                if (!waits) return $"{c} still has P_PPWAIT (it borrows {p}'s vmspace), but no LWP of {p} waits for it in fork1()'s ppwait loop";
            }
            return null;
        })
    {
        Reads = StateDomain.Proc | StateDomain.Sched | StateDomain.LwpClock,
    };

    /// <summary>Liveness: a process that exited is collected (proc_free) by its parent or, orphaned, by init.</summary>
    public static readonly LivenessProperty ExitedProcessIsEventuallyReaped = new(
        nameof(ExitedProcessIsEventuallyReaped),
        "Every exited process is eventually reaped by its parent (or by init once orphaned).",
        Subsystem, k =>
        {
            for (int i = 0; i < k.Procs.Count; i++)
                if (k.Procs[i] is { Exiting: true, Parent: not null, Reaped: false } p) return $"{p} ({p.Stat}) is not yet collected by {p.Parent}";
            return null;
        });

    /// <summary>
    /// Liveness: the last LWP of a process to exit calls exit1() (kern_lwp.c lwp_exit(): "if we
    /// are the last live LWP in a process, we need to exit the entire process"), so a process whose
    /// LWPs have all exited is exiting: a zombie for its parent to collect.
    /// </summary>
    public static readonly LivenessProperty ProcessWhoseLwpsAllExitedBecomesAZombie = new(
        nameof(ProcessWhoseLwpsAllExitedBecomesAZombie),
        "A process whose LWPs have all exited (LSDEAD or LSZOMB) has called exit1(): the last of them to exit does.",
        Subsystem, k =>
        {
            for (int i = 0; i < k.Procs.Count; i++)
            {
                var p = k.Procs[i];
                if (p.System || p.Exiting || p.Reaped || p.Lwps.Count == 0) continue;
                bool live = false;
                for (int j = 0; j < p.Lwps.Count && !live; j++)
                    live = p.Lwps[j].Stat is not (LwpStat.Dead or LwpStat.Zomb);
                if (!live) return $"every LWP of {p} has exited, but none called exit1(): {p} is {p.Stat}, not a zombie";
            }
            return null;
        });

    /// <summary>Liveness: once the pagedaemon is woken under a shortage with u-areas cached, the free list is eventually emptied.</summary>
    public static readonly LivenessProperty ShortageDrainEventuallyShrinksFreeList = new(
        nameof(ShortageDrainEventuallyShrinksFreeList),
        "A drain under memory shortage eventually shrinks the u-area free list.",
        Subsystem, k => k.Uareas.DrainWanted && k.Uareas.Count > 0
            ? $"the pagedaemon was woken under a shortage and {k.Uareas.Count} u-area(s) are still cached"
            : null);

    /// <summary>
    /// exit_lwps() (kern_exit.c 1.121, and the 2004 rework's exit1() alike) sets <c>p-&gt;p_userret =
    /// lwp_exit_hook</c> and interrupts the other LWPs' sleeps, and exit1() waits in lwp_wait1()
    /// until they are all zombies: each other LWP that returns to user mode meanwhile
    /// takes the hook into lwp_exit() (userret(): <c>if (p-&gt;p_userret) (*p-&gt;p_userret)(l,
    /// p-&gt;p_userret_arg)</c>), so none runs user code again. Checked where an LWP runs in user
    /// mode (a quantum, or a nanosleep() it enters from there; model/Threads/CpuThread.cs): a hook
    /// cleared early, a return path that skips userret(), or an LWP made runnable past the wait
    /// would let a sibling of a dying process run on, and exit1() wait for it for as long as it runs.
    /// </summary>
    public static readonly Invariant NoLwpOfADyingProcessRunsInUserMode = Invariant.AtEvent(
        nameof(NoLwpOfADyingProcessRunsInUserMode),
        "Once exit1()'s exit_lwps() has begun (the p_userret hook set), none of the process's LWPs runs in user mode again: each one returning there takes the hook into lwp_exit().",
        Subsystem);

    /// <summary>
    /// "Once the resources are free, the process becomes a zombie, and the parent is allowed to read
    /// the undead's status" (kern_exit.c 1.121 reaper(): uvm_proc_exit(), then SZOMB, then the
    /// parent's wakeup); the 2004 exit1() keeps the order (uvm_proc_exit(), cpu_lwp_free(), then
    /// SZOMB in the section that detaches the last LWP). So an SZOMB process has dropped its
    /// vmspace reference, and every LWP left on its p_lwps is a zombie (LSZOMB): the reaper makes
    /// each dead LWP a zombie (uvm_lwp_exit()) before it takes the process off deadprocs, and the
    /// 2004 exit1() takes its last, LSDEAD LWP off p_lwps in the SZOMB section. Judged at the
    /// SZOMB step itself, whether or not a parent is there to collect it.
    /// </summary>
    public static readonly Invariant ZombieHasFreedItsResources = Invariant.ForAll(
        nameof(ZombieHasFreedItsResources),
        "A process becomes a zombie (SZOMB) only once its resources are freed: its vmspace reference is dropped (uvm_proc_exit) and every LWP still on its p_lwps is a zombie (LSZOMB).",
        Subsystem, k => k.Procs, p => p.Reaped || p.Stat != ProcStat.Zomb || ZombieStillHolding(p) is null,
        p => $"{p} is SZOMB but {ZombieStillHolding(p)}") with { Reads = StateDomain.Proc | StateDomain.Sched };

    /// <summary>What the zombie <paramref name="p"/> still holds, or null.</summary>
    private static string? ZombieStillHolding(Proc p)
    {
        if (!p.VmspaceReleased) return $"still holds its reference to {p.Vmspace} (uvm_proc_exit() has not run)";
        var lwps = p.Lwps;
        for (int i = 0; i < lwps.Count; i++)
            if (lwps[i] is { } l && l.Stat != LwpStat.Zomb) return $"its {l} is {l.Stat} on p_lwps";
        return null;
    }

    /// <summary>Every exit invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
    [
        UareaIsNeverFreedOrReusedWhileItsLwpRuns, ZombieIsReapedOnlyAfterLastLwpSwitchedAway, PathAfterSwitchAwayNeverSleeps,
        NoUareaIsLeaked, KernelObjectHoldsOnlyLiveAllocations, SwapoutNeverSelectsAnExitingLwp, VforkParentWaitsWhileItsChildBorrowsItsSpace,
        NoLwpOfADyingProcessRunsInUserMode, ZombieHasFreedItsResources,
    ];

    /// <summary>Every exit liveness property.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [ProcessWhoseLwpsAllExitedBecomesAZombie, ExitedProcessIsEventuallyReaped, ShortageDrainEventuallyShrinksFreeList];

    private static string Describe(object? x) => x?.ToString() ?? "nothing";
}
