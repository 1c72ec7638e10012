using System.Diagnostics;
using Microsoft.Coyote;
using Microsoft.Coyote.Actors;
using Microsoft.Coyote.Logging;
using Microsoft.Coyote.SystematicTesting;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;
using Uvm.Scenarios.Engine.Coyote;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// Runs Coyote's TestingEngine over a workload: every iteration boots a fresh kernel, starts one
/// actor per kernel thread, and checks every invariant after every step. The first violation stops
/// the engine and becomes a <see cref="Counterexample"/>.
/// </summary>
internal static class CoyoteExplorer
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
        int hit = report.MaxUnfairStepsHitInUnfairTests + report.MaxFairStepsHitInFairTests + report.MaxUnfairStepsHitInFairTests + capture.Cuts;
        Counterexample? cx = null;
        if (report.NumOfFoundBugs > 0)
        {
            var violation = ReadViolation(report.BugReports.First(), capture);
            var records = capture.Core?.Log.Records() ?? [];
            string trace = engine.ReproducibleTrace;
            // A fair cycle is written from the first state on, as the in-process engine writes it;
            // Coyote's trace is of the longer run, so the file keeps the kernel-level schedule alone.
            if (violation.Id == CycleDetector.ViolationId)
                ((violation, records), trace) = (CycleWatch.FirstCycle(request, records, violation), "");
            cx = request.CounterexampleOf(violation, records, capture.Iteration, trace);
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
        var violation = report.NumOfFoundBugs > 0 ? ReadViolation(report.BugReports.First(), capture) : null;
        return (violation, capture.Core?.Log.Records() ?? []);
    }

    /// <summary>
    /// Follows a file's kernel-level schedule with the Coyote actors (<c>replay --engine coyote</c>):
    /// one iteration in which each actor waits for its turn (<see cref="ScheduleGate"/>), so the
    /// kernel-level order and every choice are the file's, whatever <paramref name="strategy"/> and
    /// <paramref name="seed"/> make Coyote schedule. A failure Coyote reports that the stepping core
    /// did not raise (a deadlock of the actors) is kept, as in exploration.
    /// </summary>
    internal static ScheduleRun Follow(Workload workload, KernelConfig config, Catalogue properties,
        Func<StepCore, IScheduleFollower> follower, IStepListener? listener) => Follow(workload, config, properties, follower, listener, Strategy.Random, 0);

    /// <inheritdoc cref="Follow(Workload, KernelConfig, Catalogue, Func{StepCore, IScheduleFollower}, IStepListener?)"/>
    internal static ScheduleRun Follow(Workload workload, KernelConfig config, Catalogue properties,
        Func<StepCore, IScheduleFollower> follower, IStepListener? listener, Strategy strategy, uint seed)
    {
        var capture = new IterationCapture();
        IScheduleFollower? followed = null;
        // One iteration; the bound only keeps Coyote from cutting a long file short (each kernel
        // step costs a few decisions: its preemption point, its wakeups, the turn handed on).
        var settings = new ExploreSettings { Engine = EngineKind.Coyote, Iterations = 1, Strategy = strategy, Seed = seed, MaxSteps = 1_000_000 };
        using var engine = TestingEngine.Create(settings.ToCoyote(), (IActorRuntime runtime) =>
        {
            var core = new StepCore(KernelBuilder.Build(workload, config), properties, listener);
            capture.Start(core);
            followed = follower(core);
            KernelBoot.Start(runtime, core, gate: new ScheduleGate(followed, core.Kernel.Threads.Count));
        });
        engine.SetLogger(new TextWriterLogger(TextWriter.Null, VerbosityLevel.None));
        engine.Run();
        var report = engine.TestReport;
        var run = followed!.Result();
        if (report.NumOfFoundBugs > 0 && capture.Core?.Violation is null)
            return run with { Violation = ReadViolation(report.BugReports.First(), capture) };
        if (followed.Next is { } waiting)
            return run with { PartedAt = run.Steps.Count, PartReason = $"the Coyote run stopped before the file's end, with {waiting.Name} to step next" };
        return run;
    }

    private static TestingEngine CreateEngine(RunRequest request, Configuration config, IterationCapture capture, IStepListener? listener = null,
        int? core = null)
    {
        Action? onActorThread = core is int c ? () => CoreAffinity.PinCurrentThread(c) : null;
        var cycleKey = new StateKey(clockless: true);
        var engine = TestingEngine.Create(config, (IActorRuntime runtime) =>
        {
            var core = new StepCore(KernelBuilder.Build(request.Workload, request.Config), request.Properties, listener);
            capture.Start(core);
            KernelBoot.Start(runtime, core, onActorThread, maxSteps: request.Settings.MaxSteps, onCut: capture.Cut, cycleKey: cycleKey);
        });
        engine.SetLogger(new TextWriterLogger(TextWriter.Null, VerbosityLevel.None));
        return engine;
    }

    /// <summary>
    /// The violation of the failing iteration, as the stepping core recorded it. A report the core
    /// did not raise is Coyote's own (a deadlock, an error inside the runtime): it is kept verbatim.
    /// </summary>
    private static Violation ReadViolation(string report, IterationCapture capture) =>
        capture.Core?.Violation ?? new Violation(ViolationKind.Panic, "coyote", $"{Violation.Tag(ViolationKind.Panic, "coyote")} {report}");

    /// <summary>The stepping core of the iteration running now (the failing one, once the engine stops).</summary>
    private sealed class IterationCapture
    {
        public StepCore? Core { get; private set; }
        public int Iteration { get; private set; }

        /// <summary>Iterations the actors cut at their kernel-step bound.</summary>
        public int Cuts { get; private set; }

        public void Cut() => Cuts++;

        public void Start(StepCore core)
        {
            Core = core;
            Iteration++;
        }
    }
}
