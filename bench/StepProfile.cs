using System.Diagnostics;
using System.Globalization;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;
using static Uvm.Bench.InvariantText;

namespace Uvm.Bench;

/// <summary>
/// Where a direct-engine step's time goes (<c>bench -- --profile [scenario...]</c>): schedules per
/// CPU-second and bytes allocated per schedule of the same seeds with everything on, without the
/// detectors, without the invariants, and the boot alone; then each invariant's own time, measured
/// by timing its check (less the cost of timing an empty check). Allocation is counted on this
/// thread, which other load on the machine does not change; the rates are per CPU-second of the process.
/// </summary>
public static class StepProfile
{
    /// <summary>The scenarios measured when none is named: the long-schedule ones and two short.</summary>
    public static IReadOnlyList<string> Default { get; } = ["exit-reaperless", "exit-reaper", "pool-drain", "cow-fork", "swapout", "loan-share"];

    /// <summary>Profiles each scenario with <paramref name="schedules"/> schedules from seed 0.</summary>
    public static void Run(IReadOnlyList<string> names, int schedules, TextWriter log)
    {
        foreach (var name in names.Count == 0 ? Default : names)
        {
            var s = ScenarioCatalogue.Find(name) ?? throw new ArgumentException($"no scenario {name}");
            var all = s.PropertiesFrom(Catalogue.BuiltIn);
            var full = Request(s, KernelConfig.Fixed, all, schedules);
            RunRequest[] runs =
            [
                full,
                Request(s, KernelConfig.Fixed with { Detectors = false }, all, schedules),
                Request(s, KernelConfig.Fixed, new Catalogue([], all.Liveness), schedules),
                Request(s, KernelConfig.Fixed with { Detectors = false }, new Catalogue([], all.Liveness), schedules),
            ];
            // Warm-up of every configuration, long enough for tiered compilation and dynamic PGO
            // (the first few thousand schedules run slower code: docs/benchmarks.md, the engine table);
            // a tenth of one run left "all on", measured first, about twice its warm cost.
            foreach (var r in runs) Measure(r with { Settings = r.Settings with { Iterations = Math.Max(3000, schedules / 5) } });
            var (on, noDet, noInv, bare) = (Measure(runs[0]), Measure(runs[1]), Measure(runs[2]), Measure(runs[3]));
            var boot = Boot(full);
            log.WriteLine(I($"{name}: {on.Steps:F0} steps/schedule, {all.Invariants.Count} invariants"));
            Line(log, "all on", on);
            Line(log, "detectors off", noDet);
            Line(log, "invariants off", noInv);
            Line(log, "both off", bare);
            log.WriteLine(I($"  boot only        {1e6 / boot.Rate,8:F1} us/schedule {boot.Bytes,10:F0} B/schedule"));
            PerInvariant(full, all, log);
        }
    }

    /// <summary>The types the full configuration allocates, from the runtime's allocation sampling; the twenty commonest.</summary>
    public static void Allocations(IReadOnlyList<string> names, int schedules, TextWriter log)
    {
        foreach (var name in names.Count == 0 ? Default : names)
        {
            var s = ScenarioCatalogue.Find(name) ?? throw new ArgumentException($"no scenario {name}");
            using var sampler = new AllocationSampler();
            var f = Measure(Request(s, KernelConfig.Fixed, s.PropertiesFrom(Catalogue.BuiltIn), schedules));
            Line(log, name, f);
            var ticks = sampler.Ticks;
            double total = ticks.Values.Sum();
            foreach (var (type, n) in ticks.OrderByDescending(t => t.Value).Take(20))
                log.WriteLine(I($"    {100 * n / total,5:F1}%  {type}"));
        }
    }

    /// <summary>One explorer thread against two (see <see cref="DirectScaling"/>), three rounds alternating.</summary>
    public static void Scaling(IReadOnlyList<string> names, int schedules, TextWriter log) =>
        DirectScaling.Print(names.Count == 0 ? Default : names, schedules, threads: 2, rounds: 3, log);

