using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// A scheduling strategy of the in-process explorer: it picks the thread that steps next among
/// the runnable ones, and answers the model's nondeterministic choices. One instance serves one
/// engine, schedule after schedule; <see cref="Begin"/> reseeds it for each.
/// </summary>
internal abstract class Scheduler : IChoice
{
    /// <summary>The random source of the current schedule.</summary>
    protected SplitMix64 Random;

    /// <summary>Starts schedule number <paramref name="seed"/> (the run's seed plus the schedule's index).</summary>
    public virtual void Begin(ulong seed) => Random = new SplitMix64(seed);

    /// <summary>
    /// True when a schedule depends on the schedules before it in the same engine (PCT's length
    /// estimate), not on its seed alone: then the engines of a campaign cannot share a window.
    /// </summary>
    public virtual bool RemembersSchedules => false;

    /// <summary>Called after a schedule with the number of steps it took.</summary>
    public virtual void End(int steps)
    {
    }

    /// <summary>Picks a thread: an index into <paramref name="runnable"/>, given the thread that ran last (-1 at first).</summary>
    public abstract int Pick(ReadOnlySpan<int> runnable, int last, int step);

    /// <summary>
    /// Told after each step: the thread (its index) that took it, how it goes on, and the threads
    /// the step woke (<see cref="StepCore.Woken"/>), for a strategy whose next pick depends on them.
    /// </summary>
    public virtual void Stepped(int thread, StepKind kind, IReadOnlyList<KernelThread> woken)
    {
    }

    /// <inheritdoc/>
    public bool Boolean() => (Random.Next() & 1) == 1;

    /// <inheritdoc/>
    public int Integer(int maxExclusive) => maxExclusive <= 1 ? 0 : Random.Below(maxExclusive);

    /// <summary>The scheduler for <paramref name="settings"/>.</summary>
    public static Scheduler For(ExploreSettings settings) => settings.Strategy switch
    {
        Strategy.Random => new RandomScheduler(),
        Strategy.Delivery => new DeliveryScheduler(),
        Strategy.Probabilistic => new ProbabilisticScheduler(settings.StrategyBound),
        Strategy.Pct or Strategy.FairPct => new PctScheduler(settings.StrategyBound, settings.Strategy == Strategy.FairPct),
        _ => throw new ArgumentOutOfRangeException(nameof(settings)),
    };
}

/// <summary>Every runnable thread equally likely at every step.</summary>
internal sealed class RandomScheduler : Scheduler
{
    /// <inheritdoc/>
    public override int Pick(ReadOnlySpan<int> runnable, int last, int step) => Random.Below(runnable.Length);
}

/// <summary>
/// Coyote's random strategy over the decisions the Coyote engine's actors make
/// (<c>KernelThreadActor</c>), made without actors: uniform at every decision among the enabled
/// ones, where a decision is not always a kernel step. After a step, the thread sends a wakeup to
/// each thread the step woke, in order, each send a decision of its own; a woken thread is enabled
/// only once its wakeup is sent; a thread that goes on (<see cref="StepKind.Continue"/>) then makes
/// one more decision, the preemption point, and picking it there runs its next step. So a thread
/// that woke k others keeps the CPU with a chance of about n^-(k+1), not n^-1 as under
/// <see cref="RandomScheduler"/>, and its wakees tend to run first: the shape of a release of a lock
/// that others spin or sleep on. The sends are the scheduler's bookkeeping only: every pick is still
/// a runnable thread, so the schedules it explores are kernel schedules like any other's.
/// </summary>
internal sealed class DeliveryScheduler : Scheduler
{
    /// <summary>The wakeups not yet sent, oldest first: (sender, wakee) by thread index.</summary>
    private readonly List<(int From, int To)> _sends = [];

    /// <summary>Per thread: it went on after its last step and has its preemption point to come.</summary>
    private bool[] _goesOn = new bool[8];

    /// <summary>Per thread: it slept, and its wakeup has not been sent since.</summary>
    private bool[] _awaits = new bool[8];

    /// <summary>Scratch: the enabled decisions, as thread indices.</summary>
    private int[] _enabled = new int[16];

    /// <inheritdoc/>
    public override void Begin(ulong seed)
    {
        base.Begin(seed);
        _sends.Clear();
        Array.Clear(_goesOn);
        Array.Clear(_awaits);
    }

    /// <inheritdoc/>
    public override void Stepped(int thread, StepKind kind, IReadOnlyList<KernelThread> woken)
    {
        Grow(thread);
        for (int i = 0; i < woken.Count; i++)
        {
            // A woken thread waits for its send, whether its own step put it to sleep or it started
            // asleep (a kthread, the pagedaemon: the Coyote engine gives their actors no Run event).
            int w = woken[i].Index;
            Grow(w);
            _awaits[w] = true;
            _sends.Add((thread, w));
        }
        _goesOn[thread] = kind == StepKind.Continue;
        if (kind == StepKind.Sleep) _awaits[thread] = true;
    }

