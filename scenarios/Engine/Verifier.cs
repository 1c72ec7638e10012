using System.Diagnostics;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;

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
    string? StoppedBy = null,
    VerifiedBound? Established = null,
    long Pruned = 0,
    bool Cached = false)
{
    /// <summary>True when a violation was found.</summary>
    public bool FoundBug => Counterexample is not null;
}

/// <summary>
/// What a search established before it ended: every schedule with at most <see cref="Bound"/>
/// preemptions explored, no violation met, and the counts of the search at the end of that bound
/// (bounds 0 to <see cref="Bound"/>, which are the same whatever stopped the search later).
/// </summary>
public sealed record VerifiedBound(int Bound, long Schedules, long Steps, long DistinctStates);

/// <summary>
/// Bounded-exhaustive search (<c>uvmcheck verify</c>): every schedule of a workload with at most
/// <c>c</c> preemptions, by iterative context bounding (Musuvathi and Qadeer, PLDI 2007). A
/// preemption is a switch away from a thread that could have taken its next step; switching
/// when the running thread sleeps or exits is free, and every nondeterministic choice of the
/// model is branched too. Bounds 0, 1, ... c are searched in turn, so a bug is reported with its
/// minimal preemption count. Each schedule re-runs from boot along a prefix of decisions, depth
/// first. Distinct kernel states (a hash of the kernel view, not of the threads' program
/// counters) are counted, as TLC counts states, but never used to prune: the threads' locals are
/// not in the view. With <c>stateCache</c>, a run stops at a state whose whole fingerprint
/// (<see cref="StateKey"/>: kernel, threads' positions and locals, the search's own part) an
/// earlier run explored with as much left to explore (<see cref="StateCache"/>). With several
/// threads the tree of each bound is split at a shallow depth and its subtrees are searched in
/// parallel (<see cref="VerifyParallel"/>); without the cache the result is the same whatever the
/// thread timing; with it, the threads share one cache per bound, and every count but the
/// distinct states may vary with the timing.
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
    /// <paramref name="parallel"/> threads search at once; the counterexample and, when complete,
    /// every count are those of one thread. <paramref name="onSchedule"/> may then be called from
    /// several threads at once. <paramref name="onBound"/> is told each bound searched to its end
    /// with no violation met so far, on the calling thread, as soon as it ends. With
    /// <paramref name="stateCache"/> a state explored before is not explored again (docs/verify.md,
    /// "State caching"); schedules then counts the runs that went to their end, and
    /// <see cref="VerifyResult.Pruned"/> the runs stopped at such a state.
    /// </summary>
    public static VerifyResult Run(RunRequest request, int bound, long maxSchedules = long.MaxValue, CancellationToken cancel = default,
        Action? onSchedule = null, bool countStates = true, bool por = false, ISet<string>? violations = null,
        long maxTotalSteps = long.MaxValue, int parallel = 1, Action<VerifiedBound>? onBound = null, bool stateCache = false) =>
        Run(request, bound, new VerifyLimits(maxSchedules, maxTotalSteps, cancel), onSchedule, countStates, por, violations, parallel, hashReplay: false, onBound, stateCache);

    /// <summary>As the public overload; <paramref name="hashReplay"/> also hashes the states of replayed prefixes (the old way, for tests).</summary>
    internal static VerifyResult Run(RunRequest request, int bound, VerifyLimits limits, Action? onSchedule, bool countStates, bool por,
        ISet<string>? violations, int parallel, bool hashReplay, Action<VerifiedBound>? onBound = null, bool stateCache = false)
    {
        var clock = Stopwatch.StartNew();
        var states = new HashSet<ulong>();
        var total = new VerifyTally();
        var key = stateCache && parallel <= 1 ? new StateKey() : null;
        Counterexample? first = null;
        int? firstBound = null;
        // The last bound searched to its end with no violation: what a search stopped later
        // by a cap, the time budget or a signal has still established.
        VerifiedBound? established = null;
        for (int c = 0; c <= bound; c++)
        {
            var tally = parallel > 1
                ? VerifyParallel.Search(request, c, por, countStates ? states : null, limits, total, onSchedule, violations is not null, parallel, cache: stateCache)
                : Sequential(request, c, por, countStates ? states : null, limits, total, onSchedule, violations is not null, hashReplay, key);
            total.Add(tally);
            if (tally.Violation is { } v)
            {
                var cx = request.CounterexampleOf(v.Violation, v.Steps, (int)Math.Min(int.MaxValue, v.Schedule),
                    settings: request.Settings with { Engine = EngineKind.Direct, Iterations = 1 });
                if (violations is null) return Result(complete: false, cx, c, null);
                (first, firstBound) = (first ?? cx, firstBound ?? c);
            }
            if (violations is not null)
                foreach (var id in tally.Ids) violations.Add(id);
            if (tally.StoppedBy is { } stop) return Result(complete: false, first, firstBound, stop);
            if (first is not null) continue;
            established = new VerifiedBound(c, total.Schedules, total.Steps, states.Count);
            onBound?.Invoke(established);
        }
        return Result(complete: true, first, firstBound, null);

        VerifyResult Result(bool complete, Counterexample? cx, int? minimalBound, string? stoppedBy) =>
            new(bound, total.Schedules, total.Steps, states.Count, clock.Elapsed, complete, total.Cut, cx, minimalBound, total.Blocked, por, stoppedBy, established,
                total.Pruned, stateCache);
    }

    /// <summary>One bound, depth first on this thread.</summary>
    private static VerifyTally Sequential(RunRequest request, int c, bool por, HashSet<ulong>? states, VerifyLimits limits,
        VerifyTally before, Action? onSchedule, bool goOn, bool hashReplay, StateKey? key)
    {
        var tally = new VerifyTally();
        var search = new VerifySearch(request, c, states, por, hashReplay: hashReplay, cache: key is null ? null : new StateCache(), stateKey: key);
        while (search.Next() is { } core)
        {
            if (tally.Count(search, core, c, before.Schedules, goOn)) return tally;
            onSchedule?.Invoke();
            if (limits.Stop(before.Schedules + tally.Schedules, before.Steps + tally.Steps) is { } stop)
            {
                tally.StoppedBy = stop;
                return tally;
            }
        }
        return tally;
    }
}

