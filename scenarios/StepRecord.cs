namespace Uvm.Scenarios;

/// <summary>One line of the kernel-level schedule: which thread ran which labelled step.</summary>
public sealed record StepRecord(int Index, string Thread, string Function, string Kind)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Index,4}  {Thread,-10} {Function}{(Kind == "Continue" ? "" : $"  [{Kind.ToLowerInvariant()}]")}";
}
