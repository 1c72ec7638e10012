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
        if (result.TraceProblem is { } tp)
            o.WriteLine($"note: {tp}; following the kernel-level schedule instead");
        foreach (var s in result.Steps) o.WriteLine($"  {s}");
        if (result.Exact)
        {
            var how = result.Method == ReplayMethod.CoyoteTrace ? "REPRODUCED" : "REPRODUCED by the kernel-level schedule";
            o.WriteLine($"{how}: {result.Violation!.Message}");
            return Cli.BugFound;
        }
        var got = result.Violation?.Id ?? "no violation";
        var at = result.FirstDivergentStep is { } d ? $"; the schedules part at step {d}: {result.PartReason}" : "";
        throw new InputException($"{path}: does not reproduce: expected {cx.Violation.Id}, got {got}{at}");
    }
}
