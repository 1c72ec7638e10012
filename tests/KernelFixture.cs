using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Tests;

/// <summary>Builds small kernels by hand for unit tests of single steps, without Coyote.</summary>
internal static class KernelFixture
{
    /// <summary>A kernel with <paramref name="cpus"/> CPUs and one process of <paramref name="lwps"/> LWPs computing 4 quanta each.</summary>
    public static Kernel WithLwps(int lwps, int cpus = 2, KernelConfig? config = null)
    {
        var k = new Kernel(config ?? KernelConfig.Fixed);
        for (int i = 0; i < cpus; i++) k.Cpus.Add(new Cpu(i, k));
        k.AddProcess([.. Enumerable.Range(0, lwps).Select(_ => (IReadOnlyList<LwpOp>)[new Compute(4)])]);
        PhysMem.Boot(k, freePages: 2);
        return k;
    }

    /// <summary>A kernel thread that does nothing, to own locks in tests of kernel functions.</summary>
    public sealed class TestThread(Kernel kernel) : KernelThread(kernel, "test")
    {
        /// <inheritdoc/>
        protected override IEnumerable<Step> Body() { yield break; }
    }

    /// <summary>Runs every step of a sub-path and returns their kernel functions.</summary>
    public static List<string> RunAll(IEnumerable<Step> path) => [.. path.Select(s => s.Function)];

    /// <summary>Runs the remaining steps of a path a test has stepped into by hand and returns their kernel functions.</summary>
    public static List<string> RunRest(IEnumerator<Step> path)
    {
        var rest = new List<string>();
        while (path.MoveNext()) rest.Add(path.Current.Function);
        return rest;
    }
}
