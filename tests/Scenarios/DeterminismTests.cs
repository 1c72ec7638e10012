using Uvm.Model;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Engines share nothing: several explorations running at once in one process find exactly what
/// they find one after another. (An actor that reached Coyote through its static, ambient
/// SchedulingPoint API broke this; the model only uses its own actor's runtime.)
/// </summary>
public sealed class DeterminismTests
{
    /// <summary>Four seeds a million apart, 30 schedules each: enough to reach the bug on each (measured within 5).</summary>
    [Fact]
    public void ConcurrentEnginesFindWhatSequentialEnginesFind()
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        RunRequest Request(uint seed) => new(s.Name, s.DefaultWorkload(), Switches.Configure(["pr23095"]), new ExploreSettings { Iterations = 30, Seed = seed })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
        var seeds = Enumerable.Range(0, 4).Select(i => (uint)i * 1_000_003u).ToList();

        var sequential = seeds.Select(seed => Explorer.Run(Request(seed))).ToList();
        var concurrent = new ExplorationResult[seeds.Count];
        Parallel.For(0, seeds.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => concurrent[i] = Explorer.Run(Request(seeds[i])));

        for (int i = 0; i < seeds.Count; i++)
        {
            Assert.NotNull(sequential[i].Counterexample);
            Assert.NotNull(concurrent[i].Counterexample);
            Assert.Equal(sequential[i].Counterexample!.Iteration, concurrent[i].Counterexample!.Iteration);
            Assert.Equal(sequential[i].Counterexample!.Steps, concurrent[i].Counterexample!.Steps);
        }
    }
}
