using System.Diagnostics;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// The in-process explorer (<c>--engine direct</c>): no actors and no OS threads, just a loop
/// that asks a <see cref="Scheduler"/> which runnable kernel thread steps next and hands it to the
/// <see cref="StepCore"/>. Schedule <c>j</c> of a run with seed <c>S</c> is seeded with
/// <c>S + j</c>, so shards and parallel engines are windows of one seed range, as with Coyote.
/// A counterexample holds the kernel-level schedule with every choice, which replays exactly.
/// </summary>
public static class DirectExplorer
{
    /// <summary>
    /// Explores <paramref name="request"/> as <see cref="Explorer.Run"/> does, in this thread, until
    /// its iterations are done or <paramref name="cancel"/> fires (a time budget or an interrupt).
    /// </summary>
    public static ExplorationResult Run(RunRequest request, CancellationToken cancel = default, Action? onSchedule = null,
        IStepListener? listener = null) =>
        new DirectEngine(request, listener).Explore(0, request.Settings.Iterations, cancel, onSchedule);

    /// <summary>
    /// Runs one schedule to its end: until the kernel is quiescent (then liveness is judged), a
    /// violation, or <paramref name="maxSteps"/> steps. A schedule still running there runs on for
    /// as many steps again with its states fingerprinted (<see cref="StepCore.WatchCycles"/>):
    /// a return to a state along a fair cycle is a violation of
    /// <see cref="CycleDetector.EveryFairScheduleEnds"/>; without one by then, the
    /// schedule is cut, and "eventually" is not judged for it.
    /// </summary>
    internal static StepCore Execute(RunRequest request, Scheduler scheduler, int maxSteps,
        IStepListener? listener, out bool cut, StepLog? reuse = null, StateKey? cycleKey = null)
    {
        var kernel = KernelBuilder.Build(request.Workload, request.Config);
        var core = new StepCore(kernel, request.Properties, listener, reuse);
        var threads = kernel.Threads;
        Span<int> runnable = stackalloc int[threads.Count];
        int last = -1, bound = maxSteps;
        bool watching = false;
        cut = false;
        while (true)
        {
            int n = core.Runnable(runnable);
            if (n == 0)
            {
                core.JudgeEnd();
                return core;
            }
            if (core.Log.Count >= bound)
            {
                if (watching || !core.WatchCycles(cycleKey))
                {
                    cut = true;
                    return core;
                }
                (watching, bound) = (true, CycleWatch.WatchedBound(maxSteps));
            }
            int pick = runnable[scheduler.Pick(runnable[..n], last, core.Log.Count)];
            if (core.Run(threads[pick], scheduler) is not { } step) return core;
            scheduler.Stepped(pick, step.Kind, core.Woken);
            last = pick;
        }
    }
}

/// <summary>
/// One explorer of the direct engine, kept across the parts of a window it explores: its
/// scheduler and its step log are reused from schedule to schedule (a schedule's records are
/// read, for a counterexample, before the next one starts). Schedule <c>j</c> of the request's
/// window is always seeded with the window's seed plus <c>j</c>, whichever engine runs it, so
/// a memoryless strategy (see <see cref="Scheduler.RemembersSchedules"/>) explores the same
/// schedules whichever engine takes which part.
/// </summary>
internal sealed class DirectEngine(RunRequest request, IStepListener? listener)
{
    private readonly Scheduler _scheduler = Scheduler.For(request.Settings);
    private StepLog? _log;

    /// <summary>The key the schedules that reach --max-steps are watched with: one for all, so its walks are compiled once.</summary>
    private readonly StateKey _cycleKey = new(clockless: true);

    /// <summary>
    /// Explores schedules [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>)
    /// of the request's window, until a violation, <paramref name="cancel"/>, or
    /// <paramref name="skip"/> says a schedule need not be run (another engine found a bug
    /// before it); the result counts the schedules run, and its counterexample's iteration is
    /// the schedule's number in the window (1-based), as one engine over the window reports it.
    /// </summary>
    public ExplorationResult Explore(int from, int count, CancellationToken cancel, Action? onSchedule, Func<int, bool>? skip = null)
    {
        var settings = request.Settings;
        var clock = Stopwatch.StartNew();
        long steps = 0;
        int iterations = 0, cut = 0;
        for (int j = from; j < from + count; j++)
        {
            if (cancel.IsCancellationRequested || skip?.Invoke(j) == true) break;
            iterations++;
            _scheduler.Begin(unchecked(settings.Seed + (ulong)j));
            var core = DirectExplorer.Execute(request, _scheduler, settings.MaxSteps, listener, out bool wasCut, _log, _cycleKey);
            _log = core.Log;
            steps += core.Log.Count;
            _scheduler.End(core.Log.Count);
            if (wasCut) cut++;
            onSchedule?.Invoke();
            if (core.Violation is { } v)
            {
                clock.Stop();
                var records = core.Log.Records();
                if (v.Id == CycleDetector.ViolationId) (v, records) = CycleWatch.FirstCycle(request, records, v);
                return new ExplorationResult(iterations, steps, clock.Elapsed, cut, request.CounterexampleOf(v, records, j + 1));
            }
        }
        clock.Stop();
        return new ExplorationResult(iterations, steps, clock.Elapsed, cut, null);
    }
}
