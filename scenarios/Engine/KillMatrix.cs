using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>One mutant: a switch of the registry (a historical or discovered bug, or a model mutation), as a kernel configuration.</summary>
public sealed record Mutant(string Id, string Kind, string Site, KernelConfig Config)
{
    /// <summary>Every switch of <see cref="Switches.All"/>.</summary>
    public static IReadOnlyList<Mutant> All() =>
        [.. Switches.All.Select(s => new Mutant(s.Id, s.IsBug ? "bug" : "mutation", s.Site, KernelConfig.Fixed.With(s)))];
}

/// <summary>What one mutant did in one scenario: the violation that killed it, or null if it survived.</summary>
public sealed record KillCell(string Mutant, string Scenario, Violation? Killer, int Iterations)
{
    /// <summary>The killing violation's id ("invariant OnProcLwpIsInMemory"), or null for a survivor.</summary>
    public string? KilledBy => Killer?.Id;
}

/// <summary>
/// The kill matrix of <c>uvmcheck mutate</c>: every mutant explored in every scenario with the same
/// budget and seed; which invariant or kernel assertion caught it, which mutants survive, and which
/// invariants never fire.
/// </summary>
public sealed record KillMatrix(IReadOnlyList<Mutant> Mutants, IReadOnlyList<string> Scenarios, IReadOnlyList<KillCell> Cells)
{
    /// <summary>Explores every mutant in every scenario; mutants run in parallel up to <paramref name="parallel"/>.</summary>
    public static KillMatrix Run(IReadOnlyList<Mutant> mutants, IReadOnlyList<Scenario> scenarios, int iterations, uint seed, Catalogue catalogue, int parallel = 1)
    {
        var jobs = mutants.SelectMany(m => scenarios.Select(s => (m, s))).ToList();
        var cells = new KillCell[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel) }, i =>
        {
            var (m, s) = jobs[i];
            var result = Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), m.Config, new ExploreSettings { Iterations = iterations, Seed = seed })
            {
                Properties = s.PropertiesFrom(catalogue),
            });
            cells[i] = new KillCell(m.Id, s.Name, result.Counterexample?.Violation, result.Iterations);
        });
        return new KillMatrix(mutants, [.. scenarios.Select(s => s.Name)], cells);
    }

    /// <summary>The mutants no scenario killed.</summary>
    public IReadOnlyList<Mutant> Survivors => [.. Mutants.Where(m => Cells.All(c => c.Mutant != m.Id || c.KilledBy is null))];

    /// <summary>The invariants and liveness properties of <paramref name="catalogue"/> that killed no mutant.</summary>
    public IReadOnlyList<string> NeverFired(Catalogue catalogue)
    {
        var fired = Cells.Where(c => c.Killer is not null).Select(c => c.Killer!.Name).ToHashSet();
        return [.. catalogue.Invariants.Select(i => i.Name).Concat(catalogue.Liveness.Select(l => l.Name)).Where(n => !fired.Contains(n))];
    }

    /// <summary>The matrix as text: one row per mutant, one column per scenario.</summary>
    public void Render(TextWriter o, Catalogue catalogue)
    {
        int w = Math.Max(12, Mutants.Max(m => m.Id.Length));
        var cols = Scenarios.Select(s => Math.Max(s.Length, Cells.Where(c => c.Scenario == s).Select(c => Short(c.KilledBy).Length).DefaultIfEmpty(0).Max())).ToList();
        o.WriteLine($"{"mutant".PadRight(w)}  {"kind",-8}  " + string.Join("  ", Scenarios.Select((s, i) => s.PadRight(cols[i]))));
        foreach (var m in Mutants)
        {
            var row = Scenarios.Select((s, i) => Short(Cells.Single(c => c.Mutant == m.Id && c.Scenario == s).KilledBy).PadRight(cols[i]));
            o.WriteLine($"{m.Id.PadRight(w)}  {m.Kind,-8}  " + string.Join("  ", row));
        }
        o.WriteLine();
        var survivors = Survivors;
        o.WriteLine(survivors.Count == 0 ? "survivors: none" : $"survivors ({survivors.Count}): " + string.Join(", ", survivors.Select(s => $"{s.Id} ({s.Site})")));
        var silent = NeverFired(catalogue);
        o.WriteLine(silent.Count == 0 ? "every property fired at least once" : $"never fired ({silent.Count}): " + string.Join(", ", silent));
        o.WriteLine($"score: {Mutants.Count - survivors.Count}/{Mutants.Count} mutants killed");
    }

    private static string Short(string? killedBy) => killedBy is null ? "-" : killedBy.Replace("invariant ", "").Replace("liveness ", "live:").Replace("panic ", "panic:").Replace("detector ", "det:");
}
