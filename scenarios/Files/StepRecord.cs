namespace Uvm.Scenarios;

/// <summary>
/// One line of the kernel-level schedule: which thread ran which labelled step, and the
/// nondeterministic choices it made (null when none). This is enough to re-run the schedule
/// without Coyote, and to see where a changed model parts from it.
/// </summary>
public sealed record StepRecord(int Index, string Thread, string Function, string Kind, IReadOnlyList<int>? Choices = null)
{
    /// <summary>Equal steps: same index, thread, function, kind and the same choices in order (not the same list).</summary>
    public bool Equals(StepRecord? other) =>
        other is not null && Index == other.Index && Thread == other.Thread && Function == other.Function && Kind == other.Kind
        && (Choices ?? []).SequenceEqual(other.Choices ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Index, Thread, Function, Kind, Choices?.Count ?? 0);

    /// <inheritdoc/>
    public override string ToString() => $"{Index,4}  {Thread,-10} {Function}{(Kind == "Continue" ? "" : $"  [{Kind.ToLowerInvariant()}]")}";
}
