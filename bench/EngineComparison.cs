using System.Globalization;
using System.Text;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;
using static Uvm.Bench.InvariantText;

namespace Uvm.Bench;

/// <summary>
/// The tables of the in-process engine: its throughput and time to bug against Coyote's on the
/// same scenarios, seeds and budgets in one run; its scaling over threads; and what bounded-
/// exhaustive search costs per scenario and bound.
/// </summary>
internal static class EngineComparison
{
    /// <summary>Schedules per second of both engines on each scenario's default workload, measured back to back.</summary>
    public static string Table(IReadOnlyList<Scenario> scenarios, BenchSettings settings, int? core, TextWriter log)
    {
        var md = new StringBuilder();
        md.AppendLine("## The in-process engine against Coyote").AppendLine();
        md.AppendLine($"The same {settings.ThroughputSchedules} schedules' worth of work (the scenario's default workload, fixed kernel, random strategy, seeds 0..) by each engine, one after the other in this process, each after a warm-up run of the same work (a tenth of it for Coyote), so that both run the runtime's optimized code; Coyote's threads on one core, the direct engine on the calling thread. Both drive the same stepping core, so each kernel step does the same model work and checks the same properties; what differs is how the next thread is chosen.").AppendLine();
        md.AppendLine("| scenario | Coyote schedules/s | direct schedules/s | direct kernel steps/s | direct ÷ Coyote |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var s in scenarios)
        {
            log.WriteLine($"engines: {s.Name}");
            // Both engines are measured warm: the .NET runtime runs a method first unoptimized, then
            // instrumented, and only after some thousands of calls with its optimized, profile-guided
            // code; the model's steps ran about twice as slow before that (exit-reaperless: 3100 ns
            // a step in the first 3000 schedules, 1400 after). A run that measured the first
            // schedules measured the JIT. So each engine first runs a warm-up of the same work.
            Explorer.Run(Request(s, KernelConfig.Fixed, Math.Max(20, settings.ThroughputSchedules / 10), 0, EngineKind.Coyote), core: core);
            Explorer.Run(Request(s, KernelConfig.Fixed, settings.ThroughputSchedules * 10, 0, EngineKind.Direct));
            var coyote = Explorer.Run(Request(s, KernelConfig.Fixed, settings.ThroughputSchedules, 0, EngineKind.Coyote), core: core);
            // The direct engine is fast enough that a run of ten times the schedules still takes under a second.
            var direct = Explorer.Run(Request(s, KernelConfig.Fixed, settings.ThroughputSchedules * 10, 0, EngineKind.Direct));
            md.AppendLine(I($"| {s.Name} | {coyote.SchedulesPerSecond:F0} | {direct.SchedulesPerSecond:F0} | {direct.Steps / direct.Elapsed.TotalSeconds:F0} | {direct.SchedulesPerSecond / coyote.SchedulesPerSecond:F0}x |"));
        }
        return md.AppendLine().ToString();
    }

    /// <summary>
    /// The bug whose regression searches in-process only (regressions/SwapoutSleepsOnKernelMapAForkHolds.cs:
    /// Coyote found it on none of six seeds within 300 schedules, pool-swapout's schedules mostly
    /// thrashing to --max-steps at tens of milliseconds each): its Coyote column is not run, since
    /// the budget of every seed would run out, for hours.
    /// </summary>
    private const string SearchedInProcessOnly = "kernel-map-entry-under-lock";

    /// <summary>
    /// Wall-clock time to the first violation of every bug with a stated violation (or of
    /// <paramref name="only"/>), per engine, same seeds and budget. Each bug's runs are preceded by
    /// one short run of each engine on another seed, so neither engine's figure holds the JIT's
    /// first compilation of the bug's code paths (the engine that ran first would pay it).
    /// </summary>
    public static string TimeToBugTable(BenchSettings settings, int? core, TextWriter log, IReadOnlyCollection<string>? only = null)
    {
        var md = new StringBuilder();
        md.AppendLine("## Time to bug by engine").AppendLine();
        md.AppendLine(I($"Random strategy (the default), the bug's scenario and default workload, {settings.Seeds} seeds a million apart, budget {settings.EngineBudget} schedules per seed (a seed stops at its first violation). Per engine: seeds that found the bug, the median schedules to it, and the median over the seeds of the wall-clock milliseconds to the first violation, from the engine's start, so the first schedule's set-up is included (JIT warmed by one run of each engine before the bug's seeds). Coyote as `uvmcheck run --engine coyote` runs it, its threads on one core; direct on the calling thread, as `uvmcheck run` runs it by default.")).AppendLine();
        md.AppendLine("| bug | Coyote found | Coyote median schedules | Coyote median ms | direct found | direct median schedules | direct median ms | Coyote ÷ direct |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var bug in Switches.All.Where(b => b.Expected is not null && (only is null || only.Count == 0 || only.Contains(b.Id))))
        {
            log.WriteLine($"engines, time to bug: {bug.Id}");
            var scenario = ScenarioCatalogue.Find(bug.Scenario)!;
            var d = Seconds(bug, scenario, settings, null, EngineKind.Direct);
            if (bug.Id == SearchedInProcessOnly)
            {
                md.AppendLine(I($"| {bug.Id} | not run | - | - | {d.Found}/{settings.Seeds} | {N(Benchmark.Quantile(d.Schedules, 0.5))} | {Ms(Benchmark.Quantile(d.Secs, 0.5))} | - |"));
                continue;
            }
            var c = Seconds(bug, scenario, settings, core, EngineKind.Coyote);
            double? mc = Benchmark.Quantile(c.Secs, 0.5), mdir = Benchmark.Quantile(d.Secs, 0.5);
            string ratio = mc is { } a && mdir is { } b && b > 0 ? I($"{a / b:F0}x") : "-";
            md.AppendLine(I($"| {bug.Id} | {c.Found}/{settings.Seeds} | {N(Benchmark.Quantile(c.Schedules, 0.5))} | {Ms(mc)} | {d.Found}/{settings.Seeds} | {N(Benchmark.Quantile(d.Schedules, 0.5))} | {Ms(mdir)} | {ratio} |"));
        }
        return md.AppendLine().ToString();
    }

    /// <summary>Rounds of one thread against two per scenario in the scaling table.</summary>
    private const int ScalingRounds = 3;

    /// <summary>One and two explorer threads of the direct engine on the same seed range (see <see cref="Bench.DirectScaling"/>).</summary>
    public static string DirectScaling(IReadOnlyList<Scenario> scenarios, BenchSettings settings, TextWriter log)
    {
        var md = new StringBuilder();
        md.AppendLine("## Scaling of the direct engine: one thread against two").AppendLine();
        md.AppendLine($"Each default workload's schedules from seed 0, as many as one thread explores in about {Bench.DirectScaling.Target.TotalSeconds:F0} s (at least {settings.ThroughputSchedules * 20}), explored by one thread and by two threads of this process that take chunks of the window from a shared counter (`uvmcheck run --parallel 2`). Beside each: the process's CPU time per schedule (what other load changes least: if two threads need no more of it than one, two idle cores give about twice the rate), the GC's gen0 collections and the share of the wall clock it held the threads paused (`GC.GetTotalPauseDuration`), the load average (1, 5, 15 minutes) as the two-thread run started, and the census of the two-thread run (schedules each thread ran, and the cores it was seen on). {ScalingRounds} rounds alternate one thread and two; each row is the round with the median speed-up, and beside it stands the range over the rounds. GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} (`ServerGarbageCollection` in cli's and bench's csproj). A two-thread ratio needs two idle cores: under load it measures the load.").AppendLine();
        md.AppendLine("| scenario | schedules | 1 thread schedules/s | µs CPU/schedule | gen0 GCs, paused | 2 threads schedules/s | µs CPU/schedule | gen0 GCs, paused | speed-up | census | load |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in scenarios)
        {
            log.WriteLine($"direct scaling: {s.Name}");
            var request = Request(s, KernelConfig.Fixed, settings.ThroughputSchedules * 20, 0, EngineKind.Direct);
            int n = Bench.DirectScaling.Calibrate(request, settings.ThroughputSchedules * 20);
            request = request with { Settings = request.Settings with { Iterations = n } };
            // Rounds alternate one thread and two; the table shows the round whose speed-up is the median,
            // so a burst of other load in one run does not decide the ratio.
            var rounds = Enumerable.Range(0, ScalingRounds)
                .Select(_ => (One: Bench.DirectScaling.Measure(request, 1), Two: Bench.DirectScaling.Measure(request, 2)))
                .OrderBy(r => r.Two.Rate / r.One.Rate).ToList();
            var (one, two) = rounds[rounds.Count / 2];
            string spread = I($"{rounds[0].Two.Rate / rounds[0].One.Rate:F2}-{rounds[^1].Two.Rate / rounds[^1].One.Rate:F2}x");
            string census = two.Census is { } c ? string.Join(" + ", c.Schedules.Select((k, i) => I($"{k} on {{{string.Join(",", c.Cores[i])}}}"))) : "-";
            md.AppendLine(I($"| {s.Name} | {n} | {one.Rate:F0} | {one.CpuMicrosPerSchedule:F0} | {one.Gen0}, {100 * one.PausedShare:F0}% | {two.Rate:F0} | {two.CpuMicrosPerSchedule:F0} | {two.Gen0}, {100 * two.PausedShare:F0}% | {two.Rate / one.Rate:F2}x ({spread}) | {census} | {two.Load} |"));
        }
        return md.AppendLine().ToString();
    }

    /// <summary>
    /// Bounded-exhaustive search of each default workload at preemption bounds 0 to 3 (issue 20 asks for 1, 2 and 3), as
    /// <c>uvmcheck verify</c> does it (sleep sets and the state cache) and, unless quick, without the
    /// cache and without either. Each search is bounded by a cap on schedules and a cap on kernel
    /// steps (a schedule can be up to --max-steps long, so a schedule cap alone does not bound the
    /// time); a capped search is reported with the cap that stopped it, and the next bound of that
    /// search is not tried.
    /// </summary>
    public static string VerifyTable(IReadOnlyList<Scenario> scenarios, BenchSettings settings, TextWriter log)
    {
        var md = new StringBuilder();
        md.AppendLine("## Bounded-exhaustive search (`uvmcheck verify`)").AppendLine();
        md.AppendLine(I($"Every schedule of the scenario's default workload on the fixed kernel with at most c preemptions (`uvmcheck verify -s S -c C`, detectors on), with sleep sets and the state cache as verify runs by default (\"cached\"), with sleep sets only (`--no-state-cache`, \"reduced\") and with neither (`--no-por --no-state-cache`, \"plain\"). A search stops at {settings.VerifyCap} schedules or {settings.VerifyStepCap} kernel steps, whichever comes first; \"result\" names the cap that stopped it, and a stopped search is not run at the next bound. Distinct states are distinct hashes of the kernel view over all bounds up to c. \"pruned\" counts runs the state cache ended at a state explored before. \"cut\" counts schedules that hit the 2000-step bound per schedule, so liveness was not judged for them.")).AppendLine();
        md.AppendLine("| scenario | c | search | schedules | pruned | distinct states | kernel steps | cut | seconds | result |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        (string Name, bool Por, bool Cache)[] searches = settings.VerifyPlain
            ? [("cached", true, true), ("reduced", true, false), ("plain", false, false)]
            : [("cached", true, true)];
        foreach (var s in scenarios)
            foreach (var (search, por, cache) in searches)
                for (int c = 0; c <= 3; c++)
                {
                    log.WriteLine($"verify: {s.Name} c={c} {search}");
                    var r = Verifier.Run(Request(s, KernelConfig.Fixed, 1, 0, EngineKind.Direct), c, settings.VerifyCap, por: por,
                        maxTotalSteps: settings.VerifyStepCap, stateCache: cache);
                    string result = r.FoundBug ? $"violation: {r.Counterexample!.Violation.Id}" : r.Complete ? "complete" : $"stopped by {r.StoppedBy}";
                    md.AppendLine(I($"| {s.Name} | {c} | {search} | {r.Schedules} | {r.Pruned} | {r.DistinctStates} | {r.Steps} | {r.CutSchedules} | {r.Elapsed.TotalSeconds:F1} | {result} |"));
                    if (!r.Complete) break;
                }
        return md.AppendLine().ToString();
    }

    /// <summary>
    /// Issue 20's verify target as <c>uvmcheck verify -s S -c 2 -j 2 --time 60s</c> runs it, per
    /// scenario: the largest bound searched to its end within the minute, with its counts, or the
    /// search's time when it ended. A benchmark, not a test: the time budget is the target itself.
    /// </summary>
    public static string VerifyTargetTable(IReadOnlyList<Scenario> scenarios, TimeSpan budget, int threads, TextWriter log)
    {
        var md = new StringBuilder();
        md.AppendLine(I($"### Target: every schedule with at most 2 preemptions in {budget.TotalSeconds:F0} s on {threads} threads")).AppendLine();
        md.AppendLine(I($"`uvmcheck verify -s S -c 2 -j {threads} --time {budget.TotalSeconds:F0}s` on the scenario's default workload, fixed kernel, as verify runs by default (fair schedules, sleep sets, the state cache shared by the threads). \"established\" is the largest bound searched to its end; its schedules and distinct states are those of bounds 0 to it. A search that ran out of time shows what it had explored by then.")).AppendLine();
        md.AppendLine("| scenario | result | established bound | schedules to it | distinct states to it | schedules in all | distinct states in all | seconds |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        int met = 0;
        foreach (var s in scenarios)
        {
            log.WriteLine($"verify target: {s.Name}");
            using var cts = new CancellationTokenSource(budget);
            var r = Verifier.Run(Request(s, KernelConfig.Fixed, 1, 0, EngineKind.Direct), 2, cancel: cts.Token, por: true, parallel: threads, stateCache: true);
            string result = r.FoundBug ? $"violation: {r.Counterexample!.Violation.Id}" : r.Complete ? "verified" : "out of time";
            if (r.Complete && !r.FoundBug) met++;
            var e = r.Complete ? new VerifiedBound(2, r.Schedules, r.Steps, r.DistinctStates) : r.Established;
            md.AppendLine(I($"| {s.Name} | {result} | {(e is null ? "-" : e.Bound)} | {(e is null ? "-" : e.Schedules)} | {(e is null ? "-" : e.DistinctStates)} | {r.Schedules} | {r.DistinctStates} | {r.Elapsed.TotalSeconds:F1} |"));
        }
        md.AppendLine().AppendLine(I($"Verified within the budget: {met} of {scenarios.Count} scenarios.")).AppendLine();
        return md.ToString();
    }

    private static (int Found, List<double> Secs, List<double> Schedules) Seconds(KernelSwitch bug, Scenario scenario, BenchSettings settings, int? core, EngineKind engine)
    {
        Explorer.Run(Request(scenario, KernelConfig.Fixed.With(bug), 3, 999_999_937u, engine), core: core); // JIT warm-up, another seed
        var secs = new List<double>();
        var schedules = new List<double>();
        int found = 0;
        for (int i = 0; i < settings.Seeds; i++)
        {
            var r = Explorer.Run(Request(scenario, KernelConfig.Fixed.With(bug), settings.EngineBudget, (uint)i * 1_000_003u, engine), core: core);
            if (r.FoundBug) found++;
            secs.Add(r.FoundBug ? r.Elapsed.TotalSeconds : double.PositiveInfinity);
            schedules.Add(r.FoundBug ? r.Iterations : double.PositiveInfinity);
        }
        return (found, secs, schedules);
    }

    private static RunRequest Request(Scenario s, KernelConfig config, int iterations, uint seed, EngineKind engine) =>
        new(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Engine = engine, Iterations = iterations, Seed = seed })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        };

    private static string Ms(double? seconds) => seconds is { } x && !double.IsInfinity(x) ? (x * 1000).ToString(x < 0.01 ? "F3" : "F1", CultureInfo.InvariantCulture) : "-";

    private static string N(double? v) => v is { } x && !double.IsInfinity(x) ? x.ToString("F0", CultureInfo.InvariantCulture) : "-";
}
