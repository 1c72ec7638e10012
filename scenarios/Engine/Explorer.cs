using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios.Engine;

namespace Uvm.Scenarios;

/// <summary>What to explore: a workload, a kernel configuration, the properties to check, and how.</summary>
public sealed record RunRequest(string Scenario, Workload Workload, KernelConfig Config, ExploreSettings Settings)
{
    /// <summary>The properties checked; the built-in catalogue unless a user adds their own.</summary>
    public Catalogue Properties { get; init; } = Catalogue.BuiltIn;

    /// <summary>
    /// <c>uvmcheck verify</c> only: explore fair schedules only, in which a thread that waited in
    /// uvm_wait() runs again only after every thread that could run meanwhile has run
    /// (<see cref="Engine.Fairness"/>, docs/verify.md). Off: every schedule, unfair ones included.
    /// </summary>
    public bool FairVerify { get; init; } = true;

    /// <summary>
    /// For <c>uvmcheck verify --cycles</c>: watch every schedule from its first state for a fair
    /// cycle (<see cref="StepCore.WatchCycles"/>), which the state cache would otherwise prune as
    /// a state explored before, unjudged. A state fingerprint per step, replayed prefixes
    /// included: 1.6 to 3.2 times the time of the search without it (exec-topdown and pagedaemon at
    /// bound 1, session 32), so it is asked for, not the default.
    /// </summary>
    public bool VerifyCycles { get; init; }

    /// <summary>
    /// The counterexample of <paramref name="violation"/>, met along <paramref name="steps"/> in
    /// schedule <paramref name="iteration"/> of this request (with <paramref name="settings"/>, if the
    /// driver's differ from the request's): what every driver writes.
    /// </summary>
    public Counterexample CounterexampleOf(Violation violation, IReadOnlyList<StepRecord> steps, int iteration, string trace = "",
        ExploreSettings? settings = null) => new()
    {
        ModelFingerprint = Uvm.Scenarios.ModelFingerprint.Current,
        Scenario = Scenario,
        Bugs = Switches.EnabledIn(Config),
        BigLock = Config.BigLock ? null : false,
        Workload = Workload,
        Settings = settings ?? Settings,
        Iteration = iteration,
        Trace = trace,
        Violation = violation,
        Steps = steps,
    };
}

/// <summary>What one engine explored, and the counterexample if it found a violation.</summary>
public sealed record ExplorationResult(
    int Iterations, long Steps, TimeSpan Elapsed, int MaxStepsHit, Counterexample? Counterexample)
{
    /// <summary>True when a violation was found.</summary>
    public bool FoundBug => Counterexample is not null;

    /// <summary>Schedules explored per second.</summary>
    public double SchedulesPerSecond => Elapsed.TotalSeconds > 0 ? Iterations / Elapsed.TotalSeconds : 0;

    /// <summary>
    /// Why the engine could not report what it explored (a worker process that died), or null.
    /// A failed engine reports no schedules: its window counts as not explored.
    /// </summary>
    public string? Failure { get; init; }
}

/// <summary>Which engine explores: Coyote's systematic testing engine, or the in-process explorer.</summary>
public enum EngineKind
{
    /// <summary>The in-process explorer over the stepping core: no actors, no OS threads.</summary>
    Direct,

    /// <summary>Microsoft Coyote's TestingEngine, one actor per kernel thread.</summary>
    Coyote,
}

/// <summary>
/// Explores a request with the engine its settings name. Both engines drive the same
/// <see cref="StepCore"/>, take the same seeds and windows, and write the same counterexample
/// files; a file found by either replays by its kernel-level schedule.
/// </summary>
public static class Explorer
{
    /// <summary>
    /// Explores <paramref name="request"/>; <paramref name="cancel"/> stops the engine early, and
    /// <paramref name="onSchedule"/> is told after every explored schedule (for progress displays).
    /// With <paramref name="core"/>, every thread of a Coyote engine runs on that core (see
    /// <see cref="CoreAffinity"/>); what is explored does not depend on it.
    /// </summary>
    /// <remarks>
    /// The settings' time budget and iteration count both end the run, whichever comes first, in
    /// both engines: the budget is a cancellation, the count the engine's own bound.
    /// </remarks>
    public static ExplorationResult Run(RunRequest request, CancellationToken cancel = default, Action? onSchedule = null, IStepListener? listener = null,
        int? core = null)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (request.Settings.TimeBudget is { } t) budget.CancelAfter(t);
        // A kernel that cannot boot the workload fails before any step: said once, here, as a
        // BootFailureException, rather than by each engine's schedule (Coyote would report it as an
        // unhandled exception of its test).
        if (request.Settings.Engine == EngineKind.Coyote) _ = KernelBuilder.Build(request.Workload, request.Config);
        return request.Settings.Engine == EngineKind.Direct
            ? DirectExplorer.Run(request, budget.Token, onSchedule, listener)
            : CoyoteExplorer.Run(request, budget.Token, onSchedule, listener, core);
    }

    /// <summary>
    /// Runs one iteration along a recorded Coyote trace and reports what it found;
    /// <paramref name="listener"/>, if given, sees the state at boot and after every step.
    /// </summary>
    internal static (Violation? Violation, IReadOnlyList<StepRecord> Steps) RunTrace(RunRequest request, string trace, IStepListener? listener = null) =>
        CoyoteExplorer.RunTrace(request, trace, listener);
}
