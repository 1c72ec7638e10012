using Uvm.Model;
using Uvm.Scenarios.Explain;

namespace Uvm.Scenarios;

/// <summary>
/// Coverage in kernel terms (<c>uvmcheck run --coverage</c>): how often each labelled kernel step
/// ran (by thread kind: "cpu", "pagedaemon", ...), and for pairs of steps by different threads that
/// changed the same kernel entity one right after the other, which orders were explored. A pair
/// seen in one order only is an interleaving the search has not tried the other way round.
/// Limitation: "touch the same state" means both steps changed a common entity; a step that only
/// reads (uvm_swapout_threads' walk) conflicts with nothing here.
/// </summary>
public sealed record KernelCoverage
{
    /// <summary>Runs per step label, "thread-kind: function".</summary>
    public Dictionary<string, long> Steps { get; init; } = [];

    /// <summary>Runs per ordered conflicting pair, "a -> b".</summary>
    public Dictionary<string, long> Pairs { get; init; } = [];

    /// <summary>
    /// The fingerprints (<see cref="Engine.StateHash"/>) of the kernel states reached, at boot and
    /// after each step: their count is the distinct states the run visited, as TLC counts them.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public HashSet<ulong> States { get; init; } = [];

    /// <summary>
    /// How many distinct kernel states the run visited. A report keeps the count, not the
    /// fingerprints, so reports merged from files keep the largest count: a lower bound.
    /// </summary>
    public long DistinctStates { get => States.Count > 0 ? States.Count : _distinct; init => _distinct = value; }

    private long _distinct;

    /// <summary>Unordered conflicting pairs, with whether each order was seen.</summary>
    public IEnumerable<(string A, string B, bool AB, bool BA)> PairOrders()
    {
        var seen = new HashSet<string>();
        foreach (var key in Pairs.Keys.Order())
        {
            var (a, b) = Split(key);
            var canonical = string.CompareOrdinal(a, b) <= 0 ? $"{a} -> {b}" : $"{b} -> {a}";
            if (!seen.Add(canonical)) continue;
            var (x, y) = Split(canonical);
            yield return (x, y, Pairs.ContainsKey($"{x} -> {y}"), Pairs.ContainsKey($"{y} -> {x}"));
        }
    }

    /// <summary>Adds <paramref name="other"/>'s counts to this one (shards and engines merge this way).</summary>
    public void Add(KernelCoverage other)
    {
        foreach (var (k, v) in other.Steps) Steps[k] = Steps.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other.Pairs) Pairs[k] = Pairs.GetValueOrDefault(k) + v;
        States.UnionWith(other.States);
        _distinct = Math.Max(_distinct, other.DistinctStates);
    }

    /// <summary>A few lines for the terminal.</summary>
    public IEnumerable<string> Summary(int show = 8)
    {
        var orders = PairOrders().ToList();
        int both = orders.Count(p => p.AB && p.BA);
        yield return $"coverage: {Steps.Count} distinct kernel steps ran, {DistinctStates} distinct kernel states reached; {orders.Count} conflicting step pairs, {both} explored in both orders";
        foreach (var p in orders.Where(p => !(p.AB && p.BA)).Take(show))
            yield return $"  one order only: {(p.AB ? $"{p.A} before {p.B}" : $"{p.B} before {p.A}")}";
    }

    private static (string, string) Split(string pair)
    {
        int i = pair.IndexOf(" -> ", StringComparison.Ordinal);
        return (pair[..i], pair[(i + 4)..]);
    }

    /// <summary>"cpu1" → "cpu": threads of one kind share coverage.</summary>
    public static string Kind(string thread) => thread.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
}

/// <summary>Collects <see cref="KernelCoverage"/> from the steps of every execution it is told about.</summary>
public sealed class CoverageListener : IStepListener
{
    /// <summary>Describes the state after each step; its reflection cache lives as long as this listener.</summary>
    private readonly StateDescriber _describer = new();

    /// <summary>Fingerprints each state; its compiled getters live as long as this listener.</summary>
    private readonly Engine.StateHash _hash = new();

    /// <summary>The state after the previous step, and that step with the entities it changed.</summary>
    private StateSnapshot? _last;
    private (string Label, string Thread, HashSet<string> Changed)? _previous;

    /// <summary>What was covered so far.</summary>
    public KernelCoverage Coverage { get; } = new();

    /// <inheritdoc/>
    public void Booted(IKernelView kernel)
    {
        _last = _describer.Describe(kernel);
        _previous = null;
        if (kernel is Kernel k) Coverage.States.Add(_hash.Of(k));
    }

    /// <inheritdoc/>
    public void Stepped(IKernelView kernel, StepRecord step)
    {
        var now = _describer.Describe(kernel);
        var changed = StateDiff.Between(_last ?? now, now).Changes.Select(c => c.Key).ToHashSet();
        _last = now;
        if (kernel is Kernel k) Coverage.States.Add(_hash.Of(k));
        var label = $"{KernelCoverage.Kind(step.Thread)}: {step.Function}";
        Coverage.Steps[label] = Coverage.Steps.GetValueOrDefault(label) + 1;
        if (_previous is { } p && p.Thread != step.Thread && p.Changed.Overlaps(changed))
        {
            var pair = $"{p.Label} -> {label}";
            Coverage.Pairs[pair] = Coverage.Pairs.GetValueOrDefault(pair) + 1;
        }
        _previous = (label, step.Thread, changed);
    }
}
