using Uvm.Model.Core;

namespace Uvm.Scenarios.ModelCatalogue;

/// <summary>
/// One step label of the model: the kernel function a <c>Step.Ran/Sleep/Exit</c> names, the type
/// and member that declare it (for a label passed down to a helper such as <c>Locks.Take</c>, the
/// caller that wrote it), and whether it ends the step running, asleep or exited.
/// </summary>
/// <param name="Type">The declaring type's name: <c>Swapout</c>, <c>PageDaemon</c>.</param>
/// <param name="Member">The method (an iterator, not its state machine) that writes the label.</param>
/// <param name="Kind">Ran, Sleep or Exit.</param>
/// <param name="Label">The label; a template has holes, <c>uvm_wait: {msg}</c>.</param>
/// <param name="IsTemplate">True when part of the label is only known at run time (see <see cref="Label"/>'s holes).</param>
public sealed record StepLabel(string Type, string Member, StepKind Kind, string Label, bool IsTemplate)
{
    /// <summary>How the label is stored in a counterexample file: <c>Swapout.SwapoutLwp: uvm_swapout</c>, plus the kind unless it ran.</summary>
    public string Key => $"{Type}.{Member}: {Label}" + Kind switch
    {
        StepKind.Sleep => " (sleep)",
        StepKind.Exit => " (exit)",
        _ => "",
    };

    /// <inheritdoc/>
    public override string ToString() => Key;
}
