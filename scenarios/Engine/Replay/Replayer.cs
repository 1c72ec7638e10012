using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>How a replay reproduced (or failed to reproduce) a counterexample.</summary>
public enum ReplayMethod
{
    /// <summary>Coyote's own reproducible trace replayed to the same steps and violation.</summary>
    CoyoteTrace,

    /// <summary>The Coyote trace no longer fit; the kernel-level schedule (thread + label) was followed instead.</summary>
    KernelSchedule,

    /// <summary>
    /// The file's labels parted from the model's; its kernel-level schedule was aligned with the
    /// model (renamed labels mapped, added steps absorbed: <see cref="ScheduleAligner"/>).
    /// </summary>
    AlignedSchedule,
}

/// <summary>The outcome of replaying a counterexample; <see cref="Engine"/> says which engine ran it.</summary>
public sealed record ReplayResult(
    ReplayMethod Method,
    Violation? Violation,
    IReadOnlyList<StepRecord> Steps,
    bool SameViolation,
    int? FirstDivergentStep,
    string? PartReason,
    string? TraceProblem,
    bool ModelChanged)
{
    /// <summary>True when the replay reproduced the stored violation along the stored steps.</summary>
    public bool Exact => SameViolation && FirstDivergentStep is null && Method != ReplayMethod.AlignedSchedule;

    /// <summary>For an aligned replay, how the file was matched to the model: one line per renamed label or absorbed step.</summary>
    public IReadOnlyList<string> Alignment { get; init; } = [];

    /// <summary>When the labels parted and aligning did not reproduce the violation either: why not.</summary>
    public string? AlignmentProblem { get; init; }

    /// <summary>The engine that ran the replay: Coyote for a Coyote trace or <c>--engine coyote</c>, else the in-process loop.</summary>
    public EngineKind Engine { get; init; } = EngineKind.Direct;
}