    /// <summary>
    /// Only the full configuration, for an outside profiler (perf, dotnet-trace) to sample; with
    /// <paramref name="coyote"/>, then the Coyote engine and the direct one back to back.
    /// </summary>
    public static void Hot(IReadOnlyList<string> names, int schedules, bool coyote, TextWriter log)
    {
        foreach (var name in names.Count == 0 ? Default : names)
        {
            var s = ScenarioCatalogue.Find(name) ?? throw new ArgumentException($"no scenario {name}");
            var request = Request(s, KernelConfig.Fixed, s.PropertiesFrom(Catalogue.BuiltIn), schedules);
            for (int round = 1; round <= 3; round++) Line(log, I($"{name} #{round}"), Measure(request));
            if (!coyote) continue;
            // The Coyote engine on the same seeds, a tenth of the schedules, its threads on one core as
            // `uvmcheck run` keeps them; then the direct engine again, wall-clock both, as the engine table measures.
            var c = Explorer.Run(request with { Settings = request.Settings with { Engine = EngineKind.Coyote, Iterations = Math.Max(50, schedules / 10) } },
                core: CoreAffinity.Pool.FromHere().Take());
            var d = Explorer.Run(request);
            log.WriteLine(I($"  {name}: Coyote {c.SchedulesPerSecond:F0} schedules/s, direct {d.SchedulesPerSecond:F0} schedules/s (wall clock): {d.SchedulesPerSecond / c.SchedulesPerSecond:F0}x  (load {DirectScaling.LoadAverage()})"));
        }
    }

