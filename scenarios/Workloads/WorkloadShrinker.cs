using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// Smaller variants of a workload, smallest change first, each still valid: fewer processes, LWPs,
/// operations, CPUs, seconds and scans; shorter computes and sleeps. Used by the co-shrinker and as
/// the FsCheck shrinker of generated workloads.
/// </summary>
public static class WorkloadShrinker
{
    /// <summary>A size to compare workloads by: every process, LWP, operation, quantum, CPU, second and scan counts.</summary>
    public static int Size(Workload w) =>
        w.Cpus + w.Seconds + w.SwapoutScans + w.Processes.Sum(p => 1 + p.Lwps.Sum(l => 1 + l.Sum(Weight)))
        + (w.Paging is { } pg ? pg.AnonProcesses.Sum(a => 1 + a.Touches.Count) + pg.ShmUsers.Sum(u => 1 + u.Count) + pg.SwapCtl.Count : 0)
        + (w.Maps is { } m ? m.Lwps.Sum(l => 1 + l.Count) : 0);

    private static int Weight(LwpOp op) => op switch { Compute c => c.Quanta, SleepFor s => s.Seconds, _ => 1 };

    /// <summary>The valid candidates, biggest reduction first.</summary>
    public static IEnumerable<Workload> Candidates(Workload w) =>
        BaseCandidates(w).Concat(PagingCandidates(w)).Concat(MapsCandidates(w)).Where(c => c.Validate().Count == 0);

    /// <summary>Fewer anon processes, shm users, swapctl cycles, and fewer operations of each.</summary>
    private static IEnumerable<Workload> PagingCandidates(Workload w)
    {
        if (w.Paging is not { } pg) yield break;
        foreach (var anon in Removals(pg.AnonProcesses, a => a.Touches, (a, t) => a with { Touches = t }))
            yield return w with { Paging = pg with { AnonProcesses = anon } };
        foreach (var users in Removals(pg.ShmUsers, u => u, (_, ops) => ops))
            yield return w with { Paging = pg with { ShmUsers = users } };
        for (int i = 0; i < pg.SwapCtl.Count; i++)
            yield return w with { Paging = pg with { SwapCtl = Without(pg.SwapCtl, i) } };
    }

    /// <summary>Fewer mmap/munmap LWPs, and fewer operations of each.</summary>
    private static IEnumerable<Workload> MapsCandidates(Workload w)
    {
        if (w.Maps is not { } m) yield break;
        foreach (var lwps in Removals(m.Lwps, l => l, (_, ops) => ops))
            yield return w with { Maps = m with { Lwps = lwps } };
    }

    /// <summary>The list without one item, then the list with one item shortened by one of its parts.</summary>
    private static IEnumerable<IReadOnlyList<T>> Removals<T, TPart>(IReadOnlyList<T> items, Func<T, IReadOnlyList<TPart>> parts, Func<T, IReadOnlyList<TPart>, T> with)
    {
        for (int i = 0; i < items.Count; i++)
            yield return Without(items, i);
        for (int i = 0; i < items.Count; i++)
        {
            var ps = parts(items[i]);
            for (int j = 0; j < ps.Count && ps.Count > 1; j++)
                yield return [.. items.Select((x, k) => k == i ? with(x, Without(ps, j)) : x)];
        }
    }

    private static IReadOnlyList<T> Without<T>(IReadOnlyList<T> list, int index) => [.. list.Where((_, i) => i != index)];

    private static IEnumerable<Workload> BaseCandidates(Workload w)
    {
        for (int p = 0; p < w.Processes.Count && w.Processes.Count > 1; p++)
            yield return w with { Processes = [.. w.Processes.Where((_, i) => i != p)] };
        for (int p = 0; p < w.Processes.Count; p++)
        {
            var lwps = w.Processes[p].Lwps;
            for (int l = 0; l < lwps.Count && lwps.Count > 1; l++)
                yield return WithLwps(w, p, [.. lwps.Where((_, i) => i != l)]);
            for (int l = 0; l < lwps.Count; l++)
            {
                var ops = lwps[l];
                for (int o = 0; o < ops.Count && ops.Count > 1; o++)
                    yield return WithProgram(w, p, l, [.. ops.Where((_, i) => i != o)]);
                for (int o = 0; o < ops.Count; o++)
                    foreach (var smaller in Smaller(ops[o]))
                        yield return WithProgram(w, p, l, [.. ops.Select((x, i) => i == o ? smaller : x)]);
            }
        }
        if (w.Cpus > 1) yield return w with { Cpus = w.Cpus - 1 };
        if (w.Seconds > 0) yield return w with { Seconds = w.Seconds - 1 };
        if (w.SwapoutScans > 1) yield return w with { SwapoutScans = w.SwapoutScans - 1 };
    }

    private static IEnumerable<LwpOp> Smaller(LwpOp op)
    {
        switch (op)
        {
            case Compute { Quanta: > 1 } c:
                yield return new Compute(1);
                if (c.Quanta > 2) yield return new Compute(c.Quanta - 1);
                break;
            case SleepFor { Seconds: > 1 }:
                yield return new SleepFor(1);
                break;
        }
    }

    private static Workload WithLwps(Workload w, int p, IReadOnlyList<IReadOnlyList<LwpOp>> lwps) =>
        w with { Processes = [.. w.Processes.Select((x, i) => i == p ? new ProcessSpec(lwps) : x)] };

    private static Workload WithProgram(Workload w, int p, int l, IReadOnlyList<LwpOp> ops) =>
        WithLwps(w, p, [.. w.Processes[p].Lwps.Select((x, i) => i == l ? ops : x)]);
}
