using System.Diagnostics;
using Microsoft.Coyote;
using Microsoft.Coyote.Actors;
using Microsoft.Coyote.Logging;
using Microsoft.Coyote.SystematicTesting;
using Uvm.Model;
using Uvm.Model.Actors;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>What to explore: a workload, a kernel configuration, the properties to check, and how.</summary>
public sealed record RunRequest(string Scenario, Workload Workload, KernelConfig Config, ExploreSettings Settings)
{
    /// <summary>The properties checked; the built-in catalogue unless a user adds their own.</summary>
    public Catalogue Properties { get; init; } = Catalogue.BuiltIn;
}

/// <summary>What one engine explored, and the counterexample if it found a violation.</summary>
public sealed record ExplorationResult(
    int Iterations, long Steps, TimeSpan Elapsed, int MaxStepsHit, Counterexample? Counterexample)
{
    /// <summary>True when a violation was found.</summary>
    public bool FoundBug => Counterexample is not null;

    /// <summary>Schedules explored per second.</summary>
    public double SchedulesPerSecond => Elapsed.TotalSeconds > 0 ? Iterations / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Runs Coyote's TestingEngine over a workload: every iteration boots a fresh kernel, starts one
/// actor per kernel thread, and checks every invariant after every step. The first violation stops
/// the engine and becomes a <see cref="Counterexample"/>.
/// </summary>
public static class Explorer
{
    /// <summary>
    /// Explores <paramref name="request"/>; <paramref name="cancel"/> stops the engine early, and
    /// <paramref name="onSchedule"/> is told after every explored schedule (for progress displays).
    /// With <paramref name="core"/>, every thread of the engine runs on that core (see
    /// <see cref="CoreAffinity"/>); what is explored does not depend on it.
    /// </summary>
    public static ExplorationResult Run(RunRequest request, CancellationToken cancel = default, Action? onSchedule = null, IStepListener? listener = null,
        int? core = null)
    {
        var capture = new IterationCapture();
        var clock = Stopwatch.StartNew();
        using var engine = CreateEngine(request, request.Settings.ToCoyote(), capture, listener, core);
        if (onSchedule is not null) engine.RegisterEndIterationCallBack(_ => onSchedule());
        using (cancel.Register(engine.Stop))
            engine.Run();
        clock.Stop();
        var report = engine.TestReport;
        int iterations = report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths;
        long steps = report.TotalExploredFairSteps + report.TotalExploredUnfairSteps;
        int hit = report.MaxUnfairStepsHitInUnfairTests + report.MaxFairStepsHitInFairTests + report.MaxUnfairStepsHitInFairTests;
        Counterexample? cx = null;
        if (report.NumOfFoundBugs > 0)
        {
            cx = new Counterexample
            {
                ModelFingerprint = ModelFingerprint.Current,
                Scenario = request.Scenario,
                Bugs = Switches.EnabledIn(request.Config),
                Workload = request.Workload,
                Settings = request.Settings,
                Iteration = capture.Iteration,
                Trace = engine.ReproducibleTrace,
                Violation = ViolationRecord.From(ReadViolation(report.BugReports.First(), capture, request.Properties)),
                Steps = capture.Observer?.Log ?? [],
            };
        }
        return new ExplorationResult(iterations, steps, clock.Elapsed, hit, cx);
    }

    /// <summary>
    /// Runs one iteration along a recorded Coyote trace and reports what it found;
    /// <paramref name="listener"/>, if given, sees the state at boot and after every step.
    /// </summary>
    internal static (Violation? Violation, IReadOnlyList<StepRecord> Steps) RunTrace(RunRequest request, string trace, IStepListener? listener = null)
    {
        var capture = new IterationCapture();
        var config = request.Settings.ToCoyote().WithTestingIterations(1).WithReproducibleTrace(trace);
        using var engine = CreateEngine(request, config, capture, listener);
        engine.Run();
        var report = engine.TestReport;
        var violation = report.NumOfFoundBugs > 0 ? ReadViolation(report.BugReports.First(), capture, request.Properties) : null;
        return (violation, capture.Observer?.Log ?? []);
    }

    private static TestingEngine CreateEngine(RunRequest request, Configuration config, IterationCapture capture, IStepListener? listener = null,
        int? core = null)
    {
        Action? onActorThread = core is int c ? () => CoreAffinity.PinCurrentThread(c) : null;
        var engine = TestingEngine.Create(config, (IActorRuntime runtime) =>
        {
            var kernel = KernelBuilder.Build(request.Workload, request.Config);
            var observer = new KernelObserver(runtime, kernel, request.Properties, listener);
            capture.Start(kernel, observer);
            KernelBoot.Start(runtime, kernel, observer, onActorThread);
        });
        engine.SetLogger(new TextWriterLogger(TextWriter.Null, VerbosityLevel.None));
        return engine;
    }

    /// <summary>Maps a Coyote bug report to a named violation; a liveness report is named from the final state.</summary>
    private static Violation ReadViolation(string report, IterationCapture capture, Catalogue properties)
    {
        if (Violation.Parse(report) is { } tagged) return tagged;
        if (report.Contains("liveness", StringComparison.OrdinalIgnoreCase) && capture.Kernel is { } k)
            foreach (var p in properties.Liveness)
                if (p.Pending(k) is { } pending)
                    return new Violation(ViolationKind.Liveness, p.Name, p.Describe(pending));
        return new Violation(ViolationKind.Panic, "unhandled", report);
    }

    /// <summary>The kernel and observer of the iteration running now (the failing one, once the engine stops).</summary>
    private sealed class IterationCapture
    {
        public Kernel? Kernel { get; private set; }
        public KernelObserver? Observer { get; private set; }
        public int Iteration { get; private set; }

        public void Start(Kernel kernel, KernelObserver observer)
        {
            Kernel = kernel;
            Observer = observer;
            Iteration++;
        }
    }
}
