using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;
using Xunit.Abstractions;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Checks the footprints verify's reduction uses (docs/verify.md) against the model: along random
/// schedules, every pair of co-enabled steps is run in both orders from the same state, each
/// step's footprint recorded as it ran from that state (the declared regions, with the scheduler
/// region recorded per object: StepFootprint). For every pair found independent, the two runs
/// must agree on each step's label and outcome, on what each step recorded (a step's footprint
/// does not change when an independent step runs first), on the kernel state after both, and on
/// everything a fixed continuation then does. A footprint that forgot a region, or an accessor
/// that does not record, shows up as a pair that does not commute. With the detectors on, both
/// orders must also agree on the detectors' verdicts: the violation (if any), and in the
/// continuation every racy read's choice (how many values it may see, and which it is given),
/// so a step that changes what a later racy read may half-see (model/Core/Discipline.cs) and was
/// found independent fails the test.
/// </summary>
public sealed class CommutationTests(ITestOutputHelper output)
{
    /// <summary>A step's label, how it ended, and what it recorded.</summary>
    private readonly record struct Ran(string Function, StepKind Kind, AccessSet Objects, WaitChannel Channel)
    {
        public bool SameAs(Ran other) => Function == other.Function && Kind == other.Kind && Objects.Describe().SequenceEqual(other.Objects.Describe());
    }

    [Theory]
    [InlineData("swapout", false)]
    [InlineData("exit-reaperless", false)]
    [InlineData("swapout", true)]
    [InlineData("exit-reaperless", true)]
    [InlineData("loan", true)]
    [InlineData("vnode-pageout", true)]
    public void StepsDeclaredIndependentCommute(string scenario, bool detectors) => Check(scenario, detectors, output);

