using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Explain;

namespace Uvm.Tests.Explain;

/// <summary>
/// A fresh PR kern/23095 counterexample (swapout of an LWP running on another CPU), found by
/// exploring the swapout scenario with the bug on, written to a temp file, and explained. Shared
/// by the tests of one class through xUnit's class fixture; each class builds its own.
/// </summary>
public sealed class Pr23095Counterexample : IDisposable
{
    /// <summary>
    /// Seed 0 finds the violation in about 2 schedules; 200 leaves a wide margin if the model
    /// changes, and the search stops at the first violation anyway.
    /// </summary>
    private const int Iterations = 200;

    public Pr23095Counterexample()
    {
        var scenario = ScenarioCatalogue.Find("swapout")!;
        var request = new RunRequest(scenario.Name, scenario.DefaultWorkload(), Switches.Configure(["pr23095"]),
            new ExploreSettings { Engine = EngineKind.Coyote, Iterations = Iterations, Seed = 0 })
        {
            Properties = scenario.PropertiesFrom(Catalogue.BuiltIn),
        };
        Counterexample = Explorer.Run(request).Counterexample
            ?? throw new InvalidOperationException($"PR 23095 not found in {Iterations} schedules of seed 0");
        Directory = System.IO.Directory.CreateTempSubdirectory("uvm-explain-").FullName;
        Path = System.IO.Path.Combine(Directory, CounterexampleFile.FileName(Counterexample));
        CounterexampleFile.Write(Counterexample, Path);
        Explanation = Explanation.Of(Counterexample);
    }

    /// <summary>The counterexample.</summary>
    public Counterexample Counterexample { get; }

    /// <summary>The LWP the violation names ("lwp 3"), read from its message rather than assumed.</summary>
    public string Lwp => System.Text.RegularExpressions.Regex.Match(Counterexample.Violation.Message, @"lwp \d+").Value;

    /// <summary>The CPU the violation names ("cpu0").</summary>
    public string Cpu => System.Text.RegularExpressions.Regex.Match(Counterexample.Violation.Message, @"cpu\d+").Value;

    /// <summary>A temp directory of its own, deleted at the end.</summary>
    public string Directory { get; }

    /// <summary>Where the counterexample file is.</summary>
    public string Path { get; }

    /// <summary>Its explanation.</summary>
    public Explanation Explanation { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
