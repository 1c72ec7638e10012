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
        var cmd = new Command("mutate", "Run every bug switch and model mutation against the scenarios and print which property caught which (exit 1 if a mutant survives).")
        {
            iterations, seed, scenario, mutant, parallel,
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
            return matrix.Survivors.Count == 0 ? Cli.Clean : Cli.BugFound;
        });
        return cmd;
    }

    private static IReadOnlyList<T> Pick<T>(IReadOnlyList<T> all, string[]? names, Func<T, string> name, string flag)
    {
        if (names is not { Length: > 0 }) return all;
        return [.. names.Select(n => all.FirstOrDefault(x => string.Equals(name(x), n, StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException($"{flag}: unknown '{n}'; known: {string.Join(", ", all.Select(name))}"))];
    }
}
