using FsCheck;
using FsCheck.Fluent;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// No input makes the loaders throw anything but <see cref="InputException"/>: random text, and
/// valid files with one character replaced, deleted, or the text cut short.
/// </summary>
public sealed class LoaderFuzzTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>
{
    private static bool OnlyInputErrors(Action load)
    {
        try { load(); }
        catch (InputException) { }
        return true;
    }

    private static Gen<string> Mutations(string valid) =>
        from pos in Gen.Choose(0, valid.Length - 1)
        from kind in Gen.Choose(0, 2)
        from c in Gen.Elements('{', '}', '"', ',', ':', '[', ']', '0', '-', 'x', ' ', '\\', 'n')
        select kind switch
        {
            0 => valid[..pos] + c + valid[(pos + 1)..],
            1 => valid.Remove(pos, 1),
            _ => valid[..pos],
        };

    /// <summary>500 cases per property: each runs in microseconds, and mutation positions cover the ~8 KB file.</summary>
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(500);

    [Fact]
    public void CounterexampleLoaderRejectsMutatedFilesCleanly() =>
        Prop.ForAll(Mutations(found.Json).ToArbitrary(), text => OnlyInputErrors(() => CounterexampleFile.Parse(text, "f"))).Check(Cases);

    [Fact]
    public void CounterexampleLoaderRejectsArbitraryTextCleanly() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), text => OnlyInputErrors(() => CounterexampleFile.Parse(text ?? "", "f"))).Check(Cases);

    [Fact]
    public void WorkloadLoaderRejectsMutatedFilesCleanly()
    {
        var valid = System.Text.Json.JsonSerializer.Serialize(found.Value.Workload, Json.Options);
        Prop.ForAll(Mutations(valid).ToArbitrary(), text => OnlyInputErrors(() => WorkloadFile.Parse(text, "w"))).Check(Cases);
    }
}
