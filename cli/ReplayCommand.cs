using System.CommandLine;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary><c>uvmcheck replay FILE</c>: reproduce a saved counterexample exactly, or say where it no longer fits.</summary>
internal static class ReplayCommand
{
    public static Command Create(TextWriter stdout)
    {
        var file = new Argument<string>("file") { Description = "a counterexample file written by 'uvmcheck run'" };
        var cmd = new Command("replay", "Replay a counterexample; exit 1 if it reproduces its violation, 2 if the file is bad or no longer matches the model.") { file };
        cmd.SetAction(r => Execute(r.GetValue(file)!, stdout));
        return cmd;
    }

    internal static int Execute(string path, TextWriter o)
    {
        var cx = CounterexampleFile.Read(path);
        var result = Replayer.Replay(cx);
        o.WriteLine($"replaying {path}: scenario {cx.Scenario}, bugs [{string.Join(", ", cx.Bugs)}], {cx.Steps.Count} steps");
        if (result.ModelChanged)
            o.WriteLine($"note: the model changed since this file was written (fingerprint {cx.ModelFingerprint}, now {ModelFingerprint.Current})");
        foreach (var s in result.Steps) o.WriteLine($"  {s}");
        if (result.Exact)
        {
            o.WriteLine($"REPRODUCED: {result.Violation!.Message}");
            return Cli.BugFound;
        }
        if (result.SameViolation)
        {
            o.WriteLine($"REPRODUCED along a different schedule (first difference at step {result.FirstDivergentStep}): {result.Violation!.Message}");
            return Cli.BugFound;
        }
        var got = result.Violation?.Id ?? "no violation";
        var at = result.FirstDivergentStep is { } d ? $"; the schedules part at step {d}: file has {Show(cx.Steps, d)}, model ran {Show(result.Steps, d)}" : "";
        throw new InputException($"{path}: does not reproduce: expected {cx.Violation.Id}, got {got}{at}");
    }

    private static string Show(IReadOnlyList<StepRecord> steps, int i) =>
        i < steps.Count ? $"'{steps[i].Thread}: {steps[i].Function}'" : "nothing";
}
