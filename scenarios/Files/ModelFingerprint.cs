using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Scenarios;

/// <summary>
/// Identifies the model a schedule belongs to: a hash of what the model is in kernel terms (its
/// step labels, switches, properties and workload schema; <see cref="ModelDescription"/>), never of
/// the binaries, so a Debug build, a Release build and an installed tool of the same source agree.
/// A replay of a file with another fingerprint still runs, and says what changed.
/// </summary>
public static class ModelFingerprint
{
    /// <summary>The fingerprint of the model in this build.</summary>
    public static string Current { get; } = ModelDescription.Current.Fingerprint();
}