    /// <summary>The check of <see cref="StepsDeclaredIndependentCommute"/> on one scenario, with or without the detectors.</summary>
    internal static void Check(string scenario, bool detectors, ITestOutputHelper output)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed with { Detectors = detectors }, new ExploreSettings())
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
        var random = new Random(20);
        // One hasher for the whole check: it compiles its readers on first sight of each type.
        var hasher = new StateHash();
        int independent = 0, regionsOnly = 0, pairs = 0;
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
                    // A step that fails is dependent on every step (verify gives it StepFootprint.All).
                    int first = prefix.Length;
                    if (abRan.Count <= first || baRan.Count <= first) continue;
                    pairs++;
                    var footprints = new StepFootprints(ab.Kernel);
                    // Each step's footprint as recorded from the state where both are enabled.
                    var da = footprints.Of(ab.Kernel.Threads[a], Step(abRan[first]));
                    var db = footprints.Of(ba.Kernel.Threads[b], Step(baRan[first]));
                    if (da.IndependentOf(db)) regionsOnly++;
                    var fa = StepFootprint.Of(da, abRan[first].Objects);
                    var fb = StepFootprint.Of(db, baRan[first].Objects);
                    if (!fa.IndependentOf(fb)) continue;
                    independent++;
                    Assert.Equal(ab.Violation?.Id, ba.Violation?.Id);
                    if (ab.Violation is not null) continue;
                    var what = $"{threads[a].Name}: {abRan[^2].Function} and {threads[b].Name}: {abRan[^1].Function} after {prefix.Length} steps";
                    Assert.True(abRan[^2].SameAs(baRan[^1]) && abRan[^1].SameAs(baRan[^2]), $"steps behave or record differently in the other order: {what}: a {string.Join("; ", abRan[^2].Objects.Describe())} / after b: {string.Join("; ", baRan[^1].Objects.Describe())} ;; b {string.Join("; ", baRan[^2].Objects.Describe())} / after a: {string.Join("; ", abRan[^1].Objects.Describe())} ;; {abRan[^2].Function} {baRan[^1].Function} {abRan[^1].Function} {baRan[^2].Function}");
                    Assert.True(hasher.Full(ab.Kernel) == hasher.Full(ba.Kernel), $"declared independent but do not commute: {what}");
                    Assert.Equal(Continue(ab, hasher), Continue(ba, hasher));
                    Assert.Equal(NextSteps(request, [.. prefix, a, b]), NextSteps(request, [.. prefix, b, a]));
                }
        }
        output.WriteLine($"{scenario}, detectors {(detectors ? "on" : "off")}: {pairs} co-enabled pairs, {independent} independent by recorded footprints, {regionsOnly} by declared regions alone");
        // The check must have had something to check: in swapout proc0's declared steps, in the
        // scenarios with process actors the big lock's spins (recorded, declaring nothing).
        if (scenario is not "exit-reaperless") Assert.True(independent > 0, "no co-enabled pair was found independent");
    }

    /// <summary>
    /// With the detectors on, every step records the store log: a write when it stores a field
    /// some code reads racily or drops a log holding such a store (then it is dependent on every
    /// step), a read otherwise (model/Core/Discipline.cs). The steps that store l_stat write it.
    /// </summary>
    [Fact]
    public void WithDetectorsEveryStepRecordsTheStoreLog()
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings())
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
        var prefix = RandomPrefix(request, new Random(20), 30);
        var (_, ran) = Run(request, prefix);
        Assert.NotEmpty(ran);
        Assert.All(ran, r => Assert.Contains(r.Objects.Describe(), d => d.StartsWith("detectors 0 store log", StringComparison.Ordinal)));
        Assert.All(ran.Where(r => r.Objects.Describe().Any(d => d.EndsWith(" l_stat write", StringComparison.Ordinal))),
            r => Assert.Contains("detectors 0 store log write", r.Objects.Describe()));
    }

    private static Uvm.Model.Core.Step Step(Ran r) => new(r.Function, r.Kind, r.Channel);

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

    /// <summary>Boots the workload and runs the threads in <paramref name="order"/>, every choice answered 0, recording each step's accesses.</summary>
    private static (StepCore Core, List<Ran> Ran) Run(RunRequest request, int[] order)
    {
        var core = new StepCore(KernelBuilder.Build(request.Workload, request.Config), request.Properties);
        var recorder = new AccessRecorder();
        core.Kernel.Accesses = recorder;
        var ran = new List<Ran>();
        foreach (int t in order)
        {
            if (core.Run(core.Kernel.Threads[t], Zero.Instance) is not { } step) break;
            ran.Add(new Ran(step.Function, step.Kind, recorder.Take(), step.Channel));
        }
        core.Kernel.Accesses = null;
        return (core, ran);
    }

    /// <summary>
    /// What a fixed continuation does: the lowest runnable thread, 80 steps at most; each step's
    /// label and the choices it was offered (a racy read offers one per value it may see) with
    /// the last, oldest value taken, so a read that may half-see a section in one order only
    /// shows; then the violation, if any, and the final state.
    /// </summary>
    private static string Continue(StepCore core, StateHash hasher)
    {
        var labels = new List<string>();
        var oldest = new Oldest();
        Span<int> runnable = stackalloc int[core.Kernel.Threads.Count];
        while (labels.Count < 80 && core.Violation is null && core.Runnable(runnable) is > 0)
        {
            var t = core.Kernel.Threads[runnable[0]];
            labels.Add($"{core.Run(t, oldest)?.Function ?? core.Violation!.Id} {oldest.Take()}");
        }
        return $"{string.Join(", ", labels)} => {hasher.Full(core.Kernel):x}";
    }

    /// <summary>
    /// What each thread runnable after <paramref name="order"/> does as the very next step, the one
    /// that may half-see the last section's stores: its label, the choices it was offered (the
    /// oldest value taken) and the violation it meets, if any.
    /// </summary>
    private static string NextSteps(RunRequest request, int[] order)
    {
        var (core, _) = Run(request, order);
        var next = core.Kernel.Threads.Where(StepCore.CanRun).Select(t => t.Index).ToList();
        var seen = new List<string>();
        foreach (int t in next)
        {
            var (after, _) = Run(request, order);
            var oldest = new Oldest();
            var step = after.Run(after.Kernel.Threads[t], oldest);
            seen.Add($"{t}: {step?.Function} {oldest.Take()} {after.Violation?.Id}");
        }
        return string.Join("; ", seen);
    }

    /// <summary>Answers every choice with its last option and remembers how many each offered.</summary>
    private sealed class Oldest : IChoice
    {
        /// <summary>The option counts offered since the last <see cref="Take"/>.</summary>
        private readonly List<int> _offered = [];

        public bool Boolean()
        {
            _offered.Add(2);
            return true;
        }

        public int Integer(int maxExclusive)
        {
            _offered.Add(maxExclusive);
            return Math.Max(0, maxExclusive - 1);
        }

        public string Take()
        {
            var s = $"[{string.Join(" ", _offered)}]";
            _offered.Clear();
            return s;
        }
    }

    private sealed class Zero : IChoice
    {
        public static Zero Instance { get; } = new();
        public bool Boolean() => false;
        public int Integer(int maxExclusive) => 0;
    }
}

/// <summary>
/// <see cref="CommutationTests"/> on the pagedaemon. A class of its own so that xunit runs it beside
/// the others: a class's tests run one after another, and with every scenario in one class that
/// class was the last to end in CI, alone on the machine for minutes.
/// </summary>
public sealed class PagedaemonCommutationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("pagedaemon", false)]
    [InlineData("pagedaemon", true)]
    public void StepsDeclaredIndependentCommute(string scenario, bool detectors) => CommutationTests.Check(scenario, detectors, output);
}

/// <summary><see cref="CommutationTests"/> on shared memory under paging and on copy-on-write fork, in a class of their own as <see cref="PagedaemonCommutationTests"/> says.</summary>
public sealed class ShmAndCowCommutationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("cow-fork", false)]
    [InlineData("shm-swap", true)]
    public void StepsDeclaredIndependentCommute(string scenario, bool detectors) => CommutationTests.Check(scenario, detectors, output);
}
