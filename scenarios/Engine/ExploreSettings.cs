using Microsoft.Coyote;

namespace Uvm.Scenarios;

/// <summary>The Coyote exploration strategies the checker offers.</summary>
public enum Strategy
{
    /// <summary>Uniformly random scheduling decisions.</summary>
    Random,

    /// <summary>Random, but switching threads only with a small probability (bound 3).</summary>
    Probabilistic,

    /// <summary>Priority-based (PCT): a few priority changes per iteration.</summary>
    Pct,

    /// <summary>PCT with fair scheduling after the priority-change prefix.</summary>
    FairPct,

    /// <summary>
    /// Random over the decisions the Coyote engine's actors make: every wakeup is delivered at a
    /// decision of its own, a woken thread runs only once its wakeup is delivered, and a thread
    /// that woke others may be preempted at each delivery. Under the Coyote engine it is Coyote's
    /// random strategy, whose decisions these are (but for the order in which its actors are
    /// created at boot).
    /// </summary>
    Delivery,
}

/// <summary>How one engine explores: strategy, budget, bounds and seed.</summary>
public sealed record ExploreSettings
{
    /// <summary>The default budget of <c>uvmcheck run</c>.</summary>
    public const int DefaultIterations = 1000;

    /// <summary>
    /// The iterations of an open range: a run with a time budget and no iteration count. Its
    /// shards and engines get equal windows of the whole seed range, as for any count, so the
    /// windows are the same for every shard and never meet; the budget ends the run long before.
    /// </summary>
    public const int OpenIterations = int.MaxValue;

    /// <summary>The engine that explores (see <see cref="EngineKind"/>).</summary>
    public EngineKind Engine { get; init; } = EngineKind.Direct;

    /// <summary>The scheduling strategy.</summary>
    public Strategy Strategy { get; init; } = Strategy.Random;

    /// <summary>Schedules to explore (each a Coyote iteration).</summary>
    public int Iterations { get; init; } = DefaultIterations;

    /// <summary>
    /// Kernel steps allowed in one schedule; one that reaches it runs on for as many again watched
    /// for fair cycles (<see cref="StepCore.WatchCycles"/>), and is cut, counted and reported
    /// without one. Both engines count kernel steps: the Coyote actors stop the iteration
    /// themselves (<see cref="Coyote.KernelThreadActor"/>), and Coyote's own bound on its
    /// decisions is only a backstop (<see cref="CoyoteDecisions"/>).
    /// </summary>
    public int MaxSteps { get; init; } = 2000;

    /// <summary>
    /// Coyote's bound on its scheduling decisions: eight a kernel step over twice
    /// <see cref="MaxSteps"/> (a step is one decision, one more per wakeup it sends and per sleep
    /// it ends), so that the kernel-step bound, the same as the in-process engine's, is what cuts.
    /// </summary>
    internal uint CoyoteDecisions => (uint)Math.Min(16L * MaxSteps, uint.MaxValue);

    /// <summary>The random seed of the strategy.</summary>
    public uint Seed { get; init; }

    /// <summary>PCT's priority-change bound, or the probabilistic strategy's switch bound.</summary>
    public int StrategyBound { get; init; } = 3;

    /// <summary>
    /// Stop after this long even if iterations remain (null: no time budget); the iterations stop
    /// the run too, whichever comes first.
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>True for an open range (<see cref="OpenIterations"/>): only the time budget ends it.</summary>
    public bool IsOpen => Iterations == OpenIterations;

    /// <summary>The Coyote configuration for these settings.</summary>
    internal Configuration ToCoyote()
    {
        var c = Configuration.Create()
            .WithTelemetryEnabled(false)
            .WithTestingIterations((uint)Iterations)
            .WithMaxSchedulingSteps(CoyoteDecisions)
            .WithRandomGeneratorSeed(Seed)
            // Coyote's periodic monitor reports a "potential deadlock" when no operation is
            // scheduled for this long; it judges wall-clock time, not the program (every actor
            // here is controlled: a real deadlock of the actors is found exactly). Its default,
            // one second, fired on a clean run of a machine busy with other processes (Coyote
            // starts an OS thread per operation). A minute without a decision is a hang.
            .WithDeadlockTimeout(60_000)
            .WithConsoleLoggingEnabled(false);
        c = Strategy switch
        {
            Strategy.Random or Strategy.Delivery => c.WithRandomStrategy(),
            Strategy.Probabilistic => c.WithProbabilisticStrategy((uint)StrategyBound),
            Strategy.Pct => c.WithPrioritizationStrategy(false, (uint)StrategyBound),
            Strategy.FairPct => c.WithPrioritizationStrategy(true, (uint)StrategyBound),
            _ => throw new ArgumentOutOfRangeException(nameof(Strategy)),
        };
        // No WithTestingTimeout: with one, Coyote's TestingEngine runs until the timeout and ignores
        // the iteration count, past the engine's window into the next one's seeds (issue 22).
        // Explorer.Run stops the engine at the budget instead.
        return c;
    }

    /// <summary>Parses a strategy name as the CLI takes it: random, delivery, probabilistic, pct, fair-pct.</summary>
    public static bool TryParseStrategy(string text, out Strategy strategy)
    {
        strategy = text.ToLowerInvariant() switch
        {
            "random" => Strategy.Random,
            "delivery" => Strategy.Delivery,
            "probabilistic" or "prob" => Strategy.Probabilistic,
            "pct" or "prioritization" => Strategy.Pct,
            "fair-pct" or "fairpct" => Strategy.FairPct,
            _ => (Strategy)(-1),
        };
        return Enum.IsDefined(strategy);
    }

    /// <summary>Parses an engine name as the CLI takes it: direct or coyote.</summary>
    public static bool TryParseEngine(string text, out EngineKind engine)
    {
        engine = text.ToLowerInvariant() switch
        {
            "direct" => EngineKind.Direct,
            "coyote" => EngineKind.Coyote,
            _ => (EngineKind)(-1),
        };
        return Enum.IsDefined(engine);
    }

    /// <summary>The name the CLI uses for an engine.</summary>
    public static string EngineName(EngineKind e) => e.ToString().ToLowerInvariant();

    /// <summary>The name the CLI uses for a strategy.</summary>
    public static string Name(Strategy s) => s == Strategy.FairPct ? "fair-pct" : s.ToString().ToLowerInvariant();
}
