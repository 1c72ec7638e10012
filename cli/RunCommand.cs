using System.CommandLine;
using System.Reflection;
using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary><c>uvmcheck run</c>: explore a scenario's schedules and report, or save, the first violation.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var scenario = new Option<string?>("--scenario", "-s") { Description = $"scenario to explore (default: {ScenarioCatalogue.Default.Name}, or the bug's own scenario); see 'uvmcheck list scenarios'" };
        var bugs = new Option<string[]>("--bug", "-b") { Description = "switch a historical bug on (repeatable); see 'uvmcheck list bugs'", AllowMultipleArgumentsPerToken = true };
        var strategy = new Option<string>("--strategy") { Description = "random, probabilistic, pct or fair-pct", DefaultValueFactory = _ => "random" };
        var iterations = new Option<int>("--iterations", "-i") { Description = "schedules to explore", DefaultValueFactory = _ => ExploreSettings.DefaultIterations };
        var maxSteps = new Option<int>("--max-steps") { Description = "scheduling decisions per schedule before it is cut off (and reported)", DefaultValueFactory = _ => 2000 };
        var seed = new Option<uint>("--seed") { Description = "first random seed; schedule j uses seed+j", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string>("--out", "-o") { Description = "directory for counterexample files", DefaultValueFactory = _ => "counterexamples" };
        var workload = new Option<string?>("--workload", "-w") { Description = "explore this workload file (JSON) instead of the scenario's" };
        var time = new Option<string?>("--time") { Description = "time budget, e.g. 90s, 5m: stop then and report what was explored" };
        var parallel = new Option<int>("--parallel", "-p") { Description = "independent engines on this machine, each a slice of the seeds", DefaultValueFactory = _ => 1 };
        var shard = new Option<string?>("--shard") { Description = "explore only slice i of n of the seeds, e.g. 0/4 (for CI matrices)" };
        var json = new Option<string?>("--json") { Description = "write a machine-readable report (JSON) here" };
        var junit = new Option<string?>("--junit") { Description = "write a JUnit XML report here" };
        var invariants = new Option<string[]>("--invariants") { Description = "load extra invariants from this assembly (repeatable)" };
        var cmd = new Command("run", "Explore schedules of a scenario; exit 1 and write a counterexample if an invariant or kernel assertion fails.")
        {
            scenario, bugs, strategy, iterations, maxSteps, seed, outDir, workload, time, parallel, shard, json, junit, invariants,
        };
        cmd.SetAction((r, cancel) =>
        {
            var options = new RunOptions(
                r.GetValue(scenario), r.GetValue(bugs) ?? [], r.GetValue(strategy)!, r.GetValue(iterations), r.GetValue(maxSteps),
                r.GetValue(seed), r.GetValue(outDir)!, r.GetValue(workload), r.GetValue(time), r.GetValue(parallel), r.GetValue(shard),
                r.GetValue(json), r.GetValue(junit), r.GetValue(invariants) ?? []);
            return Task.FromResult(Execute(options, stdout, stderr, cancel));
        });
        return cmd;
    }

    /// <summary>The parsed flags of one run.</summary>
    internal sealed record RunOptions(
        string? Scenario, string[] Bugs, string Strategy, int Iterations, int MaxSteps, uint Seed, string OutDir,
        string? Workload, string? Time, int Parallel, string? Shard, string? Json, string? Junit, string[] Invariants);

    internal static int Execute(RunOptions o, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var plan = RunPlan.From(o);
        stdout.WriteLine($"uvmcheck run: scenario {plan.Request.Scenario}, kernel {Describe(plan.Request.Config)}, strategy {ExploreSettings.Name(plan.Request.Settings.Strategy)}, "
            + $"seeds {o.Seed}+[{string.Join(", ", plan.Windows.Select(w => $"{w.Start}..{w.Start + w.Iterations - 1}"))}], shard {plan.Shard}, {o.Parallel} engine(s)");
        stdout.WriteLine($"workload: {plan.Request.Workload}");
        using var budget = new CancellationTokenSource();
        if (plan.TimeBudget is { } t) budget.CancelAfter(t);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, budget.Token);
        var result = Progress.Show(plan.Windows.Sum(w => w.Iterations), stdout, report => Campaign.Run(plan.Request, plan.Shard, o.Parallel, linked.Token, report));
        string? path = null;
        if (result.Counterexample is { } cx)
        {
            path = Path.Combine(o.OutDir, CounterexampleFile.FileName(cx));
            CounterexampleFile.Write(cx, path);
        }
        var report = RunReport.From(plan.Request, plan.Shard, result, path, budget.IsCancellationRequested);
        Summarize(report, result, stdout);
        if (o.Json is { } j) RunReport.Write(report, j);
        if (o.Junit is { } x) JUnitReport.Write([report], x);
        return result.Counterexample is null ? Cli.Clean : Cli.BugFound;
    }

    private static void Summarize(RunReport report, CampaignResult result, TextWriter o)
    {
        o.WriteLine($"explored {result.Iterations} schedules ({result.Steps} scheduling steps, {result.Steps / Math.Max(1, result.Iterations)} per schedule) in {result.Elapsed.TotalSeconds:F1} s: {result.SchedulesPerSecond:F0} schedules/s");
        if (report.StoppedBy is { } why) o.WriteLine($"stopped early: {why}");
        if (result.MaxStepsHit > 0) o.WriteLine($"warning: {result.MaxStepsHit} schedule(s) hit --max-steps {report.MaxSteps} and were cut off unchecked beyond it");
        if (result.Counterexample is not { } cx)
        {
            o.WriteLine("result: no violation");
            return;
        }
        o.WriteLine($"BUG FOUND in schedule {result.BugAtIteration + 1}: {cx.Violation.Message}");
        o.WriteLine($"  {cx.Steps.Count} steps; last ones:");
        foreach (var s in cx.Steps.Skip(Math.Max(0, cx.Steps.Count - 6))) o.WriteLine($"  {s}");
        o.WriteLine($"counterexample: {report.Counterexample}");
        o.WriteLine($"replay with:    uvmcheck replay {report.Counterexample}");
    }

    internal static string Describe(KernelConfig config) =>
        KernelBugs.EnabledIn(config) is { Count: > 0 } on ? "with " + string.Join(", ", on) : "fixed";

    /// <summary>Everything a run needs, checked before any exploration starts.</summary>
    private sealed record RunPlan(RunRequest Request, Shard Shard, TimeSpan? TimeBudget, IReadOnlyList<EngineWindow> Windows)
    {
        public static RunPlan From(RunOptions o)
        {
            if (o.Iterations < 1) throw new InputException($"--iterations: must be at least 1, is {o.Iterations}");
            if (o.MaxSteps < 10) throw new InputException($"--max-steps: must be at least 10, is {o.MaxSteps}");
            if (o.Parallel is < 1 or > 64) throw new InputException($"--parallel: must be 1..64, is {o.Parallel}");
            if (!ExploreSettings.TryParseStrategy(o.Strategy, out var strategy))
                throw new InputException($"--strategy: unknown strategy '{o.Strategy}'; use random, probabilistic, pct or fair-pct");
            foreach (var b in o.Bugs)
                if (KernelBugs.Find(b) is null) throw new InputException($"--bug: unknown bug '{b}'; known: {string.Join(", ", KernelBugs.All.Select(x => x.Id))}");
            var config = KernelBugs.Configure(o.Bugs);
            var shard = o.Shard is { } s ? Uvm.Scenarios.Shard.Parse(s) : Uvm.Scenarios.Shard.All;
            var budget = o.Time is { } t ? ParseDuration(t) : (TimeSpan?)null;
            var scenarioName = o.Scenario ?? (o.Bugs.Length > 0 ? KernelBugs.Find(o.Bugs[0])!.Scenario : ScenarioCatalogue.Default.Name);
            var scenario = ScenarioCatalogue.Find(scenarioName)
                ?? throw new InputException($"--scenario: unknown scenario '{scenarioName}'; known: {string.Join(", ", ScenarioCatalogue.All.Select(x => x.Name))}");
            var catalogue = LoadInvariants(o.Invariants);
            CheckWritable(o.OutDir, "--out");
            var workload = o.Workload is { } w ? WorkloadFile.Read(w) : scenario.DefaultWorkload();
            var settings = new ExploreSettings { Strategy = strategy, Iterations = o.Iterations, MaxSteps = o.MaxSteps, Seed = o.Seed, TimeBudget = budget };
            var request = new RunRequest(o.Workload is null ? scenario.Name : WorkloadFile.CustomScenario, workload, config, settings)
            {
                Properties = o.Workload is null ? scenario.PropertiesFrom(catalogue) : catalogue,
            };
            return new RunPlan(request, shard, budget, Campaign.Plan(settings, shard, o.Parallel));
        }

        private static Catalogue LoadInvariants(string[] paths)
        {
            var catalogue = Catalogue.BuiltIn;
            foreach (var p in paths)
            {
                if (!File.Exists(p)) throw new InputException($"--invariants: no such file '{p}'");
                try
                {
                    catalogue = catalogue.With(Assembly.LoadFrom(Path.GetFullPath(p)));
                }
                catch (Exception e) when (e is BadImageFormatException or FileLoadException or ReflectionTypeLoadException or TypeLoadException)
                {
                    throw new InputException($"--invariants: cannot load '{p}': {e.Message}");
                }
            }
            return catalogue;
        }

        private static void CheckWritable(string dir, string flag)
        {
            try
            {
                Directory.CreateDirectory(dir);
                var probe = Path.Combine(dir, $".uvmcheck-probe-{Guid.NewGuid():N}");
                File.WriteAllText(probe, "");
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new InputException($"{flag}: cannot write to '{dir}': {e.Message}");
            }
        }
    }

    /// <summary>Parses 90s, 5m, 1h, 500ms, or a plain number of seconds.</summary>
    internal static TimeSpan ParseDuration(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        (string num, double scale) = t.EndsWith("ms") ? (t[..^2], 0.001) : t.EndsWith('s') ? (t[..^1], 1) : t.EndsWith('m') ? (t[..^1], 60) : t.EndsWith('h') ? (t[..^1], 3600) : (t, 1);
        if (!double.TryParse(num, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) || v <= 0 || v * scale > 7 * 24 * 3600)
            throw new InputException($"--time: '{text}' is not a duration; use for example 90s, 5m or 1h");
        return TimeSpan.FromSeconds(v * scale);
    }
}
