using Uvm.Model.Sched;
using static Uvm.Scenarios.ListShrinks;

namespace Uvm.Scenarios;

/// <summary>
/// Smaller variants of a workload, smallest change first, each still valid: fewer processes, LWPs,
/// operations, CPUs, seconds and scans, no page reserves; shorter computes and sleeps; then each section's own
/// shrinks (<see cref="IWorkloadSection.Shrink"/>), so every registered section is shrunk. Used by
/// the co-shrinker and as the FsCheck shrinker of generated workloads.
/// </summary>
public static class WorkloadShrinker
{
    /// <summary>A size to compare workloads by: every process, LWP, operation, quantum, CPU, second, scan and reserved page, and each section's size.</summary>
    public static int Size(Workload w) =>
        w.Cpus + w.Seconds + w.SwapoutScans + w.ReserveKernel + w.ReservePagedaemon + w.Processes.Sum(p => 1 + p.Lwps.Sum(l => 1 + l.Sum(Weight)))
        + WorkloadSections.All.Sum(s => s.Size(w));

    private static int Weight(LwpOp op) => op switch { Compute c => c.Quanta, SleepFor s => s.Seconds, _ => 1 };

    /// <summary>The valid candidates, biggest reduction first.</summary>
    public static IEnumerable<Workload> Candidates(Workload w) =>
        BaseCandidates(w).Concat(WorkloadSections.All.SelectMany(s => s.Shrink(w))).Where(c => c.Validate().Count == 0);

    private static IEnumerable<Workload> BaseCandidates(Workload w)
    {
        for (int p = 0; p < w.Processes.Count && w.Processes.Count > 1; p++)
            yield return w with { Processes = Without(w.Processes, p) };
        for (int p = 0; p < w.Processes.Count; p++)
        {
            var lwps = w.Processes[p].Lwps;
            for (int l = 0; l < lwps.Count && lwps.Count > 1; l++)
                yield return WithLwps(w, p, Without(lwps, l));
            for (int l = 0; l < lwps.Count; l++)
            {
                var ops = lwps[l];
                for (int o = 0; o < ops.Count && ops.Count > 1; o++)
                    yield return WithProgram(w, p, l, Without(ops, o));
                for (int o = 0; o < ops.Count; o++)
                    foreach (var smaller in Smaller(ops[o]))
                        yield return WithProgram(w, p, l, With(ops, o, smaller));
            }
        }
        if (w.Cpus > 1) yield return w with { Cpus = w.Cpus - 1 };
        if (w.Seconds > 0) yield return w with { Seconds = w.Seconds - 1 };
        if (w.SwapoutScans > 1) yield return w with { SwapoutScans = w.SwapoutScans - 1 };
        foreach (var unreserved in MemoryReserves.Shrink(w)) yield return unreserved;
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
        w with { Processes = With(w.Processes, p, w.Processes[p] with { Lwps = lwps }) }; // keeps P_NOCLDWAIT and P_STOPFORK

    private static Workload WithProgram(Workload w, int p, int l, IReadOnlyList<LwpOp> ops) =>
        WithLwps(w, p, With(w.Processes[p].Lwps, l, ops));
}
