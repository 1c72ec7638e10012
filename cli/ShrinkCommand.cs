using System.CommandLine;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary><c>uvmcheck shrink FILE</c>: co-shrink a saved counterexample (workload, then schedule).</summary>
internal static class ShrinkCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Interrupt interrupt)
    {
        var file = new Argument<string>("file") { Description = "a counterexample file" };
        var output = new Option<string?>("--out", "-o") { Description = "where to write the shrunk counterexample (default: FILE with .shrunk.json)" };
        var cmd = new Command("shrink", "Shrink a counterexample's workload and schedule while it still fails the same way; exit 1 when written.") { file, output };
        var invariants = FileInvariants.Option();
        var time = new Option<string?>("--time") { Description = $"stop shrinking after this long and keep the smallest so far (default {CoShrinker.DefaultBudget.TotalSeconds:F0}s)" };
        cmd.Add(invariants);
        cmd.Add(time);
        cmd.SetAction((r, cancel) =>
        {
            var budget = r.GetValue(time) is { } t ? RunCommand.ParseDuration(t) : CoShrinker.DefaultBudget;
            var path = r.GetValue(file)!;
            var cx = CounterexampleFile.Read(path);
            var properties = FileInvariants.For(cx, r.GetValue(invariants));
            var replay = Replayer.Replay(cx, properties);
            if (!replay.SameViolation)
                throw new InputException($"{path}: does not reproduce (expected {cx.Violation.Id}, the replay gives {replay.Violation?.Id ?? "no violation"}); nothing to shrink");
            var target = r.GetValue(output) ?? Path.ChangeExtension(path, ".shrunk.json");
            Outputs.Check((target, "--out"));
            interrupt.Arm();   // an interrupt ends shrinking like its budget: the smallest so far is written
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel, interrupt.Token);
            limit.CancelAfter(budget);
            var shrunk = CoShrinker.Shrink(cx, properties, cancel: limit.Token);
            Report(shrunk, stdout);
            if (Outputs.WriteCounterexample(shrunk, target, stdout, stderr)) stdout.WriteLine($"shrunk counterexample: {target}");
            return Task.FromResult(Cli.BugFound);
        });
        return cmd;
    }

    /// <summary>One line per measure: workload size, steps, context switches, before → after.</summary>
    internal static void Report(Counterexample cx, TextWriter o)
    {
        if (cx.Shrink is not { } s) return;
        o.WriteLine($"shrunk: {s.Summary}");
        o.WriteLine($"shrunk workload: {cx.Workload}");
        foreach (var step in cx.Steps) o.WriteLine($"  {step}");
    }
}
