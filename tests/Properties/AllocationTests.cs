using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Tests.Properties;

/// <summary>
/// Every property is checked after every atomic kernel step, so a check that holds must allocate
/// nothing: measured on the kernel states that real schedules reach.
/// </summary>
public sealed class AllocationTests
{
    /// <summary>
    /// Two schedules of a scenario per subsystem (maps; vm and swap; loans; sched and exit): every
    /// built-in property holds in some of their states, which the test checks so that it cannot pass
    /// by measuring nothing. Every built-in property is measured on every state, not only its scenario's.
    /// </summary>
    [Fact]
    public void NoBuiltInPropertyAllocatesWhenItHolds()
    {
        var probe = new AllocationProbe(Catalogue.BuiltIn);

        foreach (var name in new[] { "exec-topdown", "shm-swap", "loan", "exit-reaper" })
        {
            var s = ScenarioCatalogue.Find(name)!;
            probe.Scenario = name;
            var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings { Iterations = 2, Seed = 0 })
            {
                Properties = s.PropertiesFrom(Catalogue.BuiltIn),
            };
            Explorer.Run(request, listener: probe);
        }

        Assert.True(probe.Allocations.Count == 0, string.Join(Environment.NewLine, probe.Allocations.Values));
        var neverHeld = Catalogue.BuiltIn.Invariants.Select(i => i.Name).Concat(Catalogue.BuiltIn.Liveness.Select(l => l.Name))
            .Where(n => !probe.Held.Contains(n));
        Assert.Empty(neverHeld);
    }

    /// <summary>
    /// After each step, runs every property once to warm it (a first call may JIT, load types or
    /// tier up) and once more between two reads of the thread's allocation counter.
    /// </summary>
    private sealed class AllocationProbe(Catalogue properties) : IStepListener
    {
        public string Scenario { get; set; } = "";

        /// <summary>The properties measured holding at least once.</summary>
        public HashSet<string> Held { get; } = [];

        /// <summary>The first allocation seen of each property that allocated: bytes, and where.</summary>
        public Dictionary<string, string> Allocations { get; } = [];

        public void Booted(IKernelView kernel)
        {
        }

        public void Stepped(IKernelView kernel, StepRecord step)
        {
            for (int i = 0; i < properties.Invariants.Count; i++)
                Measure(properties.Invariants[i].Name, properties.Invariants[i].Check, kernel, step);
            for (int i = 0; i < properties.Liveness.Count; i++)
                Measure(properties.Liveness[i].Name, properties.Liveness[i].Pending, kernel, step);
        }

        private void Measure(string name, Func<IKernelView, string?> check, IKernelView kernel, StepRecord step)
        {
            if (check(kernel) is not null) return;
            long before = GC.GetAllocatedBytesForCurrentThread();
            check(kernel);
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            Held.Add(name);
            if (bytes != 0) Allocations.TryAdd(name, $"{name}: {bytes} bytes after step {step.Index} ({step.Function}) of {Scenario}");
        }
    }
}
