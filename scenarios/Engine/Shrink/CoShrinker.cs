using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>What shrinking did: sizes before and after, and how many candidates it tried.</summary>
public sealed record ShrinkInfo(
    int WorkloadSizeBefore, int WorkloadSizeAfter,
    int StepsBefore, int StepsAfter,
    int ContextSwitchesBefore, int ContextSwitchesAfter,
    int WorkloadCandidatesTried)
{
    /// <summary>One line: each measure before and after.</summary>
    public string Summary =>
        $"workload size {WorkloadSizeBefore} -> {WorkloadSizeAfter} ({WorkloadCandidatesTried} candidates explored), "
        + $"steps {StepsBefore} -> {StepsAfter}, context switches {ContextSwitchesBefore} -> {ContextSwitchesAfter}";
}

/// <summary>
/// Co-shrinking of a counterexample: first the workload (each smaller candidate re-explored with
/// the same strategy and seed, for up to twice the schedules the original took to fail, at least
/// 50 and at most the original budget), then the schedule (fewer context switches, fewer steps).
/// The result fails with the same violation and replays along its kernel-level schedule.
/// </summary>
public static class CoShrinker
{
    /// <summary>How long shrinking may take by default (a run's budget may leave it less: <see cref="Budget"/>).</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(30);

    /// <summary>The shrink budget of a run with time budget <paramref name="runBudget"/>: half of it, at most <see cref="DefaultBudget"/>.</summary>
    public static TimeSpan Budget(TimeSpan? runBudget) => runBudget is { } t && t / 2 < DefaultBudget ? t / 2 : DefaultBudget;

    /// <summary>
    /// Whether the kernel under test boots <paramref name="candidate"/>: a smaller workload it cannot
    /// boot is not a smaller instance of the bug being shrunk (a boot failure is a bug of its own,
    /// reported only for the workload the user gave), so the candidate is passed over.
    /// </summary>
    private static bool Boots(Workload candidate, KernelConfig config) => BootFailureException.Of(candidate, config) is null;

    /// <summary>
    /// Shrinks <paramref name="cx"/>; returns it unchanged (with sizes) if nothing smaller fails the
    /// same way. When <paramref name="cancel"/> fires (the budget ran out, the user interrupted),
    /// it stops and returns the smallest counterexample found so far.
    /// </summary>
    public static Counterexample Shrink(Counterexample cx, Catalogue? properties = null, int maxWorkloadCandidates = 200, CancellationToken cancel = default)
    {
        var request = Replayer.RequestFor(cx, properties);
        var settings = cx.Settings with { Iterations = Math.Clamp(2 * cx.Iteration, 50, Math.Max(50, cx.Settings.Iterations)) };
        var current = FirstImprovement.Search(cx, c => WorkloadShrinker.Candidates(c.Workload), (_, candidate) =>
            Boots(candidate, request.Config)
            && Explorer.Run(request with { Workload = candidate, Settings = settings }, cancel).Counterexample is { } found && found.Violation.Id == cx.Violation.Id
                ? found with { Scenario = cx.Scenario, InvariantAssemblies = cx.InvariantAssemblies }
                : null,
            maxWorkloadCandidates, cancel, out int tried);
        var steps = cancel.IsCancellationRequested ? current.Steps
            : ScheduleShrinker.Shrink(current.Workload, request.Config, request.Properties, current.Steps, cx.Violation.Id, cancel: cancel);
        bool scheduleChanged = Replayer.FirstDifference(current.Steps, steps) is not null;
        var info = new ShrinkInfo(
            WorkloadShrinker.Size(cx.Workload), WorkloadShrinker.Size(current.Workload),
            cx.Steps.Count, steps.Count,
            ScheduleShrinker.ContextSwitches(cx.Steps), ScheduleShrinker.ContextSwitches(steps),
            Math.Min(tried, maxWorkloadCandidates));
        return current with
        {
            Steps = steps,
            Trace = scheduleChanged ? "" : current.Trace,
            Shrink = info,
        };
    }
}
