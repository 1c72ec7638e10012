using Uvm.Properties;
using System.Text.RegularExpressions;

namespace Uvm.Scenarios.Explain;

/// <summary>
/// One step of a replayed schedule, in kernel terms: who ran it (<see cref="Actor"/>: <c>cpu1
/// running lwp 3</c>, <c>pagedaemon</c>), the kernel function, the state after it and what it changed.
/// </summary>
public sealed record ExplainedStep(StepRecord Record, string Actor, StateSnapshot After, StateDiff Diff)
{
    /// <summary>The step's position in the schedule.</summary>
    public int Index => Record.Index;

    /// <summary>The kernel thread that ran it.</summary>
    public string Thread => Record.Thread;

    /// <summary>The kernel function it mirrors.</summary>
    public string Function => Record.Function;

    /// <summary>True when the step is the one after which the violation was reported.</summary>
    public bool Violated { get; init; }

    /// <summary>
    /// The facts this step wrote that the violation depends on (<c>lwp 1.InMemory</c>: set back to
    /// its value before this step, the property holds; <see cref="CauseFinder"/>), and for a
    /// detector the free or access its report names: the cause the story marks and never folds.
    /// Empty for others.
    /// </summary>
    public IReadOnlyList<string> Causes { get; init; } = [];

    /// <summary>True when the step switched some CPU to another LWP (or to idle).</summary>
    public bool SwitchesContext => Diff.ContextSwitches.Any();

    /// <summary>The function with the step's ending: <c>ltsleep [sleep]</c>, <c>setrunqueue [panic]</c>.</summary>
    public string FunctionAndKind => Record.Kind == "Continue" ? Function : $"{Function} [{Record.Kind.ToLowerInvariant()}]";
}

/// <summary>
/// A counterexample replayed with the state after every step: the material of the story, the
/// sequence diagram and the HTML page. <see cref="Named"/> holds the labels of the entities the
/// violation message talks about (<c>lwp 1</c>, <c>cpu0</c>).
/// </summary>
public sealed partial record Explanation(
    Counterexample Source,
    ReplayResult Replay,
    StateSnapshot Boot,
    IReadOnlyList<ExplainedStep> Steps,
    Violation? Violation,
    IReadOnlyList<string> Named)
{
    /// <summary>The state at the end of the schedule.</summary>
    public StateSnapshot Final => Steps.Count > 0 ? Steps[^1].After : Boot;

    /// <summary>The thread whose step the violation was reported after, or null if none was.</summary>
    public string? FailingThread => Violation is not null && Steps.Count > 0 ? Steps[^1].Thread : null;

    /// <summary>The final state of every entity the violation talks about.</summary>
    public IEnumerable<EntityState> ViolatedState => Final.Entities.Where(e => Named.Contains(e.Label));

    /// <summary>
    /// Null when the replay ends in the violation the file records; else one sentence saying how
    /// this explanation disagrees with the file (another violation, or none).
    /// </summary>
    public string? Disagreement => Violation?.Id == Source.Violation.Id ? null
        : $"this explanation disagrees with the file: the file records {Source.Violation.Id}, the model's run {(Violation is { } v ? $"ends in {v.Id}" : "ends with no violation")}";

    /// <summary>
    /// Explains a counterexample: replays it once along its trace, snapshotting every step; with
    /// <paramref name="engine"/>, replays it in that engine (<see cref="Replayer.Replay"/>).
    /// </summary>
    public static Explanation Of(Counterexample cx, Uvm.Properties.Catalogue? properties = null, EngineKind? engine = null)
    {
        var recorder = new SnapshotRecorder(new StateDescriber());
        var replay = Replayer.Replay(cx, properties, recorder, engine: engine);
        var steps = recorder.Steps;
        if (replay.Violation is not null && steps.Count > 0) steps[^1] = steps[^1] with { Violated = true };
        var boot = recorder.Boot ?? new StateSnapshot([]);
        var final = steps.Count > 0 ? steps[^1].After : boot;
        var named = replay.Violation is { } v ? NamedIn(Detail(v.Message), boot, final) : [];
        var found = replay.Violation is { } violation ? CauseFinder.TryFind(cx, properties, replay.Steps, steps, violation) : CauseReport.None;
        foreach (var (index, facts) in found.ByStep)
            if (index < steps.Count) steps[index] = steps[index] with { Causes = facts };
        return new Explanation(cx, replay, boot, steps, replay.Violation, named) { CauseSearch = found };
    }

    /// <summary>How the causes were found: the facts no step could be set back, and the replays it took (<see cref="CauseFinder"/>).</summary>
    public CauseReport CauseSearch { get; init; } = CauseReport.None;

    /// <summary>
    /// What a violation message says is wrong, without the sentence every report of that property
    /// shares or the trailing "After thread: function." / "(in thread)".
    /// </summary>
    public static string Detail(string message)
    {
        var detail = message;
        foreach (var marker in new[] { "Violated: ", "Still pending at the end: ", "panic: ", "detector: " })
            if (detail.IndexOf(marker, StringComparison.Ordinal) is >= 0 and var at) { detail = detail[(at + marker.Length)..]; break; }
        int after = detail.LastIndexOf(" After ", StringComparison.Ordinal);
        if (after >= 0 && StepTrailer().IsMatch(detail[after..])) detail = detail[..after];
        return ThreadTrailer().Replace(detail, "").Trim();
    }

    /// <summary>The labels of the entities in the given states that <paramref name="text"/> names, in state order.</summary>
    public static IReadOnlyList<string> NamedIn(string text, params StateSnapshot[] states) =>
        [.. states.SelectMany(s => s.Entities).Select(e => e.Label).Distinct().Where(l => Labels.Mentions(text, l))];

    /// <summary>" After pagedaemon: uvm_swapout." as the invariant monitor ends its reports.</summary>
    [GeneratedRegex(@"^ After \S+: .*$")]
    private static partial Regex StepTrailer();

    /// <summary>" (in cpu0)" as a panic report ends.</summary>
    [GeneratedRegex(@"\s*\(in \S+\)\s*$")]
    private static partial Regex ThreadTrailer();
}
