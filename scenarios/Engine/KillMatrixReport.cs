using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>
/// Prints a <see cref="KillMatrix"/>: as text for the terminal (the mutant x scenario table, then
/// per property its kills and unique kills, ending with <c>N of M mutants killed</c>), or as the
/// markdown of docs/mutation.md (<c>uvmcheck mutate --markdown docs/mutation.md</c>).
/// </summary>
public static class KillMatrixReport
{
    /// <summary>The matrix as text: one row per mutant and one column per scenario, then one row per property.</summary>
    public static void Render(this KillMatrix matrix, TextWriter o, Catalogue catalogue)
    {
        int w = Math.Max(12, matrix.Mutants.Max(m => m.Id.Length));
        var cols = matrix.Scenarios.Select(s => Math.Max(s.Length, matrix.Cells.Where(c => c.Scenario == s).Select(c => Short(c).Length).DefaultIfEmpty(0).Max())).ToList();
        o.WriteLine($"{"mutant".PadRight(w)}  {"kind",-8}  " + string.Join("  ", matrix.Scenarios.Select((s, i) => s.PadRight(cols[i]))));
        foreach (var m in matrix.Mutants)
        {
            var row = matrix.Scenarios.Select((s, i) => Short(matrix.Cells.Single(c => c.Mutant == m.Id && c.Scenario == s)).PadRight(cols[i]));
            o.WriteLine($"{m.Id.PadRight(w)}  {m.Kind,-8}  " + string.Join("  ", row).TrimEnd());
        }
        o.WriteLine("(a cell names the violation the search reported; +n: n more properties the failing state violates)");
        o.WriteLine();
        var names = KillMatrix.Properties(catalogue);
        int pw = names.Max(n => n.Length);
        o.WriteLine($"{"property".PadRight(pw)}  kills  unique  mutants (* = only this property fired)");
        foreach (var p in names)
        {
            var kills = matrix.KillsOf(p);
            o.WriteLine($"{p.PadRight(pw)}  {kills.Count,5}  {kills.Count(k => k.Unique),6}  {string.Join(", ", kills.Select(k => k.Unique ? k.Mutant + "*" : k.Mutant))}");
        }
        o.WriteLine();
        Summary(matrix, catalogue, o);
    }

    /// <summary>Survivors, silent properties and the score line.</summary>
    private static void Summary(KillMatrix matrix, Catalogue catalogue, TextWriter o)
    {
        var survivors = matrix.Survivors;
        var unexplained = matrix.Unexplained;
        o.WriteLine(unexplained.Count == 0 ? "survivors: none" : $"survivors ({unexplained.Count}): " + string.Join(", ", unexplained.Select(s => $"{s.Id} ({s.Site})")));
        foreach (var m in survivors.Except(unexplained))
            o.WriteLine($"equivalent survivor {m.Id} ({m.Site}): {Switches.Find(m.Id)!.Equivalent}");
        var silent = matrix.NeverFired(catalogue);
        o.WriteLine(silent.Count == 0 ? "every property fired at least once" : $"never fired ({silent.Count}): " + string.Join(", ", silent));
        int equivalent = survivors.Count - unexplained.Count;
        o.WriteLine($"{matrix.Mutants.Count - survivors.Count} of {matrix.Mutants.Count - equivalent} mutants killed"
            + (equivalent > 0 ? $" ({equivalent} equivalent mutant{(equivalent > 1 ? "s" : "")} not counted)" : ""));
    }

    /// <summary>The matrix as the markdown of docs/mutation.md, with <paramref name="command"/> as the line that regenerates it.</summary>
    public static void Markdown(this KillMatrix matrix, TextWriter o, Catalogue catalogue, string command, int iterations, uint seed)
    {
        o.WriteLine("# Mutation kill matrix");
        o.WriteLine();
        o.WriteLine("Generated; do not edit. Regenerate with:");
        o.WriteLine();
        o.WriteLine($"    {command}");
        o.WriteLine();
        o.WriteLine($"Every switch of model/Switches/ (historical and discovered bugs, model mutations) explored in every scenario, "
            + $"{iterations} schedules each from seed {seed}. A property *fired* for a mutant when the search's failing state "
            + "violates it (the reported violation, or another invariant the same state breaks); it is a *unique* kill when no "
            + "other property fired for that mutant in any scenario. The designated property of a switch (`Kills` in its "
            + "declaration) is checked by tests/Scenarios/DesignatedMutantTests.cs. The notes at the end (survivors' causes, "
            + "properties folded or removed) are written by hand and kept when the file is regenerated.");
        o.WriteLine();
        o.WriteLine("## Per property");
        o.WriteLine();
        o.WriteLine("| property | kills | unique | mutants (**bold**: unique) |");
        o.WriteLine("|---|---:|---:|---|");
        foreach (var p in KillMatrix.Properties(catalogue))
        {
            var kills = matrix.KillsOf(p);
            o.WriteLine($"| {p} | {kills.Count} | {kills.Count(k => k.Unique)} | {string.Join(", ", kills.Select(k => k.Unique ? $"**{k.Mutant}**" : k.Mutant))} |");
        }
        o.WriteLine();
        o.WriteLine("## Per mutant");
        o.WriteLine();
        o.WriteLine("| mutant | kind | site | designated | fired (scenario: properties; first = reported) |");
        o.WriteLine("|---|---|---|---|---|");
        foreach (var m in matrix.Mutants)
        {
            var cells = matrix.Cells.Where(c => c.Mutant == m.Id && c.Killer is not null).Select(c => $"{c.Scenario}: {string.Join(", ", c.Fired)}");
            var text = string.Join("; ", cells);
            o.WriteLine($"| {m.Id} | {m.Kind} | {m.Site} | {string.Join(", ", Switches.Find(m.Id)?.Kills ?? [])} | {(text.Length == 0 ? "**survives**" : text)} |");
        }
        o.WriteLine();
        o.WriteLine("## Summary");
        o.WriteLine();
        var w = new StringWriter();
        Summary(matrix, catalogue, w);
        foreach (var line in w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) o.WriteLine($"- {line.TrimEnd()}");
    }

    private static string Short(KillCell c)
    {
        if (c.KilledBy is not { } k) return "-";
        var s = k.Replace("invariant ", "").Replace("liveness ", "live:").Replace("panic ", "panic:").Replace("detector ", "det:");
        return c.Fired.Count > 1 ? $"{s}+{c.Fired.Count - 1}" : s;
    }
}
