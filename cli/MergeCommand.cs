using System.CommandLine;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary><c>uvmcheck merge REPORTS...</c>: one summary (JSON, optionally JUnit) from the reports of a run's shards.</summary>
internal static class MergeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var reports = new Argument<string[]>("reports") { Description = "JSON reports written by 'uvmcheck run --json' for shards of one run", Arity = ArgumentArity.OneOrMore };
        var json = new Option<string?>("--json") { Description = "write the merged report (JSON) here" };
        var junit = new Option<string?>("--junit") { Description = "write the merged JUnit XML here" };
        var cmd = new Command("merge", "Merge shard reports of one run; exit 1 if any shard found a violation.") { reports, json, junit };
        cmd.SetAction(r =>
        {
            Outputs.Check((r.GetValue(json), "--json"), (r.GetValue(junit), "--junit"));
            var merged = RunReport.Merge([.. r.GetValue(reports)!.Select(RunReport.Read)]);
            stdout.WriteLine($"merged {merged.Shards.Count} shard(s) of {merged.Scenario} [{(merged.Bugs.Count == 0 ? "fixed" : string.Join(", ", merged.Bugs))}]: "
                + $"{merged.Iterations} schedules over seeds {merged.Seed}+[{string.Join(", ", merged.Windows.Select(w => $"{w.Start}..{w.Start + w.Iterations - 1}"))}]");
            long covered = merged.Windows.Sum(w => (long)w.Iterations);
            if (merged.TotalIterations == ExploreSettings.OpenIterations) stdout.WriteLine($"note: an open range (a time budget alone); the shards explored {covered} schedules of it");
            else if (covered < merged.TotalIterations) stdout.WriteLine($"note: the shards explored {covered} of the run's {merged.TotalIterations} schedules");
            stdout.WriteLine(merged.Violation is { } v ? $"result: violation at schedule {merged.ViolationAtIteration}: {v.Message}\ncounterexample: {merged.Counterexample}" : merged.Result == "incomplete" ? "result: incomplete: no violation in the schedules explored, but engines failed" : "result: no violation");
            foreach (var line in merged.Coverage?.Summary() ?? []) stdout.WriteLine(line);
            foreach (var failure in merged.Failures ?? []) stderr.WriteLine($"uvmcheck: a shard's engine failed; {failure}");
            bool written = (r.GetValue(json) is not { } j || Outputs.TryWrite(() => RunReport.Write(merged, j), "the merged JSON report", j, stderr))
                & (r.GetValue(junit) is not { } x || Outputs.TryWrite(() => JUnitReport.Write([merged], x), "the merged JUnit report", x, stderr));
            return merged.Violation is not null ? Cli.BugFound : written && merged.Result != "incomplete" ? Cli.Clean : Cli.UsageError;
        });
        return cmd;
    }
}
