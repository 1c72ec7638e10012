namespace Uvm.Scenarios.Engine;

/// <summary>
/// One bound of <c>uvmcheck verify</c> on several threads. A shallow depth-first search, the
/// same search cut at a depth of D frames, lists the frontier: the decision prefixes of length
/// D, in depth-first order, each with its frames' sleep sets and the footprints of the siblings
/// explored before it. Each frontier entry is a subtree that a worker then searches exactly as
/// the one-thread search would (the sleep sets inside it depend only on those frames), taking
/// the next untaken entry in order whenever it is free. D doubles from 8 until the frontier has
/// <see cref="EntriesPerThread"/> entries per thread; a search with no frontier at all was
/// complete in the shallow pass. The counts are summed and the state sets merged in
/// depth-first order, so the first violation in that order, its schedule's number, and every
/// count up to it are the one-thread search's, whatever the thread timing.
/// </summary>
internal static class VerifyParallel
{
    /// <summary>Frontier entries wanted per thread, so that uneven subtrees even out.</summary>
    private const int EntriesPerThread = 32;

    /// <summary>Deepest cut tried (frames); past it the frontier is taken as it is.</summary>
    private const int MaxDepth = 1024;

    /// <summary>Searches bound <paramref name="c"/>; <paramref name="before"/> is what lower bounds ran.</summary>
    public static VerifyTally Search(RunRequest request, int c, bool por, HashSet<ulong>? states, VerifyLimits limits,
        VerifyTally before, Action? onSchedule, bool goOn, int threads)
    {
        long discarded = 0;
        var hash = new StateHash();
        for (int depth = 8; ; depth *= 2)
        {
            var shallow = Shallow(request, c, por, states, limits, before, onSchedule, goOn, depth, hash);
            bool over = shallow.Tail.StoppedBy is not null || shallow.Tail.Violation is not null && !goOn;
            if (shallow.Entries.Count == 0 || over || shallow.Entries.Count >= EntriesPerThread * threads || depth >= MaxDepth)
            {
                var total = Subtrees(request, c, por, states, limits, before, onSchedule, goOn, threads, shallow);
                total.AddSteps(discarded);
                return total;
            }
            // Too few subtrees to share: cut deeper. What this pass ran is run again, so only its steps count.
            discarded += shallow.Entries.Sum(e => e.Before.Steps) + shallow.Tail.Steps;
        }
    }

    /// <summary>A frontier entry: the shallow search's runs just before it, then the subtree below it.</summary>
    private sealed record Entry(VerifyTally Before, HashSet<ulong>? Seen, IReadOnlyList<Frame> Prefix);

    /// <summary>The frontier in depth-first order and the shallow runs after its last entry.</summary>
    private sealed record ShallowPass(List<Entry> Entries, VerifyTally Tail, HashSet<ulong>? TailSeen);

    /// <summary>The search cut at <paramref name="depth"/> frames; schedule numbers count within each segment.</summary>
    private static ShallowPass Shallow(RunRequest request, int c, bool por, HashSet<ulong>? states, VerifyLimits limits,
        VerifyTally before, Action? onSchedule, bool goOn, int depth, StateHash hash)
    {
        var entries = new List<Entry>();
        var segment = new VerifyTally();
        long schedules = before.Schedules, steps = before.Steps;
        // Each segment's states go to a set of their own, merged in order up to the first violation.
        var seen = states is null ? null : new HashSet<ulong>();
        var search = new VerifySearch(request, c, seen, por, frontierDepth: depth, hash: hash);
        while (search.Next() is { } core)
        {
            long s0 = segment.Schedules, k0 = segment.Steps;
            bool stop = segment.Count(search, core, c, 0, goOn);
            (schedules, steps) = (schedules + segment.Schedules - s0, steps + segment.Steps - k0);
            if (search.Frontier is { } prefix)
            {
                entries.Add(new Entry(segment, seen, prefix));
                segment = new VerifyTally();
                seen = search.States = states is null ? null : new HashSet<ulong>();
                continue;
            }
            onSchedule?.Invoke();
            if (stop) break;
            if (limits.Stop(schedules, steps) is { } why)
            {
                segment.StoppedBy = why;
                break;
            }
        }
        return new ShallowPass(entries, segment, seen);
    }

