using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// The default search a regression states its facts about: a scenario's default workload explored
/// with the default (random) strategy, a stated iteration budget per seed, over well-spaced seeds.
/// Coyote seeds iteration j from seed+j, so the seeds are a million apart: ten genuinely different
/// searches, not one search shifted.
/// </summary>
internal static class Search
{
    /// <summary>Ten seeds a million apart.</summary>
    public static IReadOnlyList<uint> Seeds { get; } = [.. Enumerable.Range(0, 10).Select(i => (uint)i * 1_000_003u)];

    /// <summary>Explores the scenario once per seed; returns each seed's result.</summary>
    public static IReadOnlyList<ExplorationResult> Explore(string scenario, KernelConfig config, int iterations, Catalogue? properties = null)
    {
        var s = ScenarioCatalogue.Find(scenario) ?? throw new ArgumentException($"no scenario {scenario}");
        var catalogue = s.PropertiesFrom(properties ?? Catalogue.BuiltIn);
        return [.. Seeds.Select(seed => Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), config, new ExploreSettings { Iterations = iterations, Seed = seed })
        {
            Properties = catalogue,
        }))];
    }

    /// <summary>The pre-fix fact: every seed's search finds exactly the named violation within the budget.</summary>
    public static void AssertFound(string scenario, KernelConfig config, int budget, string violationId) =>
        Assert.All(Explore(scenario, config, budget), r =>
        {
            Assert.True(r.FoundBug, $"no violation in {r.Iterations} schedules");
            Assert.Equal(violationId, r.Counterexample!.Violation.Id);
        });

    /// <summary>The fixed fact: the same search on the fixed kernel explores its whole budget with every property holding.</summary>
    public static void AssertClean(string scenario, int budget) =>
        Assert.All(Explore(scenario, KernelConfig.LaterFixed, budget), r =>
        {
            Assert.False(r.FoundBug, r.Counterexample?.Violation.Message);
            Assert.Equal(budget, r.Iterations);
            Assert.Equal(0, r.MaxStepsHit);
        });

    /// <summary>The pinned fact: a committed schedule replays exactly to the named violation.</summary>
    public static void AssertReplays(string file, string violationId)
    {
        var replay = Replayer.Replay(CounterexampleFile.Read(Schedule(file)));
        Assert.True(replay.Exact, $"diverged at step {replay.FirstDivergentStep}: {replay.Violation?.Message}");
        Assert.Equal(violationId, replay.Violation!.Id);
    }

    /// <summary>The path of a committed schedule, copied next to the test assembly.</summary>
    public static string Schedule(string name) => Path.Combine(AppContext.BaseDirectory, "schedules", name);
}
