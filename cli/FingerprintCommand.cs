using System.CommandLine;
using Uvm.Scenarios;
using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Cli;

/// <summary>
/// <c>uvmcheck fingerprint [--catalogue]</c>: the model fingerprint a counterexample records, and
/// with <c>--catalogue</c> what it is computed from: every step label with its declaring type,
/// the switches, the properties and the workload schema.
/// </summary>
internal static class FingerprintCommand
{
    public static Command Create(TextWriter stdout)
    {
        var catalogue = new Option<bool>("--catalogue") { Description = "also print what the fingerprint is computed from" };
        var json = new Option<bool>("--json") { Description = "print the model description as a counterexample file records it (JSON)" };
        var cmd = new Command("fingerprint", "Print the model fingerprint (a hash of the step labels, switches, properties and workload schema).") { catalogue, json };
        cmd.SetAction(r => r.GetValue(json) ? Json(stdout) : Execute(stdout, r.GetValue(catalogue)));
        return cmd;
    }

    private static int Json(TextWriter o)
    {
        o.WriteLine(System.Text.Json.JsonSerializer.Serialize(ModelDescription.Current, Scenarios.Json.Options));
        return Cli.Clean;
    }

    internal static int Execute(TextWriter o, bool catalogue)
    {
        o.WriteLine(ModelFingerprint.Current);
        if (!catalogue) return Cli.Clean;
        var model = ModelDescription.Current;
        var steps = StepCatalogue.Model;
        o.WriteLine($"step labels ({steps.Labels().Count}, and {steps.Templates().Count} templates built at run time):");
        foreach (var l in steps.All) o.WriteLine($"  {(l.IsTemplate ? "~ " : "")}{l.Key}");
        Section(o, "switches", model.Switches);
        Section(o, "properties", model.Properties);
        Section(o, "workload schema", model.WorkloadSchema);
        return Cli.Clean;
    }

    private static void Section(TextWriter o, string title, IReadOnlyList<string> lines)
    {
        o.WriteLine($"{title} ({lines.Count}):");
        foreach (var line in lines) o.WriteLine($"  {line}");
    }
}
