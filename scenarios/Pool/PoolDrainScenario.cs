using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Maps;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// pool-drain: fork/exit churn against the pagedaemon's pool_drain() under memory pressure. The
/// reaperless exit storm of <see cref="ExitScenario"/> with the pools on: every fork takes a
/// struct proc and a struct lwp from proc_pool and lwp_pool (pool_get PR_WAITOK, which sleeps in
/// uvm_wait for a page when memory is short), every wait4 returns them (pool_put), and the
/// pagedaemon, woken by the shortage, calls pool_drain() to free empty pool pages before it
/// drains cached u-areas. Meanwhile two LWPs of another process mmap() and munmap(): uvm_map()
/// takes its entry from uvm_map_entry_pool with the map locked, and uvm_unmap_detach() returns
/// it; the last mmap() does not fit, so uvm_map()'s ENOMEM return runs with the pool on. Checks the pool invariants beside the sched, exit and map ones, and the page invariants:
/// pool pages come off the free list and the pool declares itself their holder.
/// </summary>
public static class PoolDrainScenario
{
    /// <summary>The scenario.</summary>
    public static Scenario Scenario { get; } = new(
        "pool-drain",
        "2 CPUs, fork/exit/wait churn with proc and lwp pools and mmap/munmap with map-entry pools; the pagedaemon's pool_drain frees empty pool pages under a memory shortage.",
        ["sched", "exit", "pool", "maps", "vm"],
        Default,
        () => MemoryReserves.Drawn(
              from w in ExitScenario.Generate(ExitDesign.Reaperless)
              from n in Gen.Choose(1, 2)
              from lwps in Gen.ListOf(ExecTopdownScenario.GenProgram(), n)
              select WithPools(w, new MapsWorkload { Exec = false, Lwps = [.. lwps] })));

    /// <summary>
    /// Pid 2 forks two children and waits for both, pid 3 forks one and waits: pages of two
    /// procs and two LWPs fill and empty. Free memory (12 pages: two u-areas, up to four proc and
    /// lwp pool pages, two map-entry pool pages, one page of kernel_map entries for the u-areas
    /// uvm_km_alloc() maps, and one to spare) is below the target (14), so the pagedaemon drains
    /// whenever it is woken.
    /// </summary>
    public static Workload Default() => new()
    {
        Cpus = 2,
        Seconds = 1,
        SwapoutScans = 0,
        FreePages = 12,
        MaxSlp = 4,
        Sections =
        [
            new ExitWorkload { Design = ExitDesign.Reaperless, NuareaMax = 1, FreeTarget = 14 },
            new PoolWorkload(),
            new MapsWorkload { Exec = false, Lwps = [[new Mmap(2), new Mmap(1), new Munmap(), new Munmap()], [new Mmap(1), new Munmap(), new Mmap(40)]] },
        ],
        Processes =
        [
            new([[new Fork([new Compute(1)]), new Wait(), new Fork([new Compute(1)]), new Wait()]]),
            new([[new Fork([new Compute(1)]), new Compute(1), new Wait()]]),
        ],
    };

    /// <summary>
    /// A generated exit storm with the pools on and two more pages per fork for their pages and a
    /// page per four forks for their u-areas' kernel_map entries, and mmap LWPs with a page per
    /// four mappings for their entries.
    /// </summary>
    private static Workload WithPools(Workload w, MapsWorkload maps)
    {
        var exit = w.Section<ExitWorkload>()!;
        int forks = Forks(w);
        int extra = 2 * forks + (forks + 3) / 4 + (maps.Lwps.Sum(l => l.Count(op => op is Mmap)) + 3) / 4;
        return (w with { FreePages = w.FreePages + extra })
            .With(exit with { FreeTarget = exit.FreeTarget + extra })
            .With(new PoolWorkload())
            .With(maps);
    }

    private static int Forks(Workload w) => w.Processes.Sum(p => p.Lwps.Sum(Forks));

    private static int Forks(IReadOnlyList<LwpOp> program) => program.Sum(op => op is Fork f ? 1 + Forks(f.Child) : 0);
}
