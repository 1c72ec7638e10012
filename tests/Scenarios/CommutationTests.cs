using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Checks the declared step footprints (StepFootprints) against the model: along random
/// schedules, every pair of co-enabled steps declared independent is run in both orders from the
/// same state, and the two runs must agree on each step's label and outcome, on the kernel state
/// after both, and on everything a fixed continuation then does. A footprint that forgot a region
/// shows up as a pair that does not commute.
/// </summary>
public sealed class CommutationTests
{
    /// <summary>A step's label and how it ended.</summary>
    private readonly record struct Ran(string Function, StepKind Kind);

    [Theory]
    [InlineData("swapout")]
    [InlineData("exit-reaperless")]
    [InlineData("pagedaemon")]
    public void StepsDeclaredIndependentCommute(string scenario)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings())
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
        var random = new Random(20);
        int declared = 0;
        for (int trial = 0; trial < 150; trial++)
        {
            var prefix = RandomPrefix(request, random, random.Next(0, 60));
            var (core, _) = Run(request, prefix);
            if (core.Violation is not null) continue;
            var threads = core.Kernel.Threads;
            var awake = threads.Where(t => StepCore.CanRun(t) && !t.IsTimer).Select(t => t.Index).ToList();
            foreach (int a in awake)
                foreach (int b in awake.Where(b => b > a))
                {
                    var (ab, abRan) = Run(request, [.. prefix, a, b]);
                    var (ba, baRan) = Run(request, [.. prefix, b, a]);
                    if (ab.Violation is not null || ba.Violation is not null) continue;
                    var footprints = new StepFootprints(ab.Kernel);
                    var fa = footprints.Of(ab.Kernel.Threads[a], Step(abRan[^2]));
                    var fb = footprints.Of(ab.Kernel.Threads[b], Step(abRan[^1]));
                    if (!fa.IndependentOf(fb)) continue;
                    declared++;
                    var what = $"{threads[a].Name}: {abRan[^2].Function} and {threads[b].Name}: {abRan[^1].Function} after {prefix.Length} steps";
                    Assert.True(abRan[^2] == baRan[^1] && abRan[^1] == baRan[^2], $"steps behave differently in the other order: {what}");
                    Assert.True(Hash(ab) == Hash(ba), $"declared independent but do not commute: {what}");
                    Assert.Equal(Continue(ab), Continue(ba));
                }
        }
        // The check must have had something to check in the scenario whose steps are declared.
        if (scenario == "swapout") Assert.True(declared > 0, "no co-enabled pair was declared independent");
    }

    private static Step Step(Ran r) => new(r.Function, r.Kind, default);

    private static ulong Hash(StepCore core) => new StateHash().Of(core.Kernel);

    /// <summary>A schedule prefix picked at random among the runnable threads, up to <paramref name="length"/> steps.</summary>
    private static int[] RandomPrefix(RunRequest request, Random random, int length)
    {
        var core = new StepCore(KernelBuilder.Build(request.Workload, request.Config), request.Properties);
        var picks = new List<int>();
        Span<int> runnable = stackalloc int[core.Kernel.Threads.Count];
        while (picks.Count < length && core.Violation is null)
        {
            int n = core.Runnable(runnable);
            if (n == 0) break;
            int pick = runnable[random.Next(n)];
            picks.Add(pick);
            core.Run(core.Kernel.Threads[pick], Zero.Instance);
        }
        return [.. picks];
    }

    /// <summary>Boots the workload and runs the threads in <paramref name="order"/>, every choice answered 0.</summary>
    private static (StepCore Core, List<Ran> Ran) Run(RunRequest request, int[] order)
    {
        var core = new StepCore(KernelBuilder.Build(request.Workload, request.Config), request.Properties);
        var ran = new List<Ran>();
        foreach (int t in order)
        {
            if (core.Run(core.Kernel.Threads[t], Zero.Instance) is not { } step) break;
            ran.Add(new Ran(step.Function, step.Kind));
        }
        return (core, ran);
    }

    /// <summary>What a fixed continuation does: the lowest runnable thread, 80 steps at most; labels and final state.</summary>
    private static string Continue(StepCore core)
    {
        var labels = new List<string>();
        Span<int> runnable = stackalloc int[core.Kernel.Threads.Count];
        while (labels.Count < 80 && core.Violation is null && core.Runnable(runnable) is > 0)
        {
            var t = core.Kernel.Threads[runnable[0]];
            labels.Add(core.Run(t, Zero.Instance)?.Function ?? core.Violation!.Id);
        }
        return $"{string.Join(", ", labels)} => {Hash(core):x}";
    }

    private sealed class Zero : IChoice
    {
        public static Zero Instance { get; } = new();
        public bool Boolean() => false;
        public int Integer(int maxExclusive) => 0;
    }
}
