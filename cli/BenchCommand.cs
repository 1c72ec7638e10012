using System.CommandLine;
using Uvm.Scenarios.Benchmarks;

namespace Uvm.Cli;

/// <summary><c>uvmcheck bench</c>: the measurements of docs/benchmarks.md (same as <c>dotnet run --project bench</c>).</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter stdout)
    {
        var output = new Option<string>("--out", "-o") { Description = "where to write the Markdown report", DefaultValueFactory = _ => "docs/benchmarks.md" };
        var quick = new Option<bool>("--quick") { Description = "5 seeds, budget 200, 300 schedules per throughput figure (a smoke run)" };
        var seeds = new Option<int>("--seeds") { Description = "seeds per bug and strategy", DefaultValueFactory = _ => 20 };
        var cmd = new Command("bench", "Measure time to bug per strategy, overhead against bare Coyote, scaling and memory; write a Markdown report.") { output, quick, seeds };
        cmd.SetAction(r =>
        {
            int n = r.GetValue(seeds);
            if (n < 1) throw new Uvm.Scenarios.InputException($"--seeds: must be at least 1, is {n}");
            var workers = Uvm.Scenarios.WorkerProcessHost.ForAssembly(typeof(Cli).Assembly.Location);
            var settings = r.GetValue(quick)
                ? new BenchSettings { Seeds = 5, Budget = 200, ThroughputSchedules = 300, Workers = workers }
                : new BenchSettings { Seeds = n, Workers = workers };
            var report = Benchmark.Run(settings, stdout);
            Uvm.Scenarios.Json.WriteAtomically(r.GetValue(output)!, report);
            stdout.WriteLine($"wrote {r.GetValue(output)}");
            return Cli.Clean;
        });
        return cmd;
    }
}
