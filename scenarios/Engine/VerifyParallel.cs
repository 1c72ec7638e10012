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
    /// <summary>Frontier entries wanted per thread to start with; busy workers give work away to idle ones after that.</summary>
    private const int EntriesPerThread = 4;

    /// <summary>Deepest cut tried (frames); past it the frontier is taken as it is.</summary>
    private const int MaxDepth = 1024;

    /// <summary>Searches bound <paramref name="c"/>; <paramref name="before"/> is what lower bounds ran.</summary>
    /// <remarks>
    /// With <paramref name="eager"/>, workers give work away after every run, waiting or not (to test the merge).
    /// With <paramref name="cache"/>, each shallow pass has a state cache, which the workers then
    /// share: a state met by the pass is explored below by the frontier's subtrees, and a state a
    /// worker is exploring by that worker (docs/verify.md, "State caching"). A pass cut deeper
    /// starts a cache of its own, as its frontier replaces the last. The counts then depend on the timing.
    /// </remarks>
    public static VerifyTally Search(RunRequest request, int c, bool por, HashSet<ulong>? states, VerifyLimits limits,
        VerifyTally before, Action? onSchedule, bool goOn, int threads, bool eager = false, bool cache = false)
    {
        long discarded = 0;
        var hash = new StateHash();
        var key = cache ? new StateKey() : null;
        for (int depth = 8; ; depth *= 2)
        {
            var shared = cache ? new StateCache() : null;
            var shallow = Shallow(request, c, por, states, limits, before, onSchedule, goOn, depth, hash, shared, key);
            bool over = shallow.Tail.StoppedBy is not null || shallow.Tail.Violation is not null && !goOn;
            if (shallow.Entries.Count == 0 || over || shallow.Entries.Count >= EntriesPerThread * threads || depth >= MaxDepth)
            {
                var total = Subtrees(request, c, por, states, limits, before, onSchedule, goOn, threads, shallow, eager, shared);
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
        VerifyTally before, Action? onSchedule, bool goOn, int depth, StateHash hash, StateCache? cache, StateKey? key)
    {
        var entries = new List<Entry>();
        var segment = new VerifyTally();
        long schedules = before.Schedules, steps = before.Steps;
        // Each segment's states go to a set of their own, merged in order up to the first violation.
        var seen = states is null ? null : new HashSet<ulong>();
        var search = new VerifySearch(request, c, seen, por, frontierDepth: depth, hash: hash, cache: cache, stateKey: key);
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

    /// <summary>
    /// A part of the search: a frontier entry's subtree, or the part of one that a busy worker
    /// gave away. <see cref="Key"/> is where it starts in depth-first order (the entry's index,
    /// then the options taken at its frames below the entry's prefix): parts never overlap, so
    /// ordering them by key orders everything they run. A part never started has no tally; one stopped by a cap keeps what it ran.
    /// </summary>
    private sealed class Part(int entry, int[] key, IReadOnlyList<Frame> prefix, int? floor)
    {
        public int Entry { get; } = entry;
        public int[] Key { get; } = key;
        public IReadOnlyList<Frame> Prefix { get; } = prefix;
        public int? Floor { get; } = floor;
        public VerifyTally? Tally { get; set; }
        public HashSet<ulong>? Seen { get; set; }
    }

    /// <summary>Depth-first order of part keys: lexicographic, a key before every key it begins.</summary>
    private static int Compare(int[] a, int[] b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] != b[i]) return a[i].CompareTo(b[i]);
        return a.Length.CompareTo(b.Length);
    }

    /// <summary>A piece of a split search in depth-first order: its counts and states; no tally if it never started.</summary>
    internal readonly record struct Piece(VerifyTally? Tally, HashSet<ulong>? Seen);

    /// <summary>
    /// Adds up <paramref name="pieces"/> in depth-first order into <paramref name="states"/> and
    /// one tally, up to the first violation unless <paramref name="goOn"/>. When every piece before
    /// that violation is whole, its schedule number and every count are the one-thread search's.
    /// A piece that a cap, the time budget or cancellation stopped (or never started) counts what
    /// it explored, and the merge goes on past it: an incomplete search reports all it explored,
    /// and a violation that a later piece met is reported too (its number then counts the
    /// schedules explored before it), as nothing found may be lost.
    /// </summary>
    internal static VerifyTally Merge(IEnumerable<Piece> pieces, long scheduleBase, HashSet<ulong>? states, bool goOn)
    {
        var total = new VerifyTally();
        foreach (var piece in pieces)
        {
            if (piece.Tally is { } t) total.AddAfter(t, scheduleBase + total.Schedules);
            if (piece.Seen is { } seen) states!.UnionWith(seen);
            if (total.Violation is not null && !goOn) break;
        }
        return total;
    }

    /// <summary>
    /// Searches the frontier's subtrees on <paramref name="threads"/> threads and merges them in
    /// order. A worker that finds no part left to take waits; a busy worker that sees one waiting
    /// gives away the rest of its subtree at its shallowest frame (<see cref="VerifySearch.Donate"/>),
    /// so the few subtrees that hold most of the work are shared too.
    /// </summary>
    private static VerifyTally Subtrees(RunRequest request, int c, bool por, HashSet<ulong>? states, VerifyLimits limits,
        VerifyTally before, Action? onSchedule, bool goOn, int threads, ShallowPass shallow, bool eager, StateCache? cache)
    {
        int n = shallow.Entries.Count;
        long shallowSchedules = shallow.Entries.Sum(e => e.Before.Schedules) + shallow.Tail.Schedules;
        long shallowSteps = shallow.Entries.Sum(e => e.Before.Steps) + shallow.Tail.Steps;
        var run = new SharedProgress(before.Schedules + shallowSchedules, before.Steps + shallowSteps, limits);
        // A violation the shallow pass met ended that pass, so it is in the tail, after every
        // entry: all subtrees come before it in depth-first order and are searched.
        if (shallow.Tail.StoppedBy is not null) run.Found([-1]);
        var parts = Enumerable.Range(0, n).Select(i => new Part(i, [i], shallow.Entries[i].Prefix, null)).ToList();
        var queue = new Queue(parts, threads);
        void Work()
        {
            try
            {
                Parts();
            }
            catch
            {
                queue.Fail(); // the others must not wait for this worker's parts
                throw;
            }
        }
        void Parts()
        {
            var hash = new StateHash();
            var stateKey = cache is null ? null : new StateKey();
            while (queue.Take() is { } part)
            {
                if (run.Over(part.Key)) continue;
                var tally = new VerifyTally();
                var mine = states is null ? null : new HashSet<ulong>();
                var search = new VerifySearch(request, c, mine, por, prefix: part.Prefix, hash: hash, floor: part.Floor, cache: cache, stateKey: stateKey);
                while (search.Next() is { } core)
                {
                    long s0 = tally.Schedules;
                    bool stop = tally.Count(search, core, c, 0, goOn);
                    onSchedule?.Invoke();
                    run.Ran(tally.Schedules - s0, core.Log.Count);
                    if (stop)
                    {
                        run.Found(part.Key);
                        break;
                    }
                    if (run.Over(part.Key)) break;
                    if ((eager || queue.Hungry) && search.Donate() is { } given)
                    {
                        int depth = shallow.Entries[part.Entry].Prefix.Count;
                        int[] key = [part.Entry, .. given.Skip(depth).Select(f => f.Taken)];
                        queue.Give(new Part(part.Entry, key, given, given.Count - 1), parts);
                    }
                }
                // A part a cap or the time budget stopped keeps what it explored: the counts of an
                // incomplete search, and any violation met in a part after it, are still reported.
                (part.Tally, part.Seen) = (tally, mine);
            }
        }
        var workers = Enumerable.Range(0, Math.Max(1, threads)).Select(_ => Task.Factory.StartNew(Work, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(workers);

        // Each segment, then its subtree's parts, then the shallow runs after the last entry.
        var byEntry = parts.GroupBy(p => p.Entry).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Key, Comparer<int[]>.Create(Compare)).ToList());
        var pieces = new List<Piece>();
        for (int i = 0; i < n; i++)
        {
            pieces.Add(new Piece(shallow.Entries[i].Before, shallow.Entries[i].Seen));
            pieces.AddRange(byEntry[i].Select(p => new Piece(p.Tally, p.Seen)));
        }
        pieces.Add(new Piece(shallow.Tail, shallow.TailSeen));
        var total = Merge(pieces, before.Schedules, states, goOn);
        total.StoppedBy = total.Violation is not null && !goOn ? null : run.StoppedBy ?? shallow.Tail.StoppedBy;
        total.Parts = parts.Count;
        return total;
    }

    /// <summary>The parts not yet taken, and the workers waiting for one; the search is over when all wait and none is left.</summary>
    private sealed class Queue(List<Part> initial, int threads)
    {
        private readonly List<Part> _open = [.. initial];
        private int _waiting;
        private bool _over;

        /// <summary>True when a worker waits and no part is left to take: a busy worker should give some of its work away.</summary>
        public bool Hungry => Volatile.Read(ref _waiting) > 0;

        /// <summary>The earliest part left (in depth-first order), waiting for one while others work; null when the search is over.</summary>
        public Part? Take()
        {
            lock (_open)
            {
                while (_open.Count == 0 && !_over)
                {
                    if (_waiting + 1 == threads)
                    {
                        _over = true;
                        Monitor.PulseAll(_open);
                        break;
                    }
                    _waiting++;
                    Monitor.Wait(_open);
                    _waiting--;
                }
                if (_open.Count == 0) return null;
                int first = 0;
                for (int i = 1; i < _open.Count; i++)
                    if (Compare(_open[i].Key, _open[first].Key) < 0) first = i;
                var part = _open[first];
                _open.RemoveAt(first);
                return part;
            }
        }

        /// <summary>A worker failed: no part is handed out any more, and no worker waits.</summary>
        public void Fail()
        {
            lock (_open)
            {
                _over = true;
                _open.Clear();
                Monitor.PulseAll(_open);
            }
        }

        /// <summary>Hands a part given away to a waiting worker, and records it among <paramref name="all"/>.</summary>
        public void Give(Part part, List<Part> all)
        {
            lock (_open)
            {
                all.Add(part);
                _open.Add(part);
                Monitor.Pulse(_open);
            }
        }
    }

    /// <summary>The counts of all workers, the caps, and the first part (in order) whose search met a violation.</summary>
    private sealed class SharedProgress(long schedules, long steps, VerifyLimits limits)
    {
        private long _schedules = schedules;
        private long _steps = steps;
        private int[]? _first;
        private volatile string? _stoppedBy;

        public string? StoppedBy => _stoppedBy;

        public void Ran(long schedules, long steps)
        {
            long s = Interlocked.Add(ref _schedules, schedules), k = Interlocked.Add(ref _steps, steps);
            if (limits.Stop(s, k) is { } stop) _stoppedBy ??= stop;
        }

        /// <summary>The part at <paramref name="key"/> met a violation: parts after it need not be searched.</summary>
        public void Found(int[] key)
        {
            lock (this)
                if (_first is null || Compare(key, _first) < 0) _first = key;
        }

        /// <summary>True when the part at <paramref name="key"/> need not (go on being) searched.</summary>
        public bool Over(int[] key)
        {
            if (_stoppedBy is not null) return true;
            var first = Volatile.Read(ref _first);
            return first is not null && Compare(key, first) > 0;
        }
    }
}
