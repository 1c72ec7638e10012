using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Properties;

/// <summary>
/// Invariants of the scheduler and of u-area residency (kern_synch.c, uvm_glue.c): what
/// sched_lock protects must agree with itself after every step.
/// </summary>
public static class SchedInvariants
{
    /// <summary>A running LWP's kernel stack must be wired: LSONPROC implies L_INMEM and a wired u-area.</summary>
    public static readonly Invariant OnProcLwpIsInMemory = Invariant.ForAll(
        nameof(OnProcLwpIsInMemory),
        "An LWP running on a CPU has its u-area resident and wired (LSONPROC implies L_INMEM).",
        "sched", k => k.Lwps, l => l.Stat != LwpStat.OnProc || (l.InMemory && l.UareaWired),
        l => $"{l} runs on {l.Cpu} with L_INMEM {(l.InMemory ? "set" : "clear")} and its u-area {(l.UareaWired ? "wired" : "unwired")}") with { Reads = StateDomain.Sched | StateDomain.Uarea };

    /// <summary>
    /// L_INMEM promises more than a flag: the LWP's stack is there. uvm_swapin() sets it only after
    /// uvm_fault_wire() wired every page of the u-area; uvm_swapout() clears it before
    /// uvm_fault_unwire(), and only unwired kernel_object pages can be paged out or freed. A dead LWP
    /// off alllwp, which nothing will run or swap again, is left out: the reaper's uvm_lwp_exit()
    /// (uvm_glue.c 1.44.2.2) unwires and frees the u-area before it clears L_INMEM.
    /// </summary>
    public static readonly Invariant InMemoryLwpHasItsUareaPagesWired = new(
        nameof(InMemoryLwpHasItsUareaPagesWired),
        "An LWP on alllwp with L_INMEM set has every page of its u-area resident in kernel_object and wired.",
        "sched", k =>
        {
            var lwps = k.Lwps;
            var obj = k.Vm.KernelObject;
            for (int i = 0; i < lwps.Count; i++)
            {
                if (lwps[i] is not { InMemory: true, Uarea: { } u, OnAllLwp: true } l) continue;
                for (int j = 0; j < Uvmexp.UspacePages; j++)
                {
                    int index = PhysMem.UareaIndex(u.Id, j);
                    if (index >= obj.Size || obj.PageAt(index) is not { WireCount: > 0 })
                        return $"{l} has L_INMEM set but page {j} of its {u} is {(index < obj.Size && obj.PageAt(index) is { } p ? $"{p}, not wired" : "not resident")}";
                }
            }
            return null;
        })
    {
        Reads = StateDomain.Sched | StateDomain.Uarea | StateDomain.Pages | StateDomain.Objects,
    };

    /// <summary>
    /// swappable(l) excludes P_SYSTEM (uvm_glue.c): a kernel thread's stack stays resident, since
    /// the threads that page and swap (the pagedaemon, proc0) must run to bring anything back.
    /// </summary>
    public static readonly Invariant SystemLwpIsNeverSwappedOut = Invariant.ForAll(
        nameof(SystemLwpIsNeverSwappedOut),
        "A kernel thread's LWP (P_SYSTEM) is never swapped out: L_INMEM stays set.",
        "sched", k => k.KthreadLwps, l => l.Finished || l.InMemory,
        l => $"the {l} (P_SYSTEM) has L_INMEM clear while {l.Stat}") with { Reads = StateDomain.Sched };

    /// <summary>
    /// l_holdcnt, "If non-zero, don't swap" (sys/lwp.h): PHOLD() swaps the LWP in if it is out and
    /// keeps it resident until the matching PRELE(); swappable() excludes a held LWP (uvm_glue.c).
    /// fork1() holds the parent across uvm_lwp_fork()'s wiring, which may sleep for memory, so that
    /// the pagedaemon cannot take its stack meanwhile. A PHOLD() of another LWP (procfs,
    /// model/Exit/ProcfsRegs.cs) may find it swapped out: until the swap-in it starts or waits for
    /// is done, the LWP is held and not resident, which is excepted.
    /// </summary>
    public static readonly Invariant HeldLwpIsNeverSwappedOut = Invariant.ForAll(
        nameof(HeldLwpIsNeverSwappedOut),
        "An LWP with l_holdcnt above zero (PHOLD) stays resident: L_INMEM stays set until the matching PRELE (a PHOLD() that found it swapped out swaps it in first).",
        "sched", k => k.Lwps, l => l.Freed || l.Finished || l.HoldCount == 0 || l.InMemory || l.HoldSwapins > 0,
        l => $"{l} has l_holdcnt {l.HoldCount} but L_INMEM clear: it was swapped out while held") with { Reads = StateDomain.Sched | StateDomain.LwpClock };

    /// <summary>cpu_switch() trusts the run queue: everything on it is LSRUN and resident.</summary>
    public static readonly Invariant RunQueueHoldsOnlyRunnableInMemoryLwps = Invariant.ForAll(
        nameof(RunQueueHoldsOnlyRunnableInMemoryLwps),
        "Every LWP on the run queue is LSRUN with L_INMEM set.",
        "sched", k => k.RunQueue.Lwps, l => l.Stat == LwpStat.Run && l.InMemory,
        l => $"{l} is queued while {l.Stat} with L_INMEM {(l.InMemory ? "set" : "clear")}") with { Reads = StateDomain.Sched };

