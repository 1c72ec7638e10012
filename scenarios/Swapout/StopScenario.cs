using FsCheck.Fluent;
using Uvm.Model.Sched;
using Uvm.Model;

namespace Uvm.Scenarios;

/// <summary>
/// swapout-stop: swapout's processes stopped and continued by a debugger (model/Sched/Signals.cs)
/// while the pagedaemon swaps their LWPs out and proc0 swaps them in. The debugger, pid 3, is
/// traced with P_STOPFORK: it sends SIGSTOP to pid 2 and pid 1, sleeps a second (maxslp is 1, so
/// the stopped LWPs become uvm_swapout_threads()' long sleepers), sends SIGCONT to both,
/// then forks a child, which fork1() creates stopped (SSTOP, its LWP LSSTOP), continues it and
/// collects it. A stopped LWP (LSSTOP) is a swapout candidate as a sleeper is, and a continued one
/// that is not resident is made LSRUN off the run queue with wakeup(&amp;proc0): stop, continue,
/// swapout and swap-in meet on the same LWPs. Exercises PR kern/26468. Generated workloads are
/// swapout's with a debugger that stops and continues one to three of the processes, in order,
/// and forks zero to two stopped children it continues and collects.
/// </summary>
public static class StopScenario
{
    /// <summary>The scenario.</summary>
    public static Scenario Scenario { get; } = new(
        "swapout-stop",
        "2 CPUs, swapout's 3 LWPs stopped and continued by a debugger (pid 3, P_STOPFORK) that forks a child created stopped: the pagedaemon swaps LSSTOP LWPs out and proc0 swaps continued ones in.",
        ["sched", "exit"],
        Default,
        () => MemoryReserves.Drawn(from drawn in SwapoutScenario.Generate()
                                   from waiter in Gen.Elements(false, true)
                                   let w = waiter ? WithWaiter(drawn) : drawn
                                   from targets in Gen.Choose(1, w.Processes.Count)
                                   from pids in Gen.Shuffle(Enumerable.Range(1, w.Processes.Count)).Select(p => p.Take(targets).ToArray())
                                   from pause in Gen.Choose(0, 2)
                                   from forks in Gen.Choose(0, 2)
                                   select Debugger(w, pids, pause, forks)));

    /// <summary>Swapout's default with the debugger stopping pids 2 and 1, sleeping a second, continuing them and forking one stopped child.</summary>
    public static Workload Default() => Debugger(SwapoutScenario.Default(), [2, 1], pause: 1, forks: 1);

    /// <summary>
    /// <paramref name="w"/> with one more process, which forks a one-quantum child and waits for it:
    /// a stop signal may find it asleep in wait4()'s interruptible tsleep (PCATCH), or arrive before
    /// it gets there, so that ltsleep() stops it at its entry, still on the sleep queue.
    /// </summary>
    public static Workload WithWaiter(Workload w) =>
        WithForkingProcess(w, new ProcessSpec([[new Fork([new Compute(1)]), new Wait()]]), forks: 1);

    /// <summary>
    /// <paramref name="w"/> with one more process, the debugger: SIGSTOP to each of
    /// <paramref name="pids"/>, a nanosleep of <paramref name="pause"/> seconds (none if 0), SIGCONT to each in the
    /// same order, then <paramref name="forks"/> times a fork of a one-quantum child, which starts
    /// stopped (P_STOPFORK), a SIGCONT to it and a wait4() for it. Every stop is followed by its
    /// continue in the same program, so a fixed kernel ends with every LWP exited. maxslp is 1.
    /// </summary>
    public static Workload Debugger(Workload w, IReadOnlyList<int> pids, int pause, int forks)
    {
        var ops = new List<LwpOp>();
        ops.AddRange(pids.Select(pid => (LwpOp)new Kill(Sig.Stop, pid)));
        if (pause > 0) ops.Add(new SleepFor(pause));
        ops.AddRange(pids.Select(pid => (LwpOp)new Kill(Sig.Cont, pid)));
        for (int f = 0; f < forks; f++) ops.AddRange([new Fork([new Compute(1)]), new Kill(Sig.Cont), new Wait()]);
        return WithForkingProcess(w, new ProcessSpec([ops], StopFork: true), forks) with { MaxSlp = 1 };
    }

    /// <summary>
    /// <paramref name="w"/> with <paramref name="process"/>, whose one LWP forks
    /// <paramref name="forks"/> children: a swap slot for each page of its and its children's
    /// u-areas (SwapoutScenario.Swap), and free memory for each child's u-area, which its exit may
    /// keep wired in the u-area cache (uvm_uarea_free()): without it the swapped-out LWPs could wait
    /// for memory nobody frees.
    /// </summary>
    private static Workload WithForkingProcess(Workload w, ProcessSpec process, int forks)
    {
        if (w.Section<PagingWorkload>() is { } paging) w = w.With(paging with { SwapSlots = paging.SwapSlots + (1 + forks) * Uvmexp.UspacePages });
        return w with { FreePages = w.FreePages + forks * Uvmexp.UspacePages, Processes = [.. w.Processes, process] };
    }
}
