using Uvm.Scenarios;
using Uvm.Bench;

// Regenerates docs/benchmarks.md. Never asserts correctness; the tests do that.
//   dotnet run -c Release --project bench [--quick] [--out FILE]
//   dotnet run -c Release --project bench -- --detectors   (only the detectors' cost, printed)
//   dotnet run -c Release --project bench -- --profile [--hot [--coyote]|--allocs|--parts|--scaling|--table] [--schedules N] [scenario...]  (where a direct step's time goes, printed)
//   dotnet run -c Release --project bench -- --replay      (only one replay's cost per engine, printed)
//   dotnet run -c Release --project bench -- --engines [scenario...]  (only the direct engine against Coyote, printed)
//   dotnet run -c Release --project bench -- --verify-target  (only verify -c 2 -j 2 --time 60s per scenario, printed)
//   dotnet run -c Release --project bench -- --ttb [--seeds N] [--budget N] [bug...]  (only the time to bug by engine, printed)
//   dotnet run -c Release --project bench -- --strategies [--coyote] [--all-strategies] [--seeds N] [--budget N] [bug...]  (only random against delivery, printed)

// The value after option name, or fallback; and the arguments that are neither options nor numbers (scenario or bug names).
int Arg(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
List<string> Names() => [.. args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _))];

if (args.Contains("--detectors"))
{
    Console.Write(DetectorCost.Table(schedules: 5000, rounds: 7, core: null, Console.Error));
    return;
}
if (args.Contains("--profile"))
{
    var count = Arg("--schedules", 3000);
    var names = Names();
    if (args.Contains("--hot")) StepProfile.Hot(names, count, args.Contains("--coyote"), Console.Out);
    else if (args.Contains("--table")) Console.Write(StepProfile.Table(names.Count == 0 ? StepProfile.Default : names, count, 3, Console.Error));
    else if (args.Contains("--scaling")) StepProfile.Scaling(names, count, Console.Out);
    else if (args.Contains("--allocs")) StepProfile.Allocations(names, count, Console.Out);
    else if (args.Contains("--parts")) PartWrites.Print(names, count, Console.Out);
    else StepProfile.Run(names, count, Console.Out);
    return;
}
if (args.Contains("--ttb"))
{
    var bugs = Names();
    var ttb = new BenchSettings { Seeds = Arg("--seeds", 5), EngineBudget = Arg("--budget", 6000) };
    Console.Write(EngineComparison.TimeToBugTable(ttb, ttb.Core, Console.Error, bugs));
    return;
}
if (args.Contains("--strategies"))
{
    // Random against delivery over many seeds, as the full run's comparison; with --coyote under
    // the Coyote engine (where both are Coyote's random strategy), with --all-strategies every
    // strategy at --seeds (default 20) and --budget (default 500).
    var bugs = Names();
    var engine = args.Contains("--coyote") ? Uvm.Scenarios.EngineKind.Coyote : Uvm.Scenarios.EngineKind.Direct;
    var md = new System.Text.StringBuilder();
    if (args.Contains("--all-strategies"))
        Benchmark.StrategyTable(new BenchSettings { Seeds = Arg("--seeds", 20), Budget = Arg("--budget", 500), Engine = engine }, md, Console.Error, bugs);
    else
        Benchmark.StrategyComparison(new BenchSettings { ComparisonSeeds = Arg("--seeds", 100), Engine = engine }, md, Console.Error, bugs);
    Console.Write(md);
    return;
}
if (args.Contains("--engines"))
{
    var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
    var chosen = names.Count == 0 ? ScenarioCatalogue.All : [.. names.Select(n => ScenarioCatalogue.Find(n) ?? throw new ArgumentException($"no scenario {n}"))];
    var engines = new BenchSettings();
    Console.Write(EngineComparison.Table(chosen, engines, engines.Core, Console.Error));
    return;
}
if (args.Contains("--verify-target"))
{
    Console.Write(EngineComparison.VerifyTargetTable(ScenarioCatalogue.All, TimeSpan.FromSeconds(60), 2, Console.Error));
    return;
}
if (args.Contains("--replay"))
{
    Console.Write(ReplayCost.Table(Path.Combine(FindRepoRoot(), "regressions", "schedules"), rounds: 15, Console.Error));
    return;
}
var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine(FindRepoRoot(), "docs", "benchmarks.md");
var workers = Uvm.Cli.WorkerCommand.Host(Path.Combine(AppContext.BaseDirectory, "uvmcheck.dll"));
var settings = quick ? new BenchSettings { Quick = true, Seeds = 5, Budget = 200, ThroughputSchedules = 300, Workers = workers, VerifyCap = 20_000, VerifyStepCap = 250_000, VerifyPlain = false } : new BenchSettings { Workers = workers };
var report = Benchmark.Run(settings, Console.Out);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, report);
Console.WriteLine($"wrote {output}");

static string FindRepoRoot()
{
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "Checker.sln"))) return d.FullName;
    return Directory.GetCurrentDirectory();
}
