using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// The default search a regression states its facts about: a scenario's default workload explored
/// with the default (random) strategy, a stated iteration budget per seed, over ten well-spaced
/// seeds, by each engine. Schedule j of seed s is seeded from s+j, so the seeds are a million
/// apart: ten genuinely different searches, not one search shifted. The fixed kernel survives the
/// same search; with the in-process engine it survives ten times the bug's budget per seed.
/// </summary>
internal static class Search
{
    /// <summary>Ten seeds a million apart.</summary>
    public static IReadOnlyList<uint> Seeds { get; } = [.. Enumerable.Range(0, 10).Select(i => (uint)i * 1_000_003u)];

    /// <summary>Both engines: every regression fact holds under each.</summary>
    public static IReadOnlyList<EngineKind> EngineKinds { get; } = [EngineKind.Direct, EngineKind.Coyote];

    /// <summary><see cref="EngineKinds"/> as [Theory] data.</summary>
    public static TheoryData<EngineKind> Engines => [.. EngineKinds];

    /// <summary>
    /// The fixed kernel's budget per seed: ten times the bug's with the in-process engine. Coyote
    /// runs the same budget as the bug search (its ~60-300 schedules/s would make ten times that
    /// several minutes of CI per regression).
    /// </summary>
    public static int FixedBudget(int bugBudget, EngineKind engine) => engine == EngineKind.Direct ? 10 * bugBudget : bugBudget;

    /// <summary>
    /// Explores the scenario once per seed with <paramref name="engine"/>; returns each seed's
    /// result, in the order of <see cref="Seeds"/>. The seeds' searches are independent, so they
    /// run side by side, one per core: a fixed kernel's Coyote search of 10,000 schedules was the
    /// longest test of CI on one core.
    /// </summary>
    public static IReadOnlyList<ExplorationResult> Explore(string scenario, KernelConfig config, int iterations, EngineKind engine, Catalogue? properties = null)
    {
        var s = ScenarioCatalogue.Find(scenario) ?? throw new ArgumentException($"no scenario {scenario}");
        var catalogue = s.PropertiesFrom(properties ?? Catalogue.BuiltIn);
        return [.. Seeds.AsParallel().AsOrdered().WithDegreeOfParallelism(Environment.ProcessorCount).Select(seed => Explorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), config,
            new ExploreSettings { Engine = engine, Iterations = iterations, Seed = seed })
        {
            Properties = catalogue,
        }))];
    }

    /// <summary>
    /// The pre-fix fact: every seed's search finds exactly the named violation within the budget;
    /// <paramref name="also"/> states more about each counterexample.
    /// </summary>
    public static void AssertFound(string scenario, KernelConfig config, int budget, string violationId, EngineKind engine,
        Action<Counterexample>? also = null, Catalogue? properties = null) =>
        AssertFound(scenario, config, budget, [violationId], engine, also, properties);

    /// <summary>
    /// As above, for a bug with more than one symptom (a detector that sees the bad access, or the
    /// kernel assertion it leads to): every seed finds one of <paramref name="violationIds"/>.
    /// </summary>
    public static void AssertFound(string scenario, KernelConfig config, int budget, IReadOnlyList<string> violationIds, EngineKind engine,
        Action<Counterexample>? also = null, Catalogue? properties = null) =>
        Assert.All(Explore(scenario, config, budget, engine, properties), r =>
        {
            Assert.True(r.FoundBug, $"no violation in {r.Iterations} schedules");
            Assert.Contains(r.Counterexample!.Violation.Id, violationIds);
            also?.Invoke(r.Counterexample);
        });

    /// <summary>
    /// The fixed fact: the same search (see <see cref="FixedBudget"/>) on the fixed kernel, or on
    /// <paramref name="config"/>, explores its whole budget with every property holding and no
    /// schedule cut short.
    /// </summary>
    public static void AssertClean(string scenario, int bugBudget, EngineKind engine, KernelConfig? config = null)
    {
        int budget = FixedBudget(bugBudget, engine);
        Assert.All(Explore(scenario, config ?? KernelConfig.Fixed, budget, engine), r =>
        {
            Assert.False(r.FoundBug, r.Counterexample?.Violation.Message);
            Assert.Equal(budget, r.Iterations);
            Assert.Equal(0, r.MaxStepsHit);
        });
    }

    /// <summary>
    /// The default kernel finds no violation in the bug's own search (the same budget on each seed),
    /// for a scenario whose schedules often thrash until --max-steps cuts them: those are allowed, as
    /// unchecked beyond the cut, and their number is returned for the caller to state.
    /// </summary>
    public static int AssertNoViolationInTheSameSearch(string scenario, int bugBudget, EngineKind engine)
    {
        int cut = 0;
        Assert.All(Explore(scenario, KernelConfig.Fixed, bugBudget, engine), r =>
        {
            Assert.False(r.FoundBug, r.Counterexample?.Violation.Message);
            Assert.Equal(bugBudget, r.Iterations);
            cut += r.MaxStepsHit;
        });
        return cut;
    }

    /// <summary>
    /// The pinned fact: a committed schedule replays exactly to the named violation, in each
    /// engine (<see cref="EngineKinds"/>); <paramref name="also"/> states more about each replay.
    /// </summary>
    public static void AssertReplays(string file, string violationId, Action<ReplayResult>? also = null)
    {
        var cx = CounterexampleFile.Read(Schedule(file));
        foreach (var engine in EngineKinds)
        {
            var replay = Replayer.Replay(cx, engine: engine);
            Assert.True(replay.Exact, $"{engine}: diverged at step {replay.FirstDivergentStep}: {replay.Violation?.Id ?? "no violation"} {replay.Violation?.Message}");
            Assert.Equal(engine, replay.Engine);
            Assert.Equal(violationId, replay.Violation!.Id);
            also?.Invoke(replay);
        }
    }

    /// <summary>The path of a committed schedule, copied next to the test assembly.</summary>
    public static string Schedule(string name) => Path.Combine(AppContext.BaseDirectory, "schedules", name);
}
