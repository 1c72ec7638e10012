using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// verify's state cache (docs/verify.md, "State caching"): the states a search has met at a
/// decision, each with the steps and preemptions spent before it and the threads asleep there. A
/// state met again is not explored again when an earlier visit had no more steps behind it (so no
/// fewer left before the <c>max-steps</c> cut), no more preemptions spent (so no fewer left within
/// the bound) and no thread asleep that is awake now: that visit's subtree,
/// searched depth first, runs every schedule from the state that this one would. The state is
/// <see cref="StateKey"/>'s fingerprint of the kernel, the threads' program positions and locals
/// included, with the search's own part (the last thread where it can go on, fairness). One per
/// bound: a state's subtree is that bound's. Several threads may share one (<see cref="VerifyParallel"/>):
/// a state one of them is exploring is then not explored by another, which relies on the first to
/// search its subtree to the end (or the search is incomplete or has met a violation anyway). Each
/// thread fingerprints with a <see cref="StateKey"/> of its own (its compiled walks are costly to
/// build, so a thread keeps one for all its searches).
/// </summary>
internal sealed class StateCache
{
    private readonly Dictionary<StateFingerprint, Seen> _seen = [];
    private readonly Lock _lock = new();

    /// <summary>How a state was first explored: the steps and preemptions before it, and its sleepers (bit t: thread t).</summary>
    private readonly record struct Seen(int Steps, int Spent, ulong Asleep);

    /// <summary>
    /// True when this state (fingerprinted by <paramref name="key"/>), reached after
    /// <paramref name="steps"/> steps and <paramref name="spent"/> preemptions with <paramref name="sleep"/> asleep, was explored by an
    /// earlier visit that covers it; otherwise records this visit, which the search then explores,
    /// and returns false.
    /// </summary>
    public bool Covered(StateKey key, Kernel kernel, IStateShown search, int steps, int spent, SleepEntry[] sleep)
    {
        ulong asleep = 0;
        foreach (var e in sleep)
        {
            // More than 64 threads: the sleep set does not fit the mask, so the state is never cached.
            if (e.Thread >= 64) return false;
            asleep |= 1UL << e.Thread;
        }
        var fingerprint = key.Of(kernel, search);
        lock (_lock)
        {
            if (_seen.TryGetValue(fingerprint, out var seen) && seen.Steps <= steps && seen.Spent <= spent && (seen.Asleep & ~asleep) == 0) return true;
            // The kept visit does not cover this one, so this one covers it or neither covers the
            // other: keep this one, which the search explores now.
            _seen[fingerprint] = new Seen(steps, spent, asleep);
            return false;
        }
    }
}