/// <summary>
/// Replays a counterexample: first along Coyote's trace; when that no longer fits the model (the
/// model changed, or the file holds a shrunk schedule), by following the kernel-level schedule
/// label by label, and says where model and file part. Either engine follows the kernel-level
/// schedule, so a file found by either replays in both.
/// </summary>
public static class Replayer
{
    /// <summary>
    /// Replays <paramref name="cx"/> once; <paramref name="listener"/>, if given, sees the kernel
    /// state at boot and after every step.
    /// </summary>
    /// <remarks>
    /// When the file's labels part from the model's, the schedule is aligned with the model
    /// (<see cref="ScheduleAligner"/>, renamed labels mapped through <paramref name="renames"/>,
    /// by default the repository's table); the result says how. With <paramref name="engine"/>
    /// null, a file with a Coyote trace replays along it and any other in the in-process engine;
    /// <see cref="EngineKind.Direct"/> follows the kernel-level schedule in the in-process engine
    /// (its trace unused), and <see cref="EngineKind.Coyote"/> tries the trace, then follows the
    /// kernel-level schedule with the Coyote actors. Both follow it to the same steps, violation
    /// and report.
    /// </remarks>
    public static ReplayResult Replay(Counterexample cx, Catalogue? properties = null, IStepListener? listener = null, RenameTable? renames = null,
        EngineKind? engine = null)
    {
        var request = RequestFor(cx, properties);
        bool changed = cx.ModelFingerprint != ModelFingerprint.Current;
        var follower = engine ?? EngineKind.Direct;
        // A kernel that cannot boot fails here, before any engine: the violation of a file that
        // recorded that failure (no steps), or for any other file a BootFailureException.
        if (BootFailureException.Of(request.Workload, request.Config) is { } boot)
        {
            if (cx.Violation.Id != BootFailureException.ViolationId) throw boot;
            return new ReplayResult(ReplayMethod.KernelSchedule, boot.Violation, [], boot.Violation.Message == cx.Violation.Message, null, null, null, changed);
        }
        string? traceProblem = null;
        if (!string.IsNullOrEmpty(cx.Trace) && engine != EngineKind.Direct)
        {
            try
            {
                var (violation, steps) = Explorer.RunTrace(request, cx.Trace, listener);
                var record = violation;
                int? diff = FirstDifference(cx.Steps, steps);
                if (record?.Id == cx.Violation.Id && diff is null)
                    return new ReplayResult(ReplayMethod.CoyoteTrace, record, steps, true, null, null, null, changed) { Engine = EngineKind.Coyote };
                traceProblem = diff is { } d ? $"the Coyote trace parts from the file at step {d}" : $"the Coyote trace ends in {record?.Id ?? "no violation"}";
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                traceProblem = $"the Coyote trace does not fit this model ({e.GetBaseException().Message.ReplaceLineEndings(" ")})";
            }
        }
        else if (cx.Settings.Engine == EngineKind.Coyote && engine != EngineKind.Direct)
            traceProblem = "the file holds no Coyote trace (a shrunk schedule)";
        // A file of the in-process engine (or verify) is its kernel-level schedule with every
        // choice: following it is the exact replay.
        bool cycles = cx.Violation.Id == CycleDetector.ViolationId;
        var run = ScheduleReplayer.Follow(cx.Workload, request.Config, request.Properties, cx.Steps, FollowMode.Labels, listener, follower, cycles);
        string? alignmentProblem = null;
        if (run.PartedAt is not null)
        {
            var aligned = ScheduleAligner.Align(cx.Workload, request.Config, request.Properties, cx.Steps, renames ?? RenameTable.Repository, listener, follower, cycles);
            if (aligned.FollowedToTheEnd && aligned.Violation?.Id == cx.Violation.Id)
                return new ReplayResult(ReplayMethod.AlignedSchedule, aligned.Violation, aligned.Steps, true, null, run.PartReason, traceProblem, changed)
                {
                    Alignment = aligned.Alignment,
                    Engine = follower,
                };
            alignmentProblem = aligned.PartReason is { } why
                ? $"aligning the schedule with the model parts at file step {aligned.PartedAt}: {why}"
                : $"the aligned schedule ends in {aligned.Violation?.Id ?? "no violation"}";
            // The listener saw the aligned run last; it reports the run this result describes.
            if (listener is not null) run = ScheduleReplayer.Follow(cx.Workload, request.Config, request.Properties, cx.Steps, FollowMode.Labels, listener, follower, cycles);
        }
        var found = run.Violation;
        return new ReplayResult(ReplayMethod.KernelSchedule, found, run.Steps, found?.Id == cx.Violation.Id,
            run.PartedAt, run.PartReason, traceProblem, changed) { AlignmentProblem = alignmentProblem, Engine = follower };
    }

    /// <summary>The run request a counterexample describes.</summary>
    public static RunRequest RequestFor(Counterexample cx, Catalogue? properties = null)
    {
        var catalogue = properties ?? Catalogue.BuiltIn;
        var scenario = ScenarioCatalogue.Find(cx.Scenario);
        return new RunRequest(cx.Scenario, cx.Workload, Switches.Configure(cx.Bugs) with { BigLock = cx.BigLock ?? Switches.Configure(cx.Bugs).BigLock }, cx.Settings with { Iterations = 1 })
        {
            Properties = scenario?.PropertiesFrom(catalogue) ?? catalogue,
        };
    }

    /// <summary>The index of the first step where the two logs disagree, or null if they agree.</summary>
    public static int? FirstDifference(IReadOnlyList<StepRecord> expected, IReadOnlyList<StepRecord> actual)
    {
        int n = Math.Min(expected.Count, actual.Count);
        for (int i = 0; i < n; i++)
            if (expected[i].Thread != actual[i].Thread || expected[i].Function != actual[i].Function) return i;
        return expected.Count == actual.Count ? null : n;
    }
}
