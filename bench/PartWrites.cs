using System.Globalization;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;
using static Uvm.Bench.InvariantText;

namespace Uvm.Bench;

/// <summary>
/// Which parts of the state (<see cref="StateDomain"/>) the steps of a scenario write
/// (<c>bench -- --profile --parts [scenario...]</c>): per part, the share of steps that moved its
/// version, and the kernel functions whose steps wrote it most. What to split next when an
/// invariant is judged after too many steps.
/// </summary>
public static class PartWrites
{
    /// <summary>Every part with a version of its own, in <see cref="StateDomain"/>'s order.</summary>
    private static IReadOnlyList<StateDomain> Parts => WriteVersions.Parts;

    /// <summary>Counts the writes of <paramref name="schedules"/> schedules of each scenario from seed 0.</summary>
    public static void Print(IReadOnlyList<string> names, int schedules, TextWriter log)
    {
        foreach (var name in names.Count == 0 ? StepProfile.Default : names)
        {
            var s = ScenarioCatalogue.Find(name) ?? throw new ArgumentException($"no scenario {name}");
            var counter = new Counter();
            DirectExplorer.Run(new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed,
                new ExploreSettings { Engine = EngineKind.Direct, Iterations = schedules, Seed = 0 })
            {
                Properties = s.PropertiesFrom(Catalogue.BuiltIn),
            }, listener: counter);
            log.WriteLine(I($"{name}: {counter.Steps} steps"));
            for (int i = 0; i < Parts.Count; i++)
            {
                if (counter.Written[i] == 0) continue;
                var top = counter.By[i].OrderByDescending(f => f.Value).Take(4).Select(f => I($"{f.Key} {100.0 * f.Value / counter.Steps:F1}%"));
                log.WriteLine(I($"  {Parts[i],-10} {100.0 * counter.Written[i] / counter.Steps,5:F1}% of steps: {string.Join(", ", top)}"));
            }
        }
    }

    private sealed class Counter : IStepListener
    {
        private readonly long[] _stamps = new long[Parts.Count];

        public long Steps { get; private set; }

        public long[] Written { get; } = new long[Parts.Count];

        public Dictionary<string, long>[] By { get; } = [.. Parts.Select(_ => new Dictionary<string, long>())];

        public void Booted(IKernelView kernel) => Take((Kernel)kernel);

        public void Stepped(IKernelView kernel, StepRecord step)
        {
            Steps++;
            var k = (Kernel)kernel;
            for (int i = 0; i < Parts.Count; i++)
                if (k.Versions.Stamp(Parts[i]) != _stamps[i])
                {
                    Written[i]++;
                    By[i][step.Function] = By[i].GetValueOrDefault(step.Function) + 1;
                }
            Take(k);
        }

        private void Take(Kernel k)
        {
            for (int i = 0; i < Parts.Count; i++) _stamps[i] = k.Versions.Stamp(Parts[i]);
        }
    }
}
