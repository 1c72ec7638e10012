using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Tests.ModelCatalogue;

/// <summary>The fingerprint identifies the model (labels, switches, properties, workload schema), not the build.</summary>
public sealed class ModelFingerprintTests
{
    private static readonly ModelDescription Current = ModelDescription.Current;

    [Fact]
    public void TheFingerprintIsComputedFromTheCatalogueNotFromTheBinaries()
    {
        var fromCatalogue = ModelDescription.Of(StepCatalogue.Of(typeof(Kernel).Assembly), Catalogue.BuiltIn).Fingerprint();
        var buildFacts = new[] { typeof(Kernel).Assembly.ManifestModule.ModuleVersionId.ToString(), typeof(Kernel).Assembly.Location };

        Assert.Equal(ModelFingerprint.Current, fromCatalogue);
        Assert.Matches("^[0-9a-f]{16}$", ModelFingerprint.Current);
        var all = Current.Labels.Concat(Current.Switches).Concat(Current.Properties).Concat(Current.WorkloadSchema);
        Assert.DoesNotContain(all, line => buildFacts.Any(f => line.Contains(f, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void ARenamedLabelChangesTheFingerprintAndTheDiffNamesIt()
    {
        int i = Current.Labels.ToList().IndexOf("Swapout.SwapoutLwp: uvm_swapout");
        var renamed = Current with { Labels = [.. Current.Labels.Take(i), "Swapout.SwapoutLwp: uvm_swapout_lwp", .. Current.Labels.Skip(i + 1)] };

        Assert.NotEqual(Current.Fingerprint(), renamed.Fingerprint());
        Assert.Equal(["step label renamed in Swapout.SwapoutLwp: 'uvm_swapout_lwp' → 'uvm_swapout'"], ModelDiff.Between(renamed, Current));
    }

    [Fact]
    public void AnAddedOrRemovedLabelIsNamed()
    {
        var older = Current with { Labels = [.. Current.Labels.Where(l => l != "UareaWiring.Unwire: uvm_fault_unwire"), "Swapout.Gone: swapout_gone"] };

        var diff = ModelDiff.Between(older, Current);

        Assert.Contains("step labels removed: Swapout.Gone: swapout_gone", diff);
        Assert.Contains("step labels added: UareaWiring.Unwire: uvm_fault_unwire", diff);
    }

    [Fact]
    public void ARenamedSwitchChangesTheFingerprintAndTheDiffNamesIt()
    {
        var older = Current with { Switches = [.. Current.Switches.Select(s => s == "bug pr23095" ? "bug pr-23095" : s)] };

        Assert.NotEqual(Current.Fingerprint(), older.Fingerprint());
        Assert.Equal(["bug renamed: pr-23095 → pr23095"], ModelDiff.Between(older, Current));
    }

    [Fact]
    public void ARenamedInvariantChangesTheFingerprintAndTheDiffNamesIt()
    {
        var older = Current with { Properties = [.. Current.Properties.Select(s => s == "invariant OnProcLwpIsInMemory" ? "invariant RunningLwpIsResident" : s)] };

        Assert.NotEqual(Current.Fingerprint(), older.Fingerprint());
        Assert.Equal(["invariant renamed: RunningLwpIsResident → OnProcLwpIsInMemory"], ModelDiff.Between(older, Current));
    }

    [Fact]
    public void AChangedWorkloadFieldChangesTheFingerprint()
    {
        var older = Current with { WorkloadSchema = [.. Current.WorkloadSchema.Select(s => s.Replace("cpus: Int32", "ncpu: Int32", StringComparison.Ordinal))] };

        Assert.Contains(Current.WorkloadSchema, s => s.StartsWith("Workload {", StringComparison.Ordinal) && s.Contains("cpus: Int32", StringComparison.Ordinal));
        Assert.NotEqual(Current.Fingerprint(), older.Fingerprint());
        Assert.Equal(["workload record Workload: added cpus: Int32; removed ncpu: Int32"], ModelDiff.Between(older, Current));
    }

    [Fact]
    public void TheSameModelHasNoDiffAndAFileWithoutACatalogueSaysSo()
    {
        Assert.Empty(ModelDiff.Between(Current, ModelDescription.Of(StepCatalogue.Model, Catalogue.BuiltIn)));
        Assert.Contains("predates", Assert.Single(ModelDiff.Between(null, Current)), StringComparison.Ordinal);
    }
}
