using Uvm.Model;

namespace Uvm.Properties;

/// <summary>
/// A named liveness property, "eventually ...": <see cref="Pending"/> returns what is still
/// waiting (null when nothing is). The liveness monitor is hot while anything is pending, and an
/// execution that ends hot violates the property.
/// </summary>
public sealed record LivenessProperty(string Name, string Summary, string Subsystem, Func<IKernelView, string?> Pending)
{
    /// <summary>The failure text for a property still pending at the end of an execution.</summary>
    public string Describe(string pending) => $"{Violation.Tag(ViolationKind.Liveness, Name)} {Summary} Still pending at the end: {pending}.";
}