    /// <inheritdoc/>
    public override int Pick(ReadOnlySpan<int> runnable, int last, int step)
    {
        foreach (int r in runnable) Grow(r);
        while (true)
        {
            // Enabled: a thread with a send or its preemption point to come (one decision: its
            // next), and a runnable thread at rest whose wakeup, if it slept, was sent. A runnable
            // thread that slept and that no pending send names was made runnable by no step
            // (none such today); it is enabled rather than left waiting forever.
            int n = 0;
            for (int t = 0; t < _goesOn.Length; t++)
                if (_goesOn[t] || Sends(t) >= 0) _enabled[n++] = t;
            foreach (int r in runnable)
                if (!_goesOn[r] && Sends(r) < 0 && (!_awaits[r] || SentTo(r) < 0)) _enabled[n++] = r;
            int pick = _enabled[Random.Below(n)];
            if (Sends(pick) is int i and >= 0)
            {
                _awaits[_sends[i].To] = false;
                _sends.RemoveAt(i);
                continue;
            }
            _goesOn[pick] = false;
            _awaits[pick] = false;
            // A thread that went on is runnable: only itself puts it to sleep.
            if (runnable.IndexOf(pick) is int k and >= 0) return k;
        }
    }

    /// <summary>The index in <see cref="_sends"/> of the next wakeup <paramref name="thread"/> sends, or -1.</summary>
    private int Sends(int thread)
    {
        for (int i = 0; i < _sends.Count; i++)
            if (_sends[i].From == thread) return i;
        return -1;
    }

    /// <summary>The index in <see cref="_sends"/> of a wakeup still to be sent to <paramref name="thread"/>, or -1.</summary>
    private int SentTo(int thread)
    {
        for (int i = 0; i < _sends.Count; i++)
            if (_sends[i].To == thread) return i;
        return -1;
    }

    /// <summary>Makes room for thread index <paramref name="thread"/>.</summary>
    private void Grow(int thread)
    {
        if (thread >= _goesOn.Length)
        {
            int size = Math.Max(thread + 1, 2 * _goesOn.Length);
            Array.Resize(ref _goesOn, size);
            Array.Resize(ref _awaits, size);
        }
        if (_enabled.Length < 2 * _goesOn.Length) Array.Resize(ref _enabled, 2 * _goesOn.Length);
    }
}

/// <summary>
/// Keeps running the last thread, switching to a random one with probability 2^-bound at each
/// step (Coyote's probabilistic random strategy): few context switches per schedule.
/// </summary>
internal sealed class ProbabilisticScheduler(int bound) : Scheduler
{
    private readonly ulong _mask = (1UL << Math.Clamp(bound, 0, 30)) - 1;

    /// <inheritdoc/>
    public override int Pick(ReadOnlySpan<int> runnable, int last, int step)
    {
        if ((Random.Next() & _mask) != 0)
        {
            int i = runnable.IndexOf(last);
            if (i >= 0) return i;
        }
        return Random.Below(runnable.Length);
    }
}

/// <summary>
/// PCT (Burckhardt et al., ASPLOS 2010): random distinct priorities for the threads, d-1 priority
/// change points at random steps of the schedule; the highest-priority runnable thread always
/// runs, and at a change point the running thread drops below every other. The schedule length is
/// estimated from the longest schedule seen so far, as Coyote does. With <c>fair</c>, past the
/// change points the schedule continues at random.
/// </summary>
internal sealed class PctScheduler(int bound, bool fair) : Scheduler
{
    /// <summary>Priority of each thread index (higher runs first); grown on demand.</summary>
    private readonly List<int> _priority = [];

    /// <summary>The steps at which a priority change happens.</summary>
    private readonly List<int> _changes = [];

    /// <summary>The longest schedule seen so far, the range the change points are drawn from.</summary>
    private int _length = 64;

    /// <summary>The lowest priority handed out so far (changed threads go below it).</summary>
    private int _lowest;

    /// <summary>The last change point (fair PCT goes random after it).</summary>
    private int _lastChange;

    /// <inheritdoc/>
    public override void Begin(ulong seed)
    {
        base.Begin(seed);
        _priority.Clear();
        _changes.Clear();
        _lowest = 0;
        for (int i = 0; i < Math.Max(0, bound - 1); i++) _changes.Add(Random.Below(_length));
        _lastChange = _changes.Count == 0 ? -1 : _changes.Max();
    }

    /// <inheritdoc/>
    public override bool RemembersSchedules => true;

    /// <inheritdoc/>
    public override void End(int steps) => _length = Math.Max(_length, steps);

    /// <inheritdoc/>
    public override int Pick(ReadOnlySpan<int> runnable, int last, int step)
    {
        if (fair && step > _lastChange) return Random.Below(runnable.Length);
        int best = 0;
        for (int i = 0; i < runnable.Length; i++)
            if (PriorityOf(runnable[i]) > PriorityOf(runnable[best])) best = i;
        if (_changes.Contains(step))
        {
            _priority[runnable[best]] = --_lowest;
            best = 0;
            for (int i = 0; i < runnable.Length; i++)
                if (PriorityOf(runnable[i]) > PriorityOf(runnable[best])) best = i;
        }
        return best;
    }

    /// <summary>A thread's priority; a thread seen for the first time gets a random place among the others.</summary>
    private int PriorityOf(int thread)
    {
        while (_priority.Count <= thread)
        {
            // Distinct random priorities: insert the new thread at a random rank above the changed ones.
            _priority.Add(Random.Below(1 << 20) + 1);
        }
        return _priority[thread];
    }
}

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, seedable generator; its sequence is fixed forever.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, n), n &gt; 0 (Lemire's multiply-shift; bias below 2^-32 for small n).</summary>
    public int Below(int n) => (int)(((Next() >> 32) * (ulong)n) >> 32);
}
