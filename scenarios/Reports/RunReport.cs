using Uvm.Properties;
using System.Text.Json;
using Uvm.Model;

namespace Uvm.Scenarios;

/// <summary>
/// The machine-readable summary of one run or shard (<c>--json</c>): what was explored, over which
/// seeds, and what was found. <c>uvmcheck merge</c> joins shard reports into one.
/// </summary>
public sealed record RunReport
{
    /// <summary>The report format.</summary>
    public int FormatVersion { get; init; } = 1;

    /// <summary>Scenario explored.</summary>
    public required string Scenario { get; init; }

    /// <summary>Bug switches on.</summary>
    public required IReadOnlyList<string> Bugs { get; init; }

    /// <summary>Strategy name.</summary>
    public required string Strategy { get; init; }

    /// <summary>The first seed of the whole (unsharded) range.</summary>
    public uint Seed { get; init; }

    /// <summary>Iterations of the whole (unsharded) range.</summary>
    public int TotalIterations { get; init; }

    /// <summary>Scheduling-step bound per schedule.</summary>
    public int MaxSteps { get; init; }

    /// <summary>The shards this report covers, as "i/n".</summary>
    public required IReadOnlyList<string> Shards { get; init; }

    /// <summary>The seed windows explored: [start, start+iterations) offsets from <see cref="Seed"/>.</summary>
    public required IReadOnlyList<EngineWindow> Windows { get; init; }

    /// <summary>Schedules explored.</summary>
    public int Iterations { get; init; }

    /// <summary>Scheduling steps taken.</summary>
    public long Steps { get; init; }

    /// <summary>Wall-clock seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>Schedules cut off at the step bound.</summary>
    public int MaxStepsHit { get; init; }

    /// <summary>Why the run stopped before its budget, if it did ("time budget", "cancelled").</summary>
    public string? StoppedBy { get; init; }

    /// <summary>"clean", "violation", or "incomplete" (no violation, but an engine failed: see <see cref="Failures"/>).</summary>
    public required string Result { get; init; }

    /// <summary>One line per engine that failed (a worker that died), naming the window it did not explore; null if none.</summary>
    public IReadOnlyList<string>? Failures { get; init; }

    /// <summary>The violation found, if any.</summary>
    public Violation? Violation { get; init; }

    /// <summary>The global iteration (0-based offset from <see cref="Seed"/>) of the violation.</summary>
    public int? ViolationAtIteration { get; init; }

    /// <summary>The counterexample file written, if any.</summary>
    public string? Counterexample { get; init; }

    /// <summary>Kernel-level coverage, when the run collected it (<c>--coverage</c>).</summary>
    public KernelCoverage? Coverage { get; init; }

    /// <summary>Builds the report of a campaign.</summary>
    public static RunReport From(RunRequest request, Shard shard, CampaignResult result, string? counterexample, bool timeBudgetHit) => new()
    {
        Scenario = request.Scenario,
        Bugs = Switches.EnabledIn(request.Config),
        Strategy = ExploreSettings.Name(request.Settings.Strategy),
        Seed = request.Settings.Seed,
        TotalIterations = request.Settings.Iterations,
        MaxSteps = request.Settings.MaxSteps,
        Shards = [shard.ToString()],
        Windows = result.Windows,
        Iterations = result.Iterations,
        Steps = result.Steps,
        Seconds = Math.Round(result.Elapsed.TotalSeconds, 3),
        MaxStepsHit = result.MaxStepsHit,
        StoppedBy = timeBudgetHit ? "time budget" : result.Cancelled ? "cancelled" : null,
        Result = result.Counterexample is not null ? "violation" : result.Failures.Count > 0 ? "incomplete" : "clean",
        Failures = result.Failures.Count > 0 ? result.Failures : null,
        Violation = result.Counterexample?.Violation,
        ViolationAtIteration = result.BugAtIteration,
        Counterexample = counterexample,
    };

    /// <summary>Writes the report atomically.</summary>
    public static void Write(RunReport report, string path) => Json.WriteAtomically(path, JsonSerializer.Serialize(report, Json.Options));

