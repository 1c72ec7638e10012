using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The state hash rehashes a root of the kernel view only when a write version of the parts it
/// shows moved (<see cref="StateHash.Of"/>). That is sound only if every write to what a root
/// shows bumps one of those versions: here the cached hash must equal a full rehash after every
/// step of random schedules (random model choices too), on every scenario, on the fixed kernel
/// and with every bug and mutation switch of the scenario, so that the paths the switches open
/// are walked as well.
/// </summary>
public sealed class IncrementalStateHashTests
{
    public static TheoryData<string> Scenarios() => [.. ScenarioCatalogue.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void CachedRootsHashAsAFullRehashAfterEveryStep(string scenario)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        var configs = new List<KernelConfig> { KernelConfig.Fixed };
        configs.AddRange(Switches.All.Where(w => w.Scenario == scenario).Select(w => KernelConfig.Fixed.With(w)));
        var random = new Random(20);
        var choice = new RandomChoice(random);
        long steps = 0, reused = 0;
        // One hasher for every schedule: its compiled readers are built once, and its cache is
        // dropped whenever it meets a new kernel (StateHash.Hash).
        var hash = new StateHash();
        foreach (var config in configs)
            for (int schedule = 0; schedule < 6; schedule++)
            {
                var core = new StepCore(KernelBuilder.Build(s.DefaultWorkload(), config), s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn));
                var runnable = new int[core.Kernel.Threads.Count];
                Assert.Equal(hash.Full(core.Kernel), hash.Of(core.Kernel));
                while (core.Violation is null && core.Runnable(runnable) is > 0 and var n && core.Log.Count < 400)
                {
                    long before = core.Kernel.Versions.Stamp(StateDomain.Vm);
                    core.Run(core.Kernel.Threads[runnable[random.Next(n)]], choice);
                    steps++;
                    if (core.Kernel.Versions.Stamp(StateDomain.Vm) == before) reused++;
                    Assert.True(hash.Full(core.Kernel) == hash.Of(core.Kernel),
                        $"{scenario} ({string.Join(",", Switches.EnabledIn(config))}): the cached hash differs from a full rehash after step {core.Log.Count}");
                }
            }
        // The cache was put to the test: steps that left the largest cached part alone were taken.
        Assert.True(steps > 200 && reused > 50, $"{steps} steps, {reused} without a write to the VM");
    }

    private sealed class RandomChoice(Random random) : IChoice
    {
        public bool Boolean() => random.Next(2) == 1;
        public int Integer(int maxExclusive) => random.Next(Math.Max(1, maxExclusive));
    }
}
