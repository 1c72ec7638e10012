using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>The state fingerprint depends on the kernel state only: not on the hasher, and not on the run that reached it.</summary>
public sealed class StateHashTests
{
    private static StepCore Boot(string scenario)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        return new StepCore(KernelBuilder.Build(s.DefaultWorkload(), KernelConfig.Fixed), s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn));
    }

    [Theory]
    [InlineData("swapout")]
    [InlineData("pagedaemon")]
    [InlineData("exit-reaperless")]
    public void EqualStatesHashEqualWhicheverHasherAndRun(string scenario)
    {
        var a = Boot(scenario);
        var b = Boot(scenario);
        // Two hashers, each with its own compiled readers: one caches a's roots, the other b's.
        var one = new StateHash();
        var two = new StateHash();
        Assert.Equal(one.Of(a.Kernel), two.Of(b.Kernel));
        // Step both kernels alike: the hashes stay equal, whichever hasher (and cache) computes them.
        var seen = new HashSet<ulong> { one.Of(a.Kernel) };
        Span<int> runnable = stackalloc int[a.Kernel.Threads.Count];
        for (int i = 0; i < 40 && a.Violation is null && a.Runnable(runnable) is > 0 and var n; i++)
        {
            int pick = runnable[i % n];
            a.Run(a.Kernel.Threads[pick], new First());
            b.Run(b.Kernel.Threads[pick], new First());
            Assert.Equal(one.Of(a.Kernel), two.Of(b.Kernel));
            Assert.Equal(one.Of(a.Kernel), two.Full(b.Kernel));
            seen.Add(one.Of(a.Kernel));
        }
        Assert.True(seen.Count > 1, "the fingerprint never changed along 40 steps");
    }

    private sealed class First : IChoice
    {
        public bool Boolean() => false;
        public int Integer(int maxExclusive) => 0;
    }
}
