using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// pool-drain: fork/exit churn against the pagedaemon's pool_drain() under memory pressure. The
/// reaperless exit storm of <see cref="ExitScenario"/> with the pools on: every fork takes a
/// struct proc and a struct lwp from proc_pool and lwp_pool (pool_get PR_WAITOK, which sleeps in
/// uvm_wait for a page when memory is short), every wait4 returns them (pool_put), and the
/// pagedaemon, woken by the shortage, calls pool_drain() to free empty pool pages before it
/// drains cached u-areas. Checks the pool invariants beside the sched and exit ones, and the
/// page invariants: pool pages come off the free list and the pool declares itself their holder.
/// </summary>
public static class PoolDrainScenario
{
    /// <summary>The scenario.</summary>
    public static Scenario Scenario { get; } = new(
        "pool-drain",
        "2 CPUs, fork/exit/wait churn with proc and lwp pools; the pagedaemon's pool_drain frees empty pool pages under a memory shortage.",
        ["sched", "exit", "pool", "vm"],
        Default,
        () => ExitScenario.Generate(ExitDesign.Reaperless).Select(WithPools));

    /// <summary>
    /// Pid 2 forks two children and waits for both, pid 3 forks one and waits: pages of two
    /// procs and two LWPs fill and empty. Free memory (9 pages: two u-areas, up to four pool pages
    /// and one to spare) is below the target (11), so the pagedaemon drains whenever it is woken.
    /// </summary>
    public static Workload Default() => new()
    {
        Cpus = 2,
        Seconds = 1,
        SwapoutScans = 0,
        FreePages = 9,
        MaxSlp = 4,
        Sections = [new ExitWorkload { Design = ExitDesign.Reaperless, NuareaMax = 1, FreeTarget = 11 }, new PoolWorkload()],
        Processes =
        [
            new([[new Fork([new Compute(1)]), new Wait(), new Fork([new Compute(1)]), new Wait()]]),
            new([[new Fork([new Compute(1)]), new Compute(1), new Wait()]]),
        ],
    };

    /// <summary>A generated exit storm with the pools on and two more pages per fork for their pages.</summary>
    private static Workload WithPools(Workload w)
    {
        var exit = w.Section<ExitWorkload>()!;
        return (w with { FreePages = w.FreePages + 2 * Forks(w) })
            .With(exit with { FreeTarget = exit.FreeTarget + 2 * Forks(w) })
            .With(new PoolWorkload());
    }

    private static int Forks(Workload w) => w.Processes.Sum(p => p.Lwps.Sum(Forks));

    private static int Forks(IReadOnlyList<LwpOp> program) => program.Sum(op => op is Fork f ? 1 + Forks(f.Child) : 0);
}
