using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios.Engine;

namespace Uvm.Scenarios;

/// <summary>
/// Shrinks a kernel-level schedule while the same violation still happens: drops steps that are not
/// needed, and moves a step back next to its thread's previous step to save a context switch. Each
/// candidate is re-run by <see cref="ScheduleReplayer"/> following only the order of threads, so
/// labels are re-derived from the model; a candidate in which a thread would have to run while
/// asleep or after it exited is rejected.
/// </summary>
public static class ScheduleShrinker
{
    /// <summary>Context switches: adjacent steps by different threads.</summary>
    public static int ContextSwitches(IReadOnlyList<StepRecord> steps)
    {
        int n = 0;
        for (int i = 1; i < steps.Count; i++)
            if (steps[i].Thread != steps[i - 1].Thread) n++;
        return n;
    }

    /// <summary>
    /// The smallest schedule found within <paramref name="maxAttempts"/> replays that still ends in
    /// a violation with id <paramref name="violationId"/>; the input schedule if none is smaller.
    /// </summary>
    public static IReadOnlyList<StepRecord> Shrink(Workload workload, KernelConfig config, Catalogue properties,
        IReadOnlyList<StepRecord> schedule, string violationId, int maxAttempts = 3000, CancellationToken cancel = default)
    {
        // A fair cycle's candidates are all watched with one key: it compiles its walks once.
        var key = violationId == CycleDetector.ViolationId ? new StateKey(clockless: true) : null;
        var start = Reproduce(workload, config, properties, schedule, violationId, key) ?? schedule;
        return FirstImprovement.Search(start, Candidates, (best, candidate) =>
            Reproduce(workload, config, properties, candidate, violationId, key) is { } run && Better(run, best) ? run : null,
            maxAttempts, cancel, out _);
    }

    private static bool Better(IReadOnlyList<StepRecord> a, IReadOnlyList<StepRecord> b)
    {
        int sa = ContextSwitches(a), sb = ContextSwitches(b);
        return sa < sb || (sa == sb && a.Count < b.Count);
    }

    /// <summary>Deleting one step, then moving one step back to join its thread's previous run.</summary>
    private static IEnumerable<IReadOnlyList<StepRecord>> Candidates(IReadOnlyList<StepRecord> s)
    {
        for (int i = s.Count - 2; i >= 0; i--)
            yield return [.. s.Where((_, j) => j != i)];
        for (int i = 1; i < s.Count; i++)
        {
            if (s[i].Thread == s[i - 1].Thread) continue;
            int prev = -1;
            for (int j = i - 1; j >= 0; j--)
                if (s[j].Thread == s[i].Thread) { prev = j; break; }
            if (prev < 0) continue;
            var moved = s.ToList();
            var step = moved[i];
            moved.RemoveAt(i);
            moved.Insert(prev + 1, step);
            yield return moved;
        }
    }

    /// <summary>The schedule as the model runs it, if it ends in the wanted violation.</summary>
    private static IReadOnlyList<StepRecord>? Reproduce(Workload w, KernelConfig c, Catalogue p, IReadOnlyList<StepRecord> s, string id, StateKey? cycleKey)
    {
        var run = ScheduleReplayer.Follow(w, c, p, s, FollowMode.Threads, ScheduleDrivers.Direct, cycleKey: cycleKey);
        return run.Violation is { } v && v.Id == id && run.PartedAt is null ? run.Steps : null;
    }
}