    /// <summary>Searches the frontier's subtrees on <paramref name="threads"/> threads and merges them in order.</summary>
    private static VerifyTally Subtrees(RunRequest request, int c, bool por, HashSet<ulong>? states, VerifyLimits limits,
        VerifyTally before, Action? onSchedule, bool goOn, int threads, ShallowPass shallow)
    {
        int n = shallow.Entries.Count;
        var done = new VerifyTally?[n];
        var seen = new HashSet<ulong>?[n];
        long shallowSchedules = shallow.Entries.Sum(e => e.Before.Schedules) + shallow.Tail.Schedules;
        long shallowSteps = shallow.Entries.Sum(e => e.Before.Steps) + shallow.Tail.Steps;
        var run = new SharedProgress(before.Schedules + shallowSchedules, before.Steps + shallowSteps, limits);
        // A violation in a shallow segment ends the search there: the subtrees after it are not needed.
        if (!goOn)
            for (int i = 0; i < n; i++)
                if (shallow.Entries[i].Before.Violation is not null) run.Found(i - 1);
        if (shallow.Tail.StoppedBy is not null) run.Found(-1);
        int next = -1;
        void Work()
        {
            var hash = new StateHash();
            for (int i = Interlocked.Increment(ref next); i < n && !run.Over(i); i = Interlocked.Increment(ref next))
            {
                var tally = new VerifyTally();
                var mine = states is null ? null : new HashSet<ulong>();
                var search = new VerifySearch(request, c, mine, por, prefix: shallow.Entries[i].Prefix, hash: hash);
                bool whole = true;
                while (search.Next() is { } core)
                {
                    long s0 = tally.Schedules;
                    bool stop = tally.Count(search, core, c, 0, goOn);
                    onSchedule?.Invoke();
                    run.Ran(tally.Schedules - s0, core.Log.Count);
                    if (stop)
                    {
                        run.Found(i);
                        break;
                    }
                    if (run.Over(i))
                    {
                        whole = false;
                        break;
                    }
                }
                if (whole) (done[i], seen[i]) = (tally, mine);
            }
        }
        var workers = Enumerable.Range(0, Math.Max(1, threads)).Select(_ => Task.Run(Work)).ToArray();
        Task.WaitAll(workers);

        // Merge in depth-first order: each segment, then its subtree, up to the first violation.
        var total = new VerifyTally();
        bool cutShort = false;
        for (int i = 0; i < n && !cutShort; i++)
        {
            total.AddAfter(shallow.Entries[i].Before, before.Schedules + total.Schedules);
            if (shallow.Entries[i].Seen is { } early) states!.UnionWith(early);
            if (total.Violation is not null && !goOn || done[i] is not { } sub)
            {
                cutShort = true;
                break;
            }
            total.AddAfter(sub, before.Schedules + total.Schedules);
            if (seen[i] is { } s) states!.UnionWith(s);
            cutShort = total.Violation is not null && !goOn;
        }
        if (!cutShort)
        {
            total.AddAfter(shallow.Tail, before.Schedules + total.Schedules);
            if (shallow.TailSeen is { } late) states!.UnionWith(late);
        }
        total.StoppedBy = total.Violation is not null && !goOn ? null : run.StoppedBy ?? shallow.Tail.StoppedBy;
        return total;
    }

    /// <summary>The counts of all workers, the caps, and the first entry (in order) whose subtree met a violation.</summary>
    private sealed class SharedProgress(long schedules, long steps, VerifyLimits limits)
    {
        private long _schedules = schedules;
        private long _steps = steps;
        private int _first = int.MaxValue;
        private volatile string? _stoppedBy;

        public string? StoppedBy => _stoppedBy;

        public void Ran(long schedules, long steps)
        {
            long s = Interlocked.Add(ref _schedules, schedules), k = Interlocked.Add(ref _steps, steps);
            if (limits.Stop(s, k) is { } stop) _stoppedBy ??= stop;
        }

        /// <summary>Entry <paramref name="i"/> met a violation: entries after it need not be searched.</summary>
        public void Found(int i)
        {
            int seen;
            while (i < (seen = Volatile.Read(ref _first)) && Interlocked.CompareExchange(ref _first, i, seen) != seen) { }
        }

        /// <summary>True when entry <paramref name="i"/> need not (go on being) searched.</summary>
        public bool Over(int i) => _stoppedBy is not null || i > Volatile.Read(ref _first);
    }
}
