using System.CommandLine;
using Uvm.Scenarios;
using Uvm.Scenarios.Explain;
using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Cli;

/// <summary>
/// <c>uvmcheck replay FILE [--step]</c>: reproduce a saved counterexample exactly, or say where it no
/// longer fits. With <c>--step</c>, walk the schedule one step at a time with what each changed
/// (Enter: next step, q: quit); when stdin is not a terminal, print every step at once.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(TextWriter stdout)
    {
        var file = new Argument<string>("file") { Description = "a counterexample file written by 'uvmcheck run'" };
        var step = new Option<bool>("--step") { Description = "walk the schedule step by step with the state each step changed (Enter: next, q: quit)" };
        var invariants = FileInvariants.Option();
        var cmd = new Command("replay", "Replay a counterexample; exit 1 if it reproduces its violation, 2 if the file is bad or no longer matches the model.") { file, step, invariants };
        cmd.SetAction(r => Execute(r.GetValue(file)!, stdout, r.GetValue(step), Console.IsInputRedirected ? null : () => AskNext(stdout), r.GetValue(invariants)));
        return cmd;
    }

    /// <summary>
    /// Replays <paramref name="path"/>. In step mode, <paramref name="next"/> is asked before each
    /// step after the first and returns false to stop walking; null prints every step.
    /// </summary>
    internal static int Execute(string path, TextWriter o, bool step = false, Func<bool>? next = null, string[]? invariants = null)
    {
        var cx = CounterexampleFile.Read(path);
        var properties = FileInvariants.For(cx, invariants);
        var explanation = step ? Explanation.Of(cx, properties) : null;
        var result = explanation?.Replay ?? Replayer.Replay(cx, properties);
        o.WriteLine($"replaying {path}: scenario {cx.Scenario}, bugs [{string.Join(", ", cx.Bugs)}], {cx.Steps.Count} steps");
        foreach (var line in ModelDiff.Note(cx)) o.WriteLine(line);
        if (result.TraceProblem is { } tp)
            o.WriteLine($"note: {tp}; following the kernel-level schedule instead");
        if (explanation is not null) Walk(explanation, o, next);
        else foreach (var s in result.Steps) o.WriteLine($"  {s}");
        if (result.Method == ReplayMethod.AlignedSchedule && result.SameViolation)
        {
            o.WriteLine($"note: the file's step labels part from the model's ({result.PartReason}); aligned them:");
            foreach (var line in result.Alignment) o.WriteLine($"  {line}");
            o.WriteLine($"REPRODUCED by the aligned kernel-level schedule: {result.Violation!.Message}");
            return Cli.BugFound;
        }
        if (result.Exact)
        {
            var how = result.Method == ReplayMethod.CoyoteTrace ? "REPRODUCED" : "REPRODUCED by the kernel-level schedule";
            o.WriteLine($"{how}: {result.Violation!.Message}");
            return Cli.BugFound;
        }
        var got = result.Violation?.Id ?? "no violation";
        var at = result.FirstDivergentStep is { } d ? $"; the schedules part at step {d}: {result.PartReason}" : "";
        if (result.AlignmentProblem is { } ap) at += $"; {ap}";
        throw new InputException($"{path}: does not reproduce: expected {cx.Violation.Id}, got {got}{at}");
    }

    /// <summary>One block per step: who ran which kernel function, then each changed entity on a line of its own.</summary>
    private static void Walk(Explanation e, TextWriter o, Func<bool>? next)
    {
        for (int i = 0; i < e.Steps.Count; i++)
        {
            if (i > 0 && next is not null && !next())
            {
                o.WriteLine($"stopped before step {e.Steps[i].Index} of {e.Steps.Count}");
                return;
            }
            var s = e.Steps[i];
            var mark = s.Violated ? "✗ " : s.SwitchesContext ? "⇄ " : "";
            o.WriteLine($"step {s.Index}/{e.Steps.Count - 1}  {mark}{s.Actor}: {s.FunctionAndKind}");
            if (s.Diff.IsEmpty) o.WriteLine("    (no visible state changed)");
            foreach (var part in s.Diff.Parts(verbose: true)) o.WriteLine($"    {part}");
        }
        if (e.Violation is not null) StoryWriter.WriteVerdict(e, o);
    }

    /// <summary>Waits for a key in a terminal: Enter (or space) goes on, q or Escape stops.</summary>
    private static bool AskNext(TextWriter o)
    {
        o.Write("  [Enter] next step, [q] quit ");
        o.Flush();
        var key = Console.ReadKey(intercept: true);
        o.WriteLine();
        return key.Key != ConsoleKey.Escape && key.KeyChar is not ('q' or 'Q');
    }
}
