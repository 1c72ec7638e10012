using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// The fair scheduler of <c>uvmcheck verify</c> (docs/verify.md, "Fairness"), after Musuvathi and
/// Qadeer, "Fair stateless model checking" (PLDI 2008). A thread that yields, that is waits without
/// having made progress, gets a lower priority than every thread that could run since its last
/// wait and has not run since; it cannot be scheduled while one of those can run, and each
/// priority edge goes when its higher thread runs. The one yield of the model is a thread's
/// <see cref="Patience"/>-th sleep in uvm_wait() in a row of the same retry: each after the same
/// steps of that thread as the one before it (none, or the same functions in the same order; a
/// retry runs between two waits, so what a thread ran before its first wait is progress, not one):
/// uvm_wait()'s callers (uvm_fault() "flt_noram5", the fork and swap-in paths, proc0's
/// uvm_scheduler() loop, which drops the proclist lock in a step of its own before it waits) wait
/// for free memory and then retry from the start (uvm_fault.c, uvm_pdaemon.c uvm_wait, uvm_glue.c
/// uvm_scheduler), so retries that take the same steps and wait again made no progress, like a
/// spin on a condition.
/// Without fairness, such a retry and the pagedaemon pass that wakes it can alternate forever
/// while the clock and the reaper never run, which no kernel does: hardclock interrupts every tick
/// (kern_clock.c hardclock) and the run queue is served (kern_synch.c). One instance per run.
/// </summary>
internal sealed class Fairness
{
    /// <summary>For each thread, the threads it must let run first (bit i: thread i).</summary>
    private readonly ulong[] _above;

    /// <summary>For each thread, the threads that could run at some point since its last wait in uvm_wait().</summary>
    private readonly ulong[] _enabledSince;

    /// <summary>For each thread, the threads that ran since its last wait.</summary>
    private readonly ulong[] _ranSince;

    /// <summary>For each thread, how many of its sleeps in uvm_wait() in a row were the same retry.</summary>
    private readonly int[] _waited;

    /// <summary>
    /// For each thread, a hash of the functions of its steps since its last sleep in uvm_wait(), or
    /// <see cref="Long"/> once there were more than <see cref="RetrySteps"/> of them.
    /// </summary>
    private readonly int[] _cycle;

    /// <summary>For each thread, how many steps <see cref="_cycle"/> has hashed.</summary>
    private readonly int[] _cycleSteps;

    /// <summary>For each thread, <see cref="_cycle"/> as it was at its last sleep in uvm_wait().</summary>
    private readonly int[] _lastCycle;

    /// <summary>
    /// The most steps a retry takes, its wait included: proc0's takes two (the proclist unlock, the
    /// wait), a fault's retry one. A longer run of steps between two waits is progress. The bound
    /// keeps the cycle's hash out of verify's state cache (<see cref="Show"/>) once a thread has run
    /// further than a retry: hashing every step since the last wait made states differ by path
    /// alone, and the fair search of loan-zero at bound 1 ran five times the unfair one's schedules.
    /// </summary>
    public const int RetrySteps = 4;

    /// <summary>The cycle of a thread that took more than <see cref="RetrySteps"/> steps since its last wait.</summary>
    private const int Long = -1;

    /// <summary>
    /// The sleep in uvm_wait() in a row that is a yield: the third after the same retry (the
    /// retry came back to uvm_wait() three times; the wait before the first is the count's start).
    /// With the second, the fair search missed states the unfair one reaches on the pagedaemon and
    /// loan workloads at bound 1 (docs/verify.md); with the third it misses none on
    /// any scenario whose unfair search ends within the bounds measured.
    /// </summary>
    public const int Patience = 3;

    /// <summary>A fair scheduler for <paramref name="threads"/> threads (at most 64).</summary>
    public Fairness(int threads)
    {
        if (threads > 64) throw new ArgumentOutOfRangeException(nameof(threads), "the fair scheduler keeps at most 64 threads");
        _above = new ulong[threads];
        _enabledSince = new ulong[threads];
        _ranSince = new ulong[threads];
        _waited = new int[threads];
        _cycle = new int[threads];
        _cycleSteps = new int[threads];
        _lastCycle = new int[threads];
        // Before its first wait a thread is not retrying: as after progress, its first wait starts the count.
        Array.Fill(_cycle, Long);
    }