    /// <summary>
    /// The table of docs/benchmarks.md: per scenario, a direct step's CPU time with everything on,
    /// without the detectors and without the invariants, the boot per schedule, and the bytes a
    /// schedule allocates. The three runs of a scenario alternate over <paramref name="rounds"/>
    /// rounds (the median is shown), after a warm-up, so that drift of a shared machine spreads.
    /// </summary>
    public static string Table(IReadOnlyList<string> names, int schedules, int rounds, TextWriter log)
    {
        var md = new System.Text.StringBuilder();
        md.AppendLine("## Where a direct step's time goes").AppendLine();
        md.AppendLine(I($"Direct engine, random strategy, the scenario's default workload on the fixed kernel, {schedules} schedules from seed 0 per run (`bench -- --profile` prints more: each invariant's own time). The runs of a scenario alternate, {rounds} rounds, after a warm-up; median nanoseconds of the process's CPU time per kernel step. *Invariants off* leaves the safety invariants out (the detectors stay on), *detectors off* the lock-discipline and use-after-free checks: what each costs is the difference from *all on*. Bytes are allocated per schedule on the exploring thread (`GC.GetAllocatedBytesForCurrentThread`, the same in every run), boot included; *boot* is building the kernel and its stepping core alone.")).AppendLine();
        md.AppendLine("| scenario | steps/schedule | all on ns/step | invariants off | detectors off | boot µs/schedule | bytes/schedule | bytes/step |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var name in names)
        {
            log.WriteLine($"step profile: {name}");
            var s = ScenarioCatalogue.Find(name) ?? throw new ArgumentException($"no scenario {name}");
            var all = s.PropertiesFrom(Catalogue.BuiltIn);
            var runs = new[]
            {
                Request(s, KernelConfig.Fixed, all, schedules),
                Request(s, KernelConfig.Fixed, new Catalogue([], all.Liveness), schedules),
                Request(s, KernelConfig.Fixed with { Detectors = false }, all, schedules),
            };
            foreach (var r in runs) Measure(r with { Settings = r.Settings with { Iterations = Math.Max(30, schedules / 5) } });
            var ns = new List<double>[] { [], [], [] };
            Figures on = null!;
            for (int round = 0; round < rounds; round++)
                for (int i = 0; i < runs.Length; i++)
                {
                    var f = Measure(runs[i]);
                    if (i == 0) on = f;
                    ns[i].Add(1e9 / (f.Rate * f.Steps));
                }
            var boot = Boot(runs[0]);
            md.AppendLine(I($"| {name} | {on.Steps:F0} | {Median(ns[0]):F0} | {Median(ns[1]):F0} | {Median(ns[2]):F0} | {1e6 / boot.Rate:F1} | {on.Bytes:F0} | {on.Bytes / on.Steps:F0} |"));
        }
        return md.AppendLine().ToString();
    }

    private static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private sealed record Figures(double Rate, double Bytes, double Steps, int Gen0, int Gen1, int Gen2);

    private static void Line(TextWriter log, string what, Figures f) =>
        log.WriteLine(I($"  {what,-16} {f.Rate,8:F0} schedules/s {1e9 / (f.Rate * f.Steps),7:F0} ns/step {f.Bytes,10:F0} B/schedule {f.Bytes / f.Steps,7:F0} B/step  gc {f.Gen0}/{f.Gen1}/{f.Gen2}"));

    private static Figures Measure(RunRequest request)
    {
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpu();
        var r = Explorer.Run(request);
        cpu = ThreadCpu() - cpu;
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        if (r.FoundBug) throw new InvalidOperationException($"{request.Scenario}: the fixed kernel failed: {r.Counterexample!.Violation.Message}");
        return new Figures(r.Iterations / cpu.TotalSeconds, (double)bytes / r.Iterations, (double)r.Steps / r.Iterations,
            GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2);
    }

    private static Figures Boot(RunRequest request)
    {
        int n = request.Settings.Iterations;
        long bytes = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpu();
        for (int i = 0; i < n; i++) _ = new StepCore(KernelBuilder.Build(request.Workload, request.Config), request.Properties);
        cpu = ThreadCpu() - cpu;
        bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
        return new Figures(n / cpu.TotalSeconds, (double)bytes / n, 0, 0, 0, 0);
    }

    /// <summary>
    /// Each invariant's time per step, its check wrapped in a stopwatch (less the timer's own cost
    /// per check), and the share of steps after which it was judged (an invariant that declares
    /// what it reads is skipped after steps that wrote none of it); the ten dearest.
    /// </summary>
    private static void PerInvariant(RunRequest full, Catalogue all, TextWriter log)
    {
        var ticks = new long[all.Invariants.Count + 1];
        var calls = new long[all.Invariants.Count + 1];
        var wrapped = all.Invariants.Select((inv, i) => inv with
        {
            Check = k =>
            {
                long t = Stopwatch.GetTimestamp();
                var r = inv.Check(k);
                ticks[i] += Stopwatch.GetTimestamp() - t;
                calls[i]++;
                return r;
            },
        }).ToList();
        int empty = all.Invariants.Count;
        wrapped.Add(new Invariant("(empty)", "", "", k =>
        {
            long t = Stopwatch.GetTimestamp();
            ticks[empty] += Stopwatch.GetTimestamp() - t;
            calls[empty]++;
            return null;
        }));
        var r = Explorer.Run(full with { Properties = new Catalogue(wrapped, all.Liveness) });
        double timer = (double)ticks[empty] / Math.Max(1, calls[empty]);
        double perStep(int i) => (ticks[i] - calls[i] * timer) * 1e9 / Stopwatch.Frequency / r.Steps;
        double sum = Enumerable.Range(0, all.Invariants.Count).Sum(perStep);
        log.WriteLine(I($"  invariants: {sum:F0} ns/step in all (timer cost {ticks[empty] * 1e9 / Stopwatch.Frequency / r.Steps:F0} ns per check removed)"));
        foreach (int i in Enumerable.Range(0, all.Invariants.Count).OrderByDescending(perStep).Take(10))
            log.WriteLine(I($"    {all.Invariants[i].Name,-40} {perStep(i),6:F0} ns/step, judged after {100.0 * calls[i] / r.Steps,5:F1}% of steps"));
    }

    private static RunRequest Request(Scenario s, KernelConfig config, Catalogue properties, int schedules) =>
        new(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Engine = EngineKind.Direct, Iterations = schedules, Seed = 0 })
        {
            Properties = properties,
        };

    /// <summary>The process's CPU time (the GC's threads included: their work is the engine's too).</summary>
    private static TimeSpan ThreadCpu() => Process.GetCurrentProcess().TotalProcessorTime;
}

/// <summary>
/// Which types a run allocates, by the runtime's allocation sampling (an AllocationTick event about
/// every 100 KB allocated, naming the type of the object that crossed the mark): a count per type
/// is proportional to the bytes allocated of that type.
/// </summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, int> _ticks = [];

    /// <summary>Ticks per type name so far.</summary>
    public IReadOnlyDictionary<string, int> Ticks
    {
        get
        {
            lock (_ticks) return new Dictionary<string, int>(_ticks);
        }
    }

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        // The GC keyword (0x1) at verbose level turns on AllocationTick.
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
        int i = e.PayloadNames.IndexOf("TypeName");
        if (i < 0 || e.Payload?[i] is not string type) return;
        lock (_ticks) _ticks[type] = _ticks.GetValueOrDefault(type) + 1;
    }
}
