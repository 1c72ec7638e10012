using System.Text.Json;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary>
/// Output files of a command: each checked before any work starts, and each written so that a
/// late failure (a full disk, a vanished directory) costs one line on stderr, never the result:
/// a counterexample that cannot be written is printed to stdout instead.
/// </summary>
internal static class Outputs
{
    /// <summary>Checks each (path, flag) that was given; the first that cannot be written is an <see cref="InputException"/>.</summary>
    public static void Check(params (string? Path, string Flag)[] outputs)
    {
        foreach (var (path, flag) in outputs)
            if (path is not null) OutputFile.Check(path, flag);
    }

    /// <summary>Runs <paramref name="write"/>; on an I/O failure prints one line naming <paramref name="what"/> and returns false.</summary>
    public static bool TryWrite(Action write, string what, string path, TextWriter stderr)
    {
        try
        {
            write();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"uvmcheck: cannot write {what} to '{path}': {e.Message.ReplaceLineEndings(" ")}");
            return false;
        }
    }

    /// <summary>
    /// Writes a counterexample; when that fails, prints it (the violation and everything a replay
    /// needs) to stdout between two marker lines, so the bug found is never lost.
    /// </summary>
    public static bool WriteCounterexample(Counterexample cx, string path, TextWriter stdout, TextWriter stderr)
    {
        if (TryWrite(() => CounterexampleFile.Write(cx, path), "the counterexample", path, stderr)) return true;
        stdout.WriteLine($"the counterexample follows ({cx.Violation.Id}); save it to a file and replay it with 'uvmcheck replay FILE':");
        stdout.WriteLine("----- BEGIN COUNTEREXAMPLE -----");
        stdout.WriteLine(JsonSerializer.Serialize(CounterexampleFile.WithModel(cx), Json.Options));
        stdout.WriteLine("----- END COUNTEREXAMPLE -----");
        return false;
    }
}