    /// <summary>
    /// The priorities and, of what they are computed from, the part that can still decide one, for
    /// verify's state cache. A thread's history decides only at its next wait in uvm_wait(), and
    /// only whether that wait is a yield and, if it is, the thread's new edges: a thread that ran
    /// more than a retry's steps since its last wait does not yield then (its count starts again),
    /// whatever it waited before; one that does not yet have <see cref="Patience"/> − 1 waits of
    /// one retry behind it does not yield then either, and its next wait starts the threads since
    /// it again. Two states that differ only in the rest have the same futures; showing it made
    /// states differ by the path alone (a thread that never waits kept every thread that ever ran).
    /// </summary>
    public void Show(IStateMixer state)
    {
        for (int t = 0; t < _above.Length; t++)
        {
            state.Value((long)_above[t]);
            if (_cycle[t] == Long)
            {
                state.Value(Long);
                continue;
            }
            state.Value(_cycle[t]);
            state.Value(_cycleSteps[t]);
            state.Value(_lastCycle[t]);
            // One wait short of a yield or more: the next wait of the same retry yields; its count no longer matters.
            bool nextMayYield = _waited[t] >= Patience - 1;
            state.Value(nextMayYield ? Patience - 1 : _waited[t]);
            if (!nextMayYield) continue;
            state.Value((long)_enabledSince[t]);
            state.Value((long)_ranSince[t]);
        }
    }

    /// <summary>True when a step that ended as <paramref name="step"/> slept in uvm_wait().</summary>
    public static bool IsWait(Step step) =>
        step.Kind == StepKind.Sleep && step.Function.StartsWith("uvm_wait", StringComparison.Ordinal);

    /// <summary>
    /// Keeps in <paramref name="runnable"/> the threads fairness lets run, and returns how many; all
    /// of them if it would let none run (cannot happen: the priority order has no cycle).
    /// </summary>
    public int Schedulable(Span<int> runnable)
    {
        ulong can = 0;
        foreach (int t in runnable) can |= 1UL << t;
        foreach (int t in runnable)
            for (int u = 0; u < _enabledSince.Length; u++) _enabledSince[u] |= can;
        int n = 0;
        foreach (int t in runnable)
            if ((_above[t] & can) == 0) runnable[n++] = t;
        return n == 0 ? runnable.Length : n;
    }

    /// <summary>
    /// Thread <paramref name="thread"/> ran a step that ended as <paramref name="step"/>; true when
    /// that changed the priorities or the state they are computed from (a wait in uvm_wait(), or a
    /// run that lifted another thread's edge).
    /// </summary>
    public bool Ran(int thread, Step step)
    {
        ulong bit = 1UL << thread;
        bool changed = false;
        for (int u = 0; u < _above.Length; u++)
        {
            _ranSince[u] |= bit;
            if ((_above[u] & bit) == 0) continue;
            _above[u] &= ~bit;
            changed = true;
        }
        bool wait = IsWait(step);
        if (_cycle[thread] != Long)
            _cycle[thread] = ++_cycleSteps[thread] > RetrySteps ? Long : Mix(_cycle[thread], step.Function);
        if (!wait) return changed;
        // The same few steps since the last wait as before it: the same retry, waiting again.
        _waited[thread] = _cycle[thread] != Long && _cycle[thread] == _lastCycle[thread] ? _waited[thread] + 1 : 1;
        _lastCycle[thread] = _cycle[thread];
        _cycle[thread] = 0;
        _cycleSteps[thread] = 0;
        bool yields = _waited[thread] >= Patience;
        if (yields) _above[thread] = _enabledSince[thread] & ~_ranSince[thread] & ~bit;
        _enabledSince[thread] = 0;
        _ranSince[thread] = 0;
        return true;
    }

    /// <summary>
    /// <paramref name="function"/> folded into a cycle's hash with FNV-1a: the same in every
    /// process (string hashes are seeded per process), so verify explores the same schedules in
    /// every run, even where two different retries' steps collide.
    /// </summary>
    private static int Mix(int cycle, string function)
    {
        uint h = (uint)cycle ^ 2166136261u;
        foreach (char c in function) h = (h ^ c) * 16777619u;
        return (int)(h & int.MaxValue); // never Long
    }
}
