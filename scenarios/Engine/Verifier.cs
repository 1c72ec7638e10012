using System.Diagnostics;
using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>What <c>uvmcheck verify</c> established.</summary>
public sealed record VerifyResult(
    int Bound,
    long Schedules,
    long Steps,
    long DistinctStates,
    TimeSpan Elapsed,
    bool Complete,
    int CutSchedules,
    Counterexample? Counterexample,
    int? PreemptionsToBug,
    long Blocked = 0,
    bool Reduced = false,
    string? StoppedBy = null)
{
    /// <summary>True when a violation was found.</summary>
    public bool FoundBug => Counterexample is not null;
}

/// <summary>
/// Bounded-exhaustive search (<c>uvmcheck verify</c>): every schedule of a workload with at most
/// <c>c</c> preemptions, by iterative context bounding (Musuvathi and Qadeer, PLDI 2007). A
/// preemption is a switch away from a thread that could have taken its next step; switching
/// when the running thread sleeps or exits is free, and every nondeterministic choice of the
/// model is branched too. Bounds 0, 1, ... c are searched in turn, so a bug is reported with its
/// minimal preemption count. The search is stateless: each schedule re-runs from boot along a
/// prefix of decisions, depth first. Distinct kernel states (a hash of the kernel view, not of
/// the threads' program counters) are counted, as TLC counts states, but never used to prune:
/// the threads' locals are not in the view, so pruning on it would not be sound.
/// </summary>
public static class Verifier
{
    /// <summary>
    /// Explores every schedule of <paramref name="request"/> with at most <paramref name="bound"/>
    /// preemptions, stopping early at the first violation, when <paramref name="cancel"/> fires,
    /// or after <paramref name="maxSchedules"/> schedules or <paramref name="maxTotalSteps"/> kernel
    /// steps in all (then the result is not complete and says which cap stopped it). With
    /// <paramref name="por"/>, sleep sets over the declared step footprints skip schedules that
    /// only reorder independent steps; every kernel state within the bound is still reached
    /// (docs/verify.md). With <paramref name="violations"/>, the search goes on after a violation
    /// and collects the id of every violation it meets; the first is the result's counterexample.
    /// </summary>
    public static VerifyResult Run(RunRequest request, int bound, long maxSchedules = long.MaxValue, CancellationToken cancel = default,
        Action? onSchedule = null, bool countStates = true, bool por = false, ISet<string>? violations = null,
        long maxTotalSteps = long.MaxValue)
    {
        var clock = Stopwatch.StartNew();
        var states = new HashSet<ulong>();
        long schedules = 0, steps = 0, blocked = 0;
        int cut = 0;
        Counterexample? first = null;
        int? firstBound = null;
        for (int c = 0; c <= bound; c++)
        {
            var search = new VerifySearch(request, c, countStates ? states : null, por);
            while (search.Next() is { } core)
            {
                steps += core.Log.Count;
                if (search.LastWasCut) cut++;
                if (search.LastBlocked) blocked++;
                // Schedules with fewer preemptions were explored at a lower bound already.
                if (search.LastPreemptions == c && !search.LastBlocked) schedules++;
                onSchedule?.Invoke();
                if (core.Violation is { } v)
                {
                    var cx = request.CounterexampleOf(v, core.Log.Records(), (int)Math.Min(int.MaxValue, schedules),
                        settings: request.Settings with { Engine = EngineKind.Direct, Iterations = 1 });
                    if (violations is null)
                        return new VerifyResult(bound, schedules, steps, states.Count, clock.Elapsed, false, cut, cx, c, blocked, por);
                    violations.Add(v.Id);
                    (first, firstBound) = (first ?? cx, firstBound ?? c);
                }
                string? stop = schedules >= maxSchedules ? $"the cap of {maxSchedules} schedules"
                    : steps >= maxTotalSteps ? $"the cap of {maxTotalSteps} kernel steps"
                    : cancel.IsCancellationRequested ? "cancellation" : null;
                if (stop is not null)
                    return new VerifyResult(bound, schedules, steps, states.Count, clock.Elapsed, false, cut, first, firstBound, blocked, por, stop);
            }
        }
        return new VerifyResult(bound, schedules, steps, states.Count, clock.Elapsed, true, cut, first, firstBound, blocked, por);
    }
}
