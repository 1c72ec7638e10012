using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>One mutant: a switch of the registry (a historical or discovered bug, or a model mutation), as a kernel configuration.</summary>
public sealed record Mutant(string Id, string Kind, string Site, KernelConfig Config)
{
    /// <summary>Every switch of <see cref="Switches.All"/>.</summary>
    public static IReadOnlyList<Mutant> All() =>
        [.. Switches.All.Select(s => new Mutant(s.Id, s.IsBug ? "bug" : "mutation", s.Site, KernelConfig.Fixed.With(s)))];
}

/// <summary>
/// What one mutant did in one scenario: the violation that killed it, or null if it survived, and
/// every property (invariant, liveness property or detector) that the failing state violates: the
/// killer first, then the invariants checked after it that would have reported the same state.
/// </summary>
public sealed record KillCell(string Mutant, string Scenario, Violation? Killer, int Iterations)
{
    /// <summary>The killing violation's id ("invariant OnProcLwpIsInMemory"), or null for a survivor.</summary>
    public string? KilledBy => Killer?.Id;

    /// <summary>The properties that fired: the killer's name, then the others the failing state violates. Empty for a survivor.</summary>
    public IReadOnlyList<string> Fired { get; init; } = [];

    /// <summary>
    /// Explores <paramref name="mutant"/> in <paramref name="scenario"/> from <paramref name="seed"/>
    /// and, when it is killed by an invariant or a liveness property, replays the counterexample to
    /// its failing state and asks every property of the scenario whether it holds there. The engine
    /// stops at the first violated invariant, in catalogue order; this credits the others too, so a
    /// property checked late is seen to work. Panics and detectors credit only themselves.
    /// </summary>
    public static KillCell Explore(Mutant mutant, Scenario scenario, int iterations, uint seed, Catalogue catalogue)
    {
        var properties = scenario.PropertiesFrom(catalogue);
        var workload = scenario.DefaultWorkload();
        if (BootFailureException.Of(workload, mutant.Config) is { } failed)
        {
            // The mutant breaks the boot of this scenario's workload: killed before any step, as a
            // panic of the boot (its message names the kernel's own failure).
            return new KillCell(mutant.Id, scenario.Name, failed.Violation, 0) { Fired = [failed.Violation.Name] };
        }
        var result = Explorer.Run(new RunRequest(scenario.Name, workload, mutant.Config, new ExploreSettings { Iterations = iterations, Seed = seed })
        {
            Properties = properties,
        });
        if (result.Counterexample is not { } cx) return new KillCell(mutant.Id, scenario.Name, null, result.Iterations);
        var fired = new List<string> { cx.Violation.Name };
        if (cx.Violation.Kind is ViolationKind.Invariant or ViolationKind.Liveness)
        {
            var last = new LastState();
            bool cycle = cx.Violation.Id == CycleDetector.ViolationId;
            ScheduleReplayer.Follow(workload, mutant.Config, properties, cx.Steps, FollowMode.Labels, last, watchCycles: cycle);
            // A fair cycle's last state is not an end: the properties judged at the end are not asked there.
            if (last.Kernel is { } k)
                fired.AddRange(Violated(properties, k, cx.Violation.Kind == ViolationKind.Liveness && !cycle).Where(n => n != cx.Violation.Name));
        }
        return new KillCell(mutant.Id, scenario.Name, cx.Violation, result.Iterations) { Fired = fired };
    }

    /// <summary>The invariants (and, at the end of an execution, the liveness properties) that <paramref name="k"/> violates.</summary>
    private static IEnumerable<string> Violated(Catalogue properties, IKernelView k, bool ended)
    {
        foreach (var inv in properties.Invariants)
            if (Safe(() => inv.Check(k))) yield return inv.Name;
        if (!ended) yield break;
        foreach (var l in properties.Liveness)
            if (Safe(() => l.Pending(k))) yield return l.Name;
    }

    /// <summary>True when <paramref name="check"/> reports a violation (a property that throws counts as firing, as in the engine).</summary>
    private static bool Safe(Func<string?> check)
    {
        try
        {
            return check() is not null;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            return true;
        }
    }

