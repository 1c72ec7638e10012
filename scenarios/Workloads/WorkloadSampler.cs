using FsCheck.Fluent;

namespace Uvm.Scenarios;

/// <summary>Deterministic samples of a scenario's FsCheck generator: the same seed gives the same workloads.</summary>
public static class WorkloadSampler
{
    /// <summary>FsCheck's size parameter for sampled workloads.</summary>
    public const int Size = 10;

    /// <summary><paramref name="count"/> workloads of <paramref name="scenario"/>, drawn from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<Workload> Sample(Scenario scenario, int count, ulong seed) =>
        [.. scenario.Generator().Sample(count, new FsCheck.Rnd(seed), Size)];

    /// <summary>An FsCheck arbitrary of the scenario's workloads that shrinks with <see cref="WorkloadShrinker"/>.</summary>
    public static FsCheck.Arbitrary<Workload> Arbitrary(Scenario scenario) =>
        Arb.From(scenario.Generator(), WorkloadShrinker.Candidates);
}
