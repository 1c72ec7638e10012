using Uvm.Model;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>A fresh PR 23095 counterexample, found once per test class (seed 0 finds it in two schedules).</summary>
public sealed class Pr23095Counterexample
{
    /// <summary>Explores the swapout scenario with the bug on until the first violation.</summary>
    public Pr23095Counterexample()
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        var result = Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), Switches.Configure(["pr23095"]), new ExploreSettings { Engine = EngineKind.Coyote, Iterations = 100 })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        });
        Value = result.Counterexample ?? throw new InvalidOperationException("PR 23095 not found in 100 schedules");
    }

    /// <summary>The counterexample.</summary>
    public Counterexample Value { get; }

    /// <summary>Its JSON text, as written to a file.</summary>
    public string Json => System.Text.Json.JsonSerializer.Serialize(Value, Uvm.Scenarios.Json.Options);
}