    /// <summary>Reads a report; malformed input is an <see cref="InputException"/>.</summary>
    public static RunReport Read(string path)
    {
        var report = Json.Parse<RunReport>(Json.ReadFile(path), path);
        if (report.Problem() is { } problem) throw new InputException($"{path}: {problem}");
        return report;
    }

    /// <summary>What is impossible about this report's counts (a negative count, a window past the range), or null.</summary>
    private string? Problem()
    {
        if (Iterations < 0 || Steps < 0 || MaxStepsHit < 0 || TotalIterations < 0) return "iterations, steps, maxStepsHit and totalIterations must not be negative";
        if (!double.IsFinite(Seconds) || Seconds < 0) return "seconds must be a non-negative number";
        if (ViolationAtIteration < 0) return "violationAtIteration must not be negative";
        if (Windows.Any(w => w is null || w.Start < 0 || w.Iterations < 0 || (long)w.Start + w.Iterations > TotalIterations))
            return "windows must lie inside [0, totalIterations)";
        return null;
    }

    /// <summary>
    /// Joins shard reports of one run (same scenario, bugs, strategy, seed and total): counts add
    /// up, windows are united, and the violation at the earliest global iteration wins.
    /// </summary>
    public static RunReport Merge(IReadOnlyList<RunReport> reports)
    {
        if (reports.Count == 0) throw new InputException("merge: no reports given");
        var first = reports[0];
        foreach (var r in reports)
        {
            if (r.Scenario != first.Scenario || r.Strategy != first.Strategy || r.Seed != first.Seed || r.TotalIterations != first.TotalIterations
                || !r.Bugs.SequenceEqual(first.Bugs))
                throw new InputException($"merge: reports are of different runs ({first.Scenario}/{first.Strategy}/seed {first.Seed} vs {r.Scenario}/{r.Strategy}/seed {r.Seed})");
        }
        var windows = reports.SelectMany(r => r.Windows).OrderBy(w => w.Start).ToList();
        for (int i = 1; i < windows.Count; i++)
            if (windows[i].Start < (long)windows[i - 1].Start + windows[i - 1].Iterations)
                throw new InputException($"merge: shards overlap at iteration {windows[i].Start}");
        var bug = reports.Where(r => r.Violation is not null).OrderBy(r => r.ViolationAtIteration).FirstOrDefault();
        long iterations = reports.Sum(r => (long)r.Iterations), maxStepsHit = reports.Sum(r => (long)r.MaxStepsHit);
        decimal steps = reports.Sum(r => (decimal)r.Steps);
        if (iterations > int.MaxValue || maxStepsHit > int.MaxValue || steps > long.MaxValue)
            throw new InputException("merge: the reports' counts add up to more than a report can hold; are they of one run?");
        return first with
        {
            Shards = [.. reports.SelectMany(r => r.Shards)],
            Windows = windows,
            Iterations = (int)iterations,
            Steps = (long)steps,
            Seconds = reports.Max(r => r.Seconds),
            MaxStepsHit = (int)maxStepsHit,
            StoppedBy = reports.Select(r => r.StoppedBy).FirstOrDefault(s => s is not null),
            Result = bug is not null ? "violation" : reports.Any(r => r.Failures is { Count: > 0 } || r.Result == "incomplete") ? "incomplete" : "clean",
            Failures = reports.SelectMany(r => r.Failures ?? []).ToList() is { Count: > 0 } failed ? failed : null,
            Violation = bug?.Violation,
            ViolationAtIteration = bug?.ViolationAtIteration,
            Counterexample = bug?.Counterexample,
            Coverage = MergeCoverage(reports),
        };
    }

    private static KernelCoverage? MergeCoverage(IReadOnlyList<RunReport> reports)
    {
        if (reports.All(r => r.Coverage is null)) return null;
        var total = new KernelCoverage();
        foreach (var r in reports)
            if (r.Coverage is { } c) total.Add(c);
        return total;
    }
}