    /// <summary>Keeps the kernel a replay drives, so its last state can be examined.</summary>
    private sealed class LastState : IStepListener
    {
        public IKernelView? Kernel { get; private set; }

        public void Booted(IKernelView kernel) => Kernel = kernel;

        public void Stepped(IKernelView kernel, StepRecord step) => Kernel = kernel;
    }
}

/// <summary>
/// The kill matrix of <c>uvmcheck mutate</c>: every mutant explored in every scenario with the same
/// budget and seed (a switch's own scenario with its declared budget, if larger); which properties each mutant made fire, which mutants survive, and per property
/// the mutants it killed and those only it killed (<see cref="KillMatrixReport"/> prints it).
/// </summary>
public sealed record KillMatrix(IReadOnlyList<Mutant> Mutants, IReadOnlyList<string> Scenarios, IReadOnlyList<KillCell> Cells)
{
    /// <summary>Explores every mutant in every scenario; mutants run in parallel up to <paramref name="parallel"/>.</summary>
    public static KillMatrix Run(IReadOnlyList<Mutant> mutants, IReadOnlyList<Scenario> scenarios, int iterations, uint seed, Catalogue catalogue, int parallel = 1)
    {
        var jobs = mutants.SelectMany(m => scenarios.Select(s => (m, s))).ToList();
        var cells = new KillCell[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel) },
            i => cells[i] = KillCell.Explore(jobs[i].m, jobs[i].s, BudgetOf(jobs[i].m, jobs[i].s, iterations), seed, catalogue));
        return new KillMatrix(mutants, [.. scenarios.Select(s => s.Name)], cells);
    }

    /// <summary>
    /// Schedules for <paramref name="m"/> in <paramref name="s"/>: the common budget, or in the
    /// switch's own scenario its declared <see cref="KernelSwitch.Budget"/> if that is larger (a
    /// discovered bug's window can be rarer than the common budget; the manifest test checks that
    /// the declared budget finds it from seed 0).
    /// </summary>
    private static int BudgetOf(Mutant m, Scenario s, int iterations) =>
        Switches.Find(m.Id) is { } sw && sw.Scenario == s.Name ? Math.Max(iterations, sw.Budget) : iterations;

    /// <summary>The mutants no scenario killed.</summary>
    public IReadOnlyList<Mutant> Survivors => [.. Mutants.Where(m => Cells.All(c => c.Mutant != m.Id || c.KilledBy is null))];

    /// <summary>The survivors not declared equivalent (<see cref="KernelSwitch.Equivalent"/>): rules nobody checks.</summary>
    public IReadOnlyList<Mutant> Unexplained => [.. Survivors.Where(m => Switches.Find(m.Id)?.Equivalent is null)];

    /// <summary>Every property that fired for <paramref name="mutant"/> in any scenario.</summary>
    public IReadOnlySet<string> FiredFor(string mutant) => Cells.Where(c => c.Mutant == mutant).SelectMany(c => c.Fired).ToHashSet();

    /// <summary>The properties a report lists: every invariant and liveness property of the catalogue, then the detectors checked during a step.</summary>
    public static IReadOnlyList<string> Properties(Catalogue catalogue) =>
        [.. catalogue.Invariants.Select(i => i.Name), .. catalogue.Liveness.Select(l => l.Name), Detector.LockDiscipline, Detector.UseAfterFree, Detector.SleepWithSpinLock, Detector.LockOrder];

    /// <summary>The mutants <paramref name="property"/> killed, each with true when no other property fired for it.</summary>
    public IReadOnlyList<(string Mutant, bool Unique)> KillsOf(string property) =>
        [.. Mutants.Select(m => (m.Id, Fired: FiredFor(m.Id))).Where(x => x.Fired.Contains(property)).Select(x => (x.Id, x.Fired.Count == 1))];

    /// <summary>The properties of <paramref name="catalogue"/> (and the detectors) that killed no mutant.</summary>
    public IReadOnlyList<string> NeverFired(Catalogue catalogue)
    {
        var fired = Cells.SelectMany(c => c.Fired).ToHashSet();
        return [.. Properties(catalogue).Where(n => !fired.Contains(n))];
    }
}