    /// <summary>setrunnable(), preempt() and uvm_swapin() queue every resident runnable LWP in the same critical section.</summary>
    public static readonly Invariant RunnableResidentLwpIsQueued = Invariant.ForAll(
        nameof(RunnableResidentLwpIsQueued),
        "Every LSRUN LWP with L_INMEM set is on the run queue.",
        "sched", k => k.Lwps, l => l.Stat != LwpStat.Run || !l.InMemory || l.OnRunQueue,
        l => $"{l} is LSRUN and resident but on no run queue") with { Reads = StateDomain.Sched };

    /// <summary>An LWP is on a run queue or on a CPU, never both, and queued at most once.</summary>
    public static readonly Invariant LwpIsOnAtMostOneRunQueueOrCpu = new(
        nameof(LwpIsOnAtMostOneRunQueueOrCpu),
        "An LWP is on at most one of: the run queue (once), a CPU.",
        "sched", k =>
        {
            var queue = k.RunQueue.Lwps;
            for (int i = 0; i < queue.Count; i++)
            {
                var l = queue[i];
                for (int j = 0; j < i; j++)
                    if (queue[j] == l) return $"{l} is on the run queue twice";
                if (!l.OnRunQueue) return $"{l} is linked on the run queue but l_back says it is not";
            }
            var cpus = k.Cpus;
            for (int i = 0; i < cpus.Count; i++)
                if (cpus[i] is { Current: { } l } c && Contains(queue, l)) return $"{l} runs on {c} and is on the run queue";
            var lwps = k.Lwps;
            for (int i = 0; i < lwps.Count; i++)
                if (lwps[i] is { OnRunQueue: true } l && !Contains(queue, l)) return $"{l} says it is queued but is not on the run queue";
            return null;
        })
    {
        Reads = StateDomain.Sched,
    };

    private static bool Contains(IReadOnlyList<Lwp> list, Lwp l)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i] == l) return true;
        return false;
    }

    /// <summary>curlwp and l_cpu agree: a CPU runs at most one LWP, and that LWP is LSONPROC on it.</summary>
    public static readonly Invariant CpuRunsAtMostOneLwp = new(
        nameof(CpuRunsAtMostOneLwp),
        "A CPU runs at most one LWP, that LWP is LSONPROC on that CPU, and every LSONPROC LWP is some CPU's curlwp.",
        "sched", k =>
        {
            var cpus = k.Cpus;
            for (int i = 0; i < cpus.Count; i++)
                if (cpus[i] is { Current: { } l } c && (l.Stat != LwpStat.OnProc || l.Cpu != c))
                    return $"{c} runs {l}, which is {l.Stat} on {l.Cpu}";
            var lwps = k.Lwps;
            for (int i = 0; i < lwps.Count; i++)
                if (lwps[i] is { Stat: LwpStat.OnProc } l && l.Cpu?.Current != l)
                    return $"{l} is LSONPROC on {l.Cpu}, which runs {l.Cpu?.Current?.ToString() ?? "nothing"}";
            return null;
        })
    {
        Reads = StateDomain.Sched,
    };

    /// <summary>Liveness: a runnable LWP that is swapped out is eventually swapped back in.</summary>
    public static readonly LivenessProperty RunnableSwappedOutLwpIsEventuallySwappedIn = new(
        nameof(RunnableSwappedOutLwpIsEventuallySwappedIn),
        "A runnable LWP that is swapped out is eventually swapped back in by proc0.",
        "sched", k =>
        {
            for (int i = 0; i < k.Lwps.Count; i++)
                if (k.Lwps[i] is { Stat: LwpStat.Run, InMemory: false } l) return $"{l} is LSRUN with L_INMEM clear";
            return null;
        });

    /// <summary>Liveness: every LWP runs its finite program to the end; none is left runnable, asleep or swapped out forever.</summary>
    public static readonly LivenessProperty EveryLwpEventuallyExits = new(
        nameof(EveryLwpEventuallyExits),
        "Every LWP eventually runs its program to the end and exits.",
        "sched", k =>
        {
            for (int i = 0; i < k.Lwps.Count; i++)
                if (k.Lwps[i] is { Finished: false } l) return $"{l} is {l.Stat}{(l.InMemory ? "" : ", swapped out")}{(l.OnRunQueue ? ", queued" : "")}";
            return null;
        });

    /// <summary>Every scheduler invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
        [OnProcLwpIsInMemory, InMemoryLwpHasItsUareaPagesWired, RunQueueHoldsOnlyRunnableInMemoryLwps, RunnableResidentLwpIsQueued, LwpIsOnAtMostOneRunQueueOrCpu, CpuRunsAtMostOneLwp, SystemLwpIsNeverSwappedOut, HeldLwpIsNeverSwappedOut];

    /// <summary>Every scheduler liveness property.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [RunnableSwappedOutLwpIsEventuallySwappedIn, EveryLwpEventuallyExits];
}