/// <summary>The caps of one verify run: schedules, kernel steps in all, and cancellation.</summary>
internal sealed record VerifyLimits(long MaxSchedules, long MaxTotalSteps, CancellationToken Cancel)
{
    /// <summary>What stopped a search that was cancelled (the CLI names the signal or budget behind it).</summary>
    public const string Cancelled = "cancellation";

    /// <summary>Which cap stops a search that has run <paramref name="schedules"/> and <paramref name="steps"/>; null if none.</summary>
    public string? Stop(long schedules, long steps) =>
        schedules >= MaxSchedules ? $"the cap of {MaxSchedules} schedules"
        : steps >= MaxTotalSteps ? $"the cap of {MaxTotalSteps} kernel steps"
        : Cancel.IsCancellationRequested ? Cancelled : null;
}

/// <summary>The first violation met in a search, the steps that reach it and its schedule's number.</summary>
internal sealed record FoundViolation(Violation Violation, IReadOnlyList<StepRecord> Steps, long Schedule);

/// <summary>What a search (one bound, or one subtree of it) has run and met so far.</summary>
internal sealed class VerifyTally
{
    public long Schedules { get; private set; }
    public long Steps { get; private set; }
    public long Blocked { get; private set; }

    /// <summary>Runs that stopped at a state the state cache had seen explored.</summary>
    public long Pruned { get; private set; }

    public int Cut { get; private set; }
    public FoundViolation? Violation { get; private set; }
    public HashSet<string> Ids { get; } = [];
    public string? StoppedBy { get; set; }

    /// <summary>The parts a search on several threads ran: frontier subtrees and the parts busy workers gave away.</summary>
    public int Parts { get; set; }

    /// <summary>
    /// Counts the run <paramref name="search"/> just made; true when it met a violation and the
    /// search should stop (<paramref name="goOn"/> false). Its schedule number counts from
    /// <paramref name="scheduleBase"/>. Schedules with fewer preemptions than <paramref name="c"/>
    /// were explored at a lower bound already and are not counted again.
    /// </summary>
    public bool Count(VerifySearch search, StepCore core, int c, long scheduleBase, bool goOn)
    {
        Steps += core.Log.Count;
        if (search.Frontier is not null) return false;
        if (search.LastWasCut) Cut++;
        if (search.LastBlocked) Blocked++;
        if (search.LastPruned) Pruned++;
        if (search.LastPreemptions == c && !search.LastBlocked && !search.LastPruned) Schedules++;
        if (core.Violation is not { } v) return false;
        Violation ??= new FoundViolation(v, core.Log.Records(), scheduleBase + Schedules);
        Ids.Add(v.Id);
        return !goOn;
    }

    /// <summary>Counts kernel steps run outside any counted run (a discarded pass).</summary>
    public void AddSteps(long steps) => Steps += steps;

    /// <summary>Adds another search's counts (and its violation, if this one met none).</summary>
    public void Add(VerifyTally other)
    {
        Schedules += other.Schedules;
        Steps += other.Steps;
        Blocked += other.Blocked;
        Pruned += other.Pruned;
        Cut += other.Cut;
        Violation ??= other.Violation;
        Ids.UnionWith(other.Ids);
    }

    /// <summary>Adds a subtree's counts; its violation's schedule number is shifted by the schedules before it.</summary>
    public void AddAfter(VerifyTally subtree, long scheduleBase)
    {
        if (Violation is null && subtree.Violation is { } v)
            Violation = v with { Schedule = v.Schedule + scheduleBase };
        var moved = new VerifyTally { Schedules = subtree.Schedules, Steps = subtree.Steps, Blocked = subtree.Blocked, Pruned = subtree.Pruned, Cut = subtree.Cut };
        moved.Ids.UnionWith(subtree.Ids);
        Add(moved);
    }
}
