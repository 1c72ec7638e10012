using System.CommandLine;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Cli;

/// <summary><c>uvmcheck mutate</c>: the kill matrix of every bug switch and model mutation against the scenarios.</summary>
internal static class MutateCommand
{
    public static Command Create(TextWriter stdout)
    {
        var iterations = new Option<int>("--iterations", "-i") { Description = "schedules per mutant and scenario", DefaultValueFactory = _ => 200 };
        var seed = new Option<uint>("--seed") { Description = "first random seed", DefaultValueFactory = _ => 0 };
        var scenario = new Option<string[]>("--scenario", "-s") { Description = "only these scenarios (repeatable; default: all)" };
        var mutant = new Option<string[]>("--mutant", "-m") { Description = "only these mutants (repeatable; default: every bug and mutation)" };
        var parallel = new Option<int>("--parallel", "-p") { Description = "engines in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var markdown = new Option<string?>("--markdown") { Description = "also write the matrix as markdown to this file (docs/mutation.md), keeping its hand-written '## Notes' section" };
        var cmd = new Command("mutate", "Run every bug switch and model mutation against the scenarios and print which property caught which (exit 1 if a mutant survives that is not declared equivalent).")
        {
            iterations, seed, scenario, mutant, parallel, markdown,
        };
        cmd.SetAction(r =>
        {
            int n = r.GetValue(iterations);
            if (n < 1) throw new InputException($"--iterations: must be at least 1, is {n}");
            var scenarios = Pick(ScenarioCatalogue.All, r.GetValue(scenario), s => s.Name, "--scenario");
            var mutants = Pick(Mutant.All(), r.GetValue(mutant), m => m.Id, "--mutant");
            stdout.WriteLine($"uvmcheck mutate: {mutants.Count} mutants x {scenarios.Count} scenarios, {n} schedules each from seed {r.GetValue(seed)}");
            var matrix = KillMatrix.Run(mutants, scenarios, n, r.GetValue(seed), Catalogue.BuiltIn, Math.Max(1, r.GetValue(parallel)));
            matrix.Render(stdout, Catalogue.BuiltIn);
            if (r.GetValue(markdown) is { } path) WriteMarkdown(matrix, path, n, r.GetValue(seed), r.GetValue(scenario), r.GetValue(mutant));
            return matrix.Unexplained.Count == 0 ? Cli.Clean : Cli.BugFound;
        });
        return cmd;
    }

    /// <summary>Writes the markdown matrix to <paramref name="path"/>, keeping the file's "## Notes" section and what follows it.</summary>
    private static void WriteMarkdown(KillMatrix matrix, string path, int n, uint seed, string[]? scenarios, string[]? mutants)
    {
        var command = "uvmcheck mutate --markdown docs/mutation.md" + (n != 200 ? $" -i {n}" : "") + (seed != 0 ? $" --seed {seed}" : "")
            + string.Concat((scenarios ?? []).Select(s => $" -s {s}")) + string.Concat((mutants ?? []).Select(m => $" -m {m}"));
        string notes = "";
        try
        {
            if (File.Exists(path) && ("\n" + File.ReadAllText(path)) is var old && old.IndexOf("\n## Notes", StringComparison.Ordinal) is int at and >= 0)
                notes = old[(at + 1)..];
            var text = new StringWriter();
            matrix.Markdown(text, Catalogue.BuiltIn, command, n, seed);
            if (notes.Length > 0) text.Write("\n" + notes);
            File.WriteAllText(path, text.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--markdown: cannot write {path}: {e.Message}");
        }
    }

    private static IReadOnlyList<T> Pick<T>(IReadOnlyList<T> all, string[]? names, Func<T, string> name, string flag)
    {
        if (names is not { Length: > 0 }) return all;
        return [.. names.Select(n => all.FirstOrDefault(x => string.Equals(name(x), n, StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException($"{flag}: unknown '{n}'; known: {string.Join(", ", all.Select(name))}"))];
    }
}
