using System.Diagnostics;
using System.Globalization;
using System.Text;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;
using static Uvm.Bench.InvariantText;

namespace Uvm.Bench;

/// <summary>
/// What the detectors cost (issue 17, "Measure it"): schedules per second of the direct engine on
/// the same seeds with every detector on, with the lock-discipline and use-after-free checks off
/// (<c>uvmcheck run --no-detectors</c>), and with the accounting recounts left out as well. The
/// three runs of a scenario alternate over several rounds in one process, so that drift of the
/// shared machine spreads over all three; the table gives each one's median over the rounds, in
/// schedules per CPU-second of this process, which other load on the machine does not inflate.
/// </summary>
public static class DetectorCost
{
    /// <summary>The scenarios measured: the sched-heavy, exit-heavy and page-heavy paths.</summary>
    public static IReadOnlyList<string> Scenarios { get; } = ["swapout", "exit-reaperless", "pagedaemon"];

    /// <summary>Runs the rounds and returns the Markdown table; <paramref name="log"/> gets progress lines.</summary>
    public static string Table(int schedules, int rounds, int? core, TextWriter log)
    {
        var md = new StringBuilder();
        md.AppendLine("## What the detectors cost").AppendLine();
        md.AppendLine(I($"Direct engine, random strategy, the scenario's default workload on the fixed kernel, {schedules} schedules from seed 0 per run; the three runs of a scenario alternate, {rounds} rounds, median schedules per second of the process's CPU time (not wall-clock: the machine is shared, and a run's CPU time is what the detectors add to) per configuration and, beside it, kernel steps per schedule (a racy read asks the explorer how much of the last critical section it sees only while the detectors are on, so the schedules themselves differ a little). *Locks + UAF off* is `uvmcheck run --no-detectors`; *all off* also leaves out the accounting recounts (subsystem `detector`). Cost = 1 − (all on ÷ all off), in schedules/s.")).AppendLine();
        md.AppendLine("| scenario | all on: schedules/s (steps/schedule) | locks + UAF off | all off | cost of all detectors |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var name in Scenarios)
        {
            var s = ScenarioCatalogue.Find(name)!;
            var runs = new[] { Request(s, true, true, schedules), Request(s, false, true, schedules), Request(s, false, false, schedules) };
            foreach (var r in runs) Explorer.Run(r with { Settings = r.Settings with { Iterations = 30 } }, core: core); // warm-up
            var rates = new List<double>[] { [], [], [] };
            var steps = new double[runs.Length];
            for (int round = 0; round < rounds; round++)
                for (int i = 0; i < runs.Length; i++)
                {
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var result = Explorer.Run(runs[i], core: core);
                    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                    if (result.FoundBug) throw new InvalidOperationException($"{name}: the fixed kernel violated a property while measuring");
                    rates[i].Add(result.Iterations / cpu.TotalSeconds);
                    steps[i] = (double)result.Steps / result.Iterations;
                }
            double on = Median(rates[0]), locksOff = Median(rates[1]), off = Median(rates[2]);
            log.WriteLine(I($"detectors: {name} on {on:F0}, locks+UAF off {locksOff:F0}, all off {off:F0} schedules/s"));
            md.AppendLine(I($"| {name} | {on:F0} ({steps[0]:F0}) | {locksOff:F0} ({steps[1]:F0}) | {off:F0} ({steps[2]:F0}) | {100 * (1 - on / off):F0}% |"));
        }
        return md.AppendLine().ToString();
    }

    private static RunRequest Request(Scenario s, bool discipline, bool accounting, int schedules) =>
        new(s.Name, s.DefaultWorkload(), KernelConfig.Fixed with { Detectors = discipline },
            new ExploreSettings { Engine = EngineKind.Direct, Iterations = schedules, Seed = 0 })
        {
            Properties = Without(s.PropertiesFrom(Catalogue.BuiltIn), accounting),
        };

    private static Catalogue Without(Catalogue all, bool accounting) =>
        accounting ? all : new([.. all.Invariants.Where(i => i.Subsystem != Detector.Subsystem)], all.Liveness);

    private static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
