using Uvm.Properties;
using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Scenarios;

/// <summary>
/// A failing schedule as one file: everything needed to reproduce it (model fingerprint, bugs,
/// workload, strategy and seed, Coyote's reproducible trace) and to read it (the violation and the
/// kernel-level step log). Written by <c>uvmcheck run</c>, read by replay and explain.
/// </summary>
public sealed record Counterexample
{
    /// <summary>The file format this build writes and reads.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The format of this file.</summary>
    public int FormatVersion { get; init; } = CurrentFormat;

    /// <summary>The model the schedule was found in (<see cref="ModelFingerprint"/>).</summary>
    public required string ModelFingerprint { get; init; }

    /// <summary>
    /// What the model was in kernel terms (labels, switches, properties, workload schema), so a
    /// replay on a changed model can say what changed; null in files written before it was recorded.
    /// </summary>
    public ModelDescription? Model { get; init; }

    /// <summary>
    /// The assemblies of user invariants the run checked (<c>--invariants</c>, full paths), so
    /// replay, explain and shrink check them too; null when only built-in properties ran.
    /// </summary>
    public IReadOnlyList<string>? InvariantAssemblies { get; init; }

    /// <summary>The scenario it came from.</summary>
    public required string Scenario { get; init; }

    /// <summary>The bug switches that were on.</summary>
    public required IReadOnlyList<string> Bugs { get; init; }

    /// <summary>
    /// False when the kernel ran without the 2004 big lock (<c>--no-big-lock</c>,
    /// <see cref="KernelConfig.BigLock"/>); absent (null) when it ran with it, the default.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public bool? BigLock { get; init; }

    /// <summary>The workload explored.</summary>
    public required Workload Workload { get; init; }

    /// <summary>The strategy, seed and bounds.</summary>
    public required ExploreSettings Settings { get; init; }

    /// <summary>The iteration (1-based) in which the violation was found.</summary>
    public int Iteration { get; init; }

    /// <summary>Coyote's reproducible trace of the failing iteration; empty for a shrunk schedule Coyote never ran.</summary>
    public required string Trace { get; init; }

    /// <summary>What failed.</summary>
    public required Violation Violation { get; init; }

    /// <summary>The kernel-level schedule: which thread ran which labelled step.</summary>
    public required IReadOnlyList<StepRecord> Steps { get; init; }

    /// <summary>How much co-shrinking reduced it, when it was shrunk.</summary>
    public ShrinkInfo? Shrink { get; init; }
}
