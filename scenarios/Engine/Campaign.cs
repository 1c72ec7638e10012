namespace Uvm.Scenarios;

/// <summary>
/// A slice of the seed space. Coyote seeds iteration <c>j</c> of an engine started with seed
/// <c>s</c> from <c>s + j</c>, so a run of N iterations from seed S covers seeds [S, S+N); shard
/// i of n covers the i-th contiguous part of that range, and parallel engines split a shard the
/// same way. Shards and engines together explore exactly the schedules one engine would.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole range as one shard.</summary>
    public static Shard All => new(0, 1);

    /// <summary>Parses "i/n" with 0 &lt;= i &lt; n; anything else is an <see cref="InputException"/>.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int i) || !int.TryParse(parts[1], out int n) || n < 1 || i < 0 || i >= n)
            throw new InputException($"'{text}' is not a shard; the form is i/n with 0 <= i < n, for example 0/4");
        return new Shard(i, n);
    }

    /// <summary>[start, end) of this shard in a range of <paramref name="total"/> iterations.</summary>
    public (int Start, int End) Window(int total) => ((int)((long)total * Index / Count), (int)((long)total * (Index + 1) / Count));

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>
/// One engine's part of a campaign: the first iteration it covers and how many (planned, or, in
/// a result, explored: always a prefix of the planned window).
/// </summary>
public sealed record EngineWindow(int Start, int Iterations, uint Seed);

/// <summary>
/// What a campaign found: the windows as explored (each engine's first schedule and how many it
/// finished, not the plan), the merged counts and the earliest counterexample.
/// </summary>
public sealed record CampaignResult(
    IReadOnlyList<EngineWindow> Windows,
    int Iterations,
    long Steps,
    TimeSpan Elapsed,
    int MaxStepsHit,
    Counterexample? Counterexample,
    int? BugAtIteration,
    bool Cancelled)
{
    /// <summary>One line per engine that failed (a dead worker): its window, and what happened.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Which explorer threads ran what, and on which cores, when the direct engine's threads shared a window; else null.</summary>
    public EngineCensus? Census { get; init; }

    /// <summary>Schedules per second over the wall-clock time.</summary>
    public double SchedulesPerSecond => Elapsed.TotalSeconds > 0 ? Iterations / Elapsed.TotalSeconds : 0;
}

/// <summary>Runs a request over a shard with one or more engines in parallel.</summary>
public static class Campaign
{
    /// <summary>
    /// The engine windows of a shard: contiguous parts of the seed range, one per engine; one
    /// window when the engines share it (<see cref="SharesWindow"/>).
    /// </summary>
    public static IReadOnlyList<EngineWindow> Plan(ExploreSettings settings, Shard shard, int parallel) =>
        Split(settings, shard, SharesWindow(settings) ? 1 : parallel);

    /// <summary>
    /// True when the engines of a campaign in this process share one window chunk by chunk
    /// (<see cref="Engine.SharedWindow"/>) instead of taking a part each: the direct engine with a
    /// strategy whose schedules depend on their seeds alone (PCT's do not: it learns the length).
    /// </summary>
    public static bool SharesWindow(ExploreSettings settings) =>
        settings.Engine == EngineKind.Direct && !Engine.Scheduler.For(settings).RemembersSchedules;

    private static List<EngineWindow> Split(ExploreSettings settings, Shard shard, int parallel)
    {
        var (start, end) = shard.Window(settings.Iterations);
        int size = end - start;
        var windows = new List<EngineWindow>();
        for (int e = 0; e < parallel; e++)
        {
            int a = start + (int)((long)size * e / parallel), b = start + (int)((long)size * (e + 1) / parallel);
            if (b > a) windows.Add(new EngineWindow(a, b - a, unchecked(settings.Seed + (uint)a)));
        }
        return windows;
    }

    /// <summary>
    /// Runs every window of the plan, each on its own engine and thread; the first violation stops
    /// the others. Direct engines in this process share the shard's window instead
    /// (<see cref="SharesWindow"/>), with the same result as one engine's. The counterexample reported is the one at the earliest global iteration. An
    /// engine that fails (a worker that dies) costs its window only: it is reported in
    /// <see cref="CampaignResult.Failures"/>, and the other engines run on.
    /// </summary>
    /// <remarks>
    /// <paramref name="host"/> says where the engines run (default: in this process); coverage
    /// needs step listeners, so with <paramref name="coverage"/> they always run in this process.
    /// Each engine keeps to one core of its own while there are cores enough (see <see cref="CoreAffinity"/>).
    /// </remarks>
    public static CampaignResult Run(RunRequest request, Shard shard, int parallel, CancellationToken cancel = default, Action? onSchedule = null,
        KernelCoverage? coverage = null, IEngineHost? host = null)
    {
        host ??= InProcessHost.Instance;
        if (parallel > 1 && SharesWindow(request.Settings) && (host is InProcessHost || coverage is not null)
            && Split(request.Settings, shard, 1) is [var whole])
            return Engine.SharedWindow.Run(request, whole, parallel, cancel, onSchedule, coverage);
        var windows = Split(request.Settings, shard, parallel);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // One stop per engine: an engine that finds a bug stops only the engines of later windows,
        // which cannot find an earlier one, so the earliest violation does not depend on timing.
        // An open range has no end to wait for: there the first bug stops every engine.
        var stops = windows.Select(_ => CancellationTokenSource.CreateLinkedTokenSource(cancel)).ToArray();
        var results = new ExplorationResult[windows.Count];
        var cores = CoreAffinity.Pool.FromHere();
        try
        {
            Parallel.For(0, windows.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel) }, e =>
            {
                var w = windows[e];
                var settings = request.Settings with { Seed = w.Seed, Iterations = w.Iterations };
                var listener = coverage is null ? null : new CoverageListener();
                int? core = cores.Take();
                try
                {
                    results[e] = listener is null
                        ? host.Explore(request with { Settings = settings }, stops[e].Token, onSchedule, core)
                        : Explorer.Run(request with { Settings = settings }, stops[e].Token, onSchedule, listener, core);
                }
                finally
                {
                    cores.Return(core);
                }
                if (listener is not null)
                    lock (coverage!) coverage.Add(listener.Coverage);
                if (results[e].FoundBug)
                    for (int other = request.Settings.IsOpen ? 0 : e + 1; other < stops.Length; other++)
                        if (other != e) stops[other].Cancel();
            });
        }
        finally
        {
            foreach (var s in stops) s.Dispose();
        }
        clock.Stop();
        Counterexample? first = null;
        int? at = null;
        for (int e = 0; e < windows.Count; e++)
        {
            if (results[e].Counterexample is not { } cx) continue;
            int global = windows[e].Start + cx.Iteration - 1;
            if (at is null || global < at) (first, at) = (cx, global);
        }
        var explored = windows.Select((w, e) => w with { Iterations = results[e].Iterations }).ToList();
        var failures = windows.Select((w, e) => results[e].Failure is { } f ? $"schedules {w.Start}..{w.Start + w.Iterations - 1} not explored: {f}" : null)
            .OfType<string>().ToList();
        return new CampaignResult(explored, results.Sum(r => r.Iterations), results.Sum(r => r.Steps), clock.Elapsed,
            results.Sum(r => r.MaxStepsHit), first, at, cancel.IsCancellationRequested) { Failures = failures };
    }
}
