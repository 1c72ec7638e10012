namespace Uvm.Model;

/// <summary>What a switch is: where the behaviour it turns on comes from.</summary>
public enum SwitchKind
{
    /// <summary>A bug of the kernel's history: the pre-fix code of a PR or of a known fix.</summary>
    Historical,

    /// <summary>A bug this checker found in the faithful 2004 kernel; a later commit fixed it.</summary>
    Discovered,

    /// <summary>A model mutation: one kernel rule broken at one site, the way a plausible bug would.</summary>
    Mutation,
}

/// <summary>
/// One switch of the model: a historical bug, a discovered bug or a generic mutation, turned on in
/// a <see cref="KernelConfig"/> and read at its kernel site with <c>k.Config.Has(Switches.X)</c>.
/// Its story is <see cref="Origin"/>, <see cref="Title"/> and <see cref="Description"/>;
/// <see cref="Site"/> names the kernel functions it changes; <see cref="Scenario"/> is the scenario
/// that exercises the site. Declared as a field of <see cref="Switches"/>, one file per subsystem.
/// </summary>
/// <param name="Id">The id on the command line and in counterexample files; never renamed.</param>
/// <param name="Kind">Historical bug, discovered bug or model mutation.</param>
/// <param name="Site">The kernel functions where the switch is read, e.g. <c>uvm_swapout_threads, uvm_swapout</c>.</param>
/// <param name="Scenario">The scenario that exercises the site (<c>uvmcheck run --bug ID</c> runs it).</param>
public sealed record KernelSwitch(string Id, SwitchKind Kind, string Site, string Scenario)
{
    /// <summary>Where it comes from: <c>PR kern/23095</c>, a fix or later commit, or the rule a mutation breaks.</summary>
    public required string Origin { get; init; }

    /// <summary>One line: what goes wrong.</summary>
    public required string Title { get; init; }

    /// <summary>The story: the interleaving or the step that goes wrong, and what the fix changed.</summary>
    public string Description { get; init; } = "";

    /// <summary>
    /// The violation the default search of <see cref="Scenario"/> reports with the switch on, as
    /// a counterexample names it (<c>invariant OnProcLwpIsInMemory</c>, <c>panic uvm_swap_free</c>);
    /// required of a bug. The manifest test explores <see cref="Budget"/> schedules from seed 0 and
    /// expects exactly this.
    /// </summary>
    public string? Expected { get; init; }

    /// <summary>Schedules from seed 0 within which the default search finds <see cref="Expected"/>, with margin.</summary>
    public int Budget { get; init; }

    /// <summary>
    /// The properties this switch is the designated mutant of: invariant or liveness property names
    /// (<c>RunQueueHoldsOnlyRunnableInMemoryLwps</c>) or detectors (<c>LockDiscipline</c>). The
    /// search of <see cref="Scenario"/> for <see cref="Budget"/> schedules from seed 0 must make each
    /// fire (tests/Scenarios/DesignatedMutantTests.cs), so every property is shown to work.
    /// </summary>
    public IReadOnlyList<string> Kills { get; init; } = [];

    /// <summary>
    /// Set on a mutation no sound property can kill, with the reason: the faithful kernel shows the
    /// same behaviour on some schedule (an equivalent mutant). <c>uvmcheck mutate</c> lists it apart
    /// from the survivors that mark a rule nobody checks, and does not fail for it.
    /// </summary>
    public string? Equivalent { get; init; }

    /// <summary>The process-exit design the switch needs, if any: turning it on selects that design.</summary>
    public ExitDesign? Design { get; init; }

    /// <summary>
    /// The big-lock setting the switch needs, if any (<see cref="KernelConfig.BigLock"/>): false for
    /// a bug that only a kernel without the 2004 big lock can reach; turning the switch on selects it.
    /// </summary>
    public bool? BigLock { get; init; }

    /// <summary>True for a historical or discovered bug, false for a model mutation.</summary>
    public bool IsBug => Kind != SwitchKind.Mutation;

    /// <inheritdoc/>
    public override string ToString() => Id;
}
