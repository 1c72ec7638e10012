using System.Runtime.ExceptionServices;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// Several direct-engine threads of this process on one window, sharing it chunk by chunk: each
/// takes the next chunk of schedules from a shared counter whenever it is free, so no thread
/// idles while another still has a half to finish (halves of one seed range took unequal times).
/// Every schedule is seeded by its place in the window, so the result is one engine's: a chunk
/// that meets a violation at schedule g stops only the work past g, chunks before g run to their
/// end, and the earliest violation is the one reported, whatever the thread timing; without a
/// violation every schedule of the window is run once and the counts are one engine's.
/// </summary>
internal static class SharedWindow
{
    /// <summary>Chunks wanted per thread, so that uneven chunks even out; a chunk still holds at least one schedule.</summary>
    private const int ChunksPerThread = 64;

    /// <summary>The largest chunk (an open range's): small enough that a stopped run ends within a chunk or so.</summary>
    private const int MaxChunk = 256;

    /// <summary>The chunk size for <paramref name="size"/> schedules on <paramref name="threads"/> threads.</summary>
    public static int ChunkSize(int size, int threads) => (int)Math.Clamp((long)size / ((long)threads * ChunksPerThread), 1, MaxChunk);

    /// <summary>
    /// Explores <paramref name="window"/> of <paramref name="request"/> on <paramref name="threads"/>
    /// threads (the calling one among them) until it is done, a violation, or <paramref name="cancel"/>
    /// (the settings' time budget included); <paramref name="coverage"/>, if given, gets every thread's.
    /// </summary>
    public static CampaignResult Run(RunRequest request, EngineWindow window, int threads, CancellationToken cancel, Action? onSchedule,
        KernelCoverage? coverage)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (request.Settings.TimeBudget is { } t) budget.CancelAfter(t);
        var windowed = request with { Settings = request.Settings with { Seed = window.Seed, Iterations = window.Iterations } };
        int chunk = ChunkSize(window.Iterations, threads);
        var parts = new List<(int From, ExplorationResult Result)>();
        var census = new CensusTaker(threads);
        long next = 0;
        int firstBug = int.MaxValue; // the earliest schedule (in the window) that met a violation so far
        var clock = System.Diagnostics.Stopwatch.StartNew();

        void Work(int thread)
        {
            var listener = coverage is null ? null : new CoverageListener();
            var engine = new DirectEngine(windowed, listener);
            while (!budget.IsCancellationRequested)
            {
                long from = (Interlocked.Increment(ref next) - 1) * chunk;
                // Chunks are taken in order: once one starts past the earliest violation, so do all later ones.
                if (from >= window.Iterations || from > Volatile.Read(ref firstBug)) break;
                int count = (int)Math.Min(chunk, window.Iterations - from);
                census.Chunk(thread);
                var r = engine.Explore((int)from, count, budget.Token, onSchedule, j => j > Volatile.Read(ref firstBug));
                census.Ran(thread, r.Iterations);
                lock (parts) parts.Add(((int)from, r));
                if (r.Counterexample is { } cx)
                {
                    int at = cx.Iteration - 1, seen;
                    while (at < (seen = Volatile.Read(ref firstBug)) && Interlocked.CompareExchange(ref firstBug, at, seen) != seen) { }
                    break;
                }
            }
            if (listener is not null)
                lock (coverage!) coverage.Add(listener.Coverage);
        }

        ExceptionDispatchInfo? failed = null;
        void Guarded(int thread)
        {
            try
            {
                Work(thread);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failed, ExceptionDispatchInfo.Capture(e), null);
                budget.Cancel();
            }
        }
        var others = Enumerable.Range(1, threads - 1).Select(i => new Thread(() => Guarded(i)) { IsBackground = true, Name = $"explorer {i}" }).ToList();
        others.ForEach(th => th.Start());
        Guarded(0);
        others.ForEach(th => th.Join());
        clock.Stop();
        failed?.Throw();
        return Merge(window, parts, clock.Elapsed, cancel.IsCancellationRequested) with { Census = census.Summary() };
    }

    /// <summary>The parts as one engine's result: counts summed, explored chunks joined into windows, the earliest violation.</summary>
    private static CampaignResult Merge(EngineWindow window, List<(int From, ExplorationResult Result)> parts, TimeSpan elapsed, bool cancelled)
    {
        parts.Sort((a, b) => a.From.CompareTo(b.From));
        var windows = new List<EngineWindow>();
        foreach (var (from, r) in parts)
        {
            if (r.Iterations == 0) continue;
            int start = window.Start + from;
            if (windows.Count > 0 && windows[^1] is var w && w.Start + w.Iterations == start)
                windows[^1] = w with { Iterations = w.Iterations + r.Iterations };
            else
                windows.Add(new EngineWindow(start, r.Iterations, unchecked(window.Seed + (uint)from)));
        }
        if (windows.Count == 0) windows.Add(window with { Iterations = 0 });
        var first = parts.Select(p => p.Result.Counterexample).OfType<Counterexample>().MinBy(cx => cx.Iteration);
        return new CampaignResult(windows, parts.Sum(p => p.Result.Iterations), parts.Sum(p => p.Result.Steps), elapsed,
            parts.Sum(p => p.Result.MaxStepsHit), first, first is null ? null : window.Start + first.Iteration - 1, cancelled);
    }
}
