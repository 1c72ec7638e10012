using Uvm.Scenarios;
using Uvm.Scenarios.ModelCatalogue;
using Uvm.Tests.Scenarios;

namespace Uvm.Tests.ModelCatalogue;

/// <summary>A counterexample file records its model; replay and explain of a file from another model say what changed.</summary>
public sealed class ModelChangeNoteTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AWrittenCounterexampleRecordsTheModelItWasFoundIn()
    {
        var path = Path.Combine(_dir, "cx.json");

        CounterexampleFile.Write(found.Value, path);
        var read = CounterexampleFile.Read(path);

        Assert.Equal(ModelFingerprint.Current, read.ModelFingerprint);
        Assert.Equal(ModelDescription.Current.Labels, read.Model!.Labels);
        Assert.Equal(ModelFingerprint.Current, read.Model.Fingerprint());
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("explain")]
    public void AFileFromAModelWithARenamedLabelSaysWhichLabelInKernelTerms(string command)
    {
        var now = ModelDescription.Current;
        var older = now with { Labels = [.. now.Labels.Select(l => l == "UareaWiring.Unwire: uvm_fault_unwire" ? "UareaWiring.Unwire: uvm_unwire_uarea" : l)] };
        var path = Path.Combine(_dir, "older.json");
        CounterexampleFile.Write(found.Value with { Model = older, ModelFingerprint = older.Fingerprint() }, path);
        var o = new StringWriter();

        int code = Uvm.Cli.Cli.Run([command, path], o, new StringWriter());

        Assert.Equal(command == "replay" ? 1 : 0, code);
        Assert.Contains($"the model changed since the file was written (fingerprint {older.Fingerprint()}, now {ModelFingerprint.Current})", o.ToString());
        Assert.Contains("step label renamed in UareaWiring.Unwire: 'uvm_unwire_uarea' → 'uvm_fault_unwire'", o.ToString());
    }
}
