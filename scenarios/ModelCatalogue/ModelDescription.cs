using System.Security.Cryptography;
using System.Text;
using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios.ModelCatalogue;

/// <summary>
/// What the model is, in kernel terms, as a counterexample file records it: every step label in
/// catalogue order (<see cref="StepCatalogue"/>), the switch registry's ids (historical bugs and
/// mutations), the built-in invariant and liveness property names, and the workload schema. The
/// model fingerprint is a hash of it, so it does not depend on how or where the model was built,
/// and a replay can say what changed.
/// </summary>
/// <param name="Labels">Step labels as <see cref="StepLabel.Key"/>, in catalogue order.</param>
/// <param name="Switches">"bug ID" and "mutation ID" lines, in registry order.</param>
/// <param name="Properties">"invariant NAME" and "liveness NAME" lines, in catalogue order.</param>
/// <param name="WorkloadSchema">The workload file's shape (<see cref="ModelCatalogue.WorkloadSchema"/>).</param>
public sealed record ModelDescription(
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Switches,
    IReadOnlyList<string> Properties,
    IReadOnlyList<string> WorkloadSchema)
{
    /// <summary>The model of this build.</summary>
    public static ModelDescription Current { get; } = Of(StepCatalogue.Model, Catalogue.BuiltIn);

    /// <summary>The description of a model with these labels and properties, and this build's switches and schema.</summary>
    public static ModelDescription Of(StepCatalogue steps, Catalogue properties) => new(
        [.. steps.All.Select(l => l.Key)],
        [.. Uvm.Model.Switches.All.Select(s => $"{(s.IsBug ? "bug" : "mutation")} {s.Id}")],
        [.. properties.Invariants.Select(i => $"invariant {i.Name}"), .. properties.Liveness.Select(l => $"liveness {l.Name}")],
        ModelCatalogue.WorkloadSchema.Lines());

    /// <summary>16 hex digits of SHA-256 over every line, section by section.</summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        foreach (var (section, lines) in new[] { ("labels", Labels), ("switches", Switches), ("properties", Properties), ("workload", WorkloadSchema) })
        {
            text.Append('[').Append(section).Append("]\n");
            foreach (var line in lines) text.Append(line).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    /// <inheritdoc/>
    public bool Equals(ModelDescription? other) => other is not null && Fingerprint() == other.Fingerprint();

    /// <inheritdoc/>
    public override int GetHashCode() => Fingerprint().GetHashCode(StringComparison.Ordinal);
}
