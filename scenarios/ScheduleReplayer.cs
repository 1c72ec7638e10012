using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;

namespace Uvm.Scenarios;

/// <summary>How strictly <see cref="ScheduleReplayer"/> follows a kernel-level schedule.</summary>
public enum FollowMode
{
    /// <summary>Each step must run the same thread and reach the same kernel function as recorded.</summary>
    Labels,

    /// <summary>Only the order of threads is followed; whatever functions they reach are accepted.</summary>
    Threads,
}

/// <summary>The outcome of following a kernel-level schedule.</summary>
public sealed record ScheduleRun(
    IReadOnlyList<StepRecord> Steps,
    Violation? Violation,
    int? PartedAt,
    string? PartReason)
{
    /// <summary>True when every recorded step could be followed.</summary>
    public bool FollowedToTheEnd => PartedAt is null;
}

/// <summary>
/// Re-runs a kernel-level schedule (thread + labelled step, with the choices each step made)
/// directly on the step sequences, without Coyote: the same kernel, the same invariant checks after
/// every step, the same panics. It survives model edits that keep the labels, says at which step
/// and thread a changed model parts from the file, and lets the schedule shrinker try schedules
/// Coyote never recorded.
/// </summary>
public static class ScheduleReplayer
{
    /// <summary>Follows <paramref name="schedule"/> on a fresh kernel of <paramref name="workload"/> and <paramref name="config"/>.</summary>
    public static ScheduleRun Follow(Workload workload, KernelConfig config, Catalogue properties,
        IReadOnlyList<StepRecord> schedule, FollowMode mode, IStepListener? listener = null)
    {
        var k = KernelBuilder.Build(workload, config);
        listener?.Booted(k);
        var byName = k.Threads.ToDictionary(t => t.Name);
        var choice = new ScriptedChoice();
        k.Choice = choice;
        var log = new List<StepRecord>();
        var woken = new List<KernelThread>();
        for (int i = 0; i < schedule.Count; i++)
        {
            var want = schedule[i];
            if (!byName.TryGetValue(want.Thread, out var t))
                return new ScheduleRun(log, null, i, $"the file runs {want.Thread}, which this workload does not have");
            if (t.Exited || t.SleepingOn is not null)
                return new ScheduleRun(log, null, i, $"the file runs {want.Thread}: {want.Function}, but {t.Name} {(t.Exited ? "has exited" : $"sleeps on {t.SleepingOn}")}");
            choice.Load(want.Choices);
            k.StepChoices.Clear();
            Step step;
            try
            {
                step = t.Advance();
            }
            catch (KernelPanicException panic)
            {
                var rec = new StepRecord(i, t.Name, panic.Site, "Panic", want.Choices);
                log.Add(rec);
                listener?.Stepped(k, rec);
                var v = new Violation(ViolationKind.Panic, panic.Site, $"{Violation.Tag(ViolationKind.Panic, panic.Site)} panic: {panic.Site}: {panic.Detail} (in {t.Name})");
                bool matches = mode == FollowMode.Threads || (want.Kind == "Panic" && want.Function == panic.Site);
                return new ScheduleRun(log, v, matches ? null : i, matches ? null : $"the file has {want.Thread}: {want.Function}, the model panicked in {panic.Site}");
            }
            var record = new StepRecord(i, t.Name, step.Function, step.Kind.ToString(), want.Choices);
            log.Add(record);
            k.SleepQueues.TakeWoken(woken);
            woken.Clear();
            listener?.Stepped(k, record);
            if (mode == FollowMode.Labels && step.Function != want.Function)
                return new ScheduleRun(log, null, i, $"the file has {want.Thread}: {want.Function}, the model ran {t.Name}: {step.Function}");
            foreach (var inv in properties.Invariants)
                if (inv.Check(k) is { } bad)
                    return new ScheduleRun(log, new Violation(ViolationKind.Invariant, inv.Name, $"{inv.Describe(bad)} After {t.Name}: {step.Function}."), null, null);
        }
        foreach (var p in properties.Liveness)
            if (p.Pending(k) is { } pending && Quiescent(k))
                return new ScheduleRun(log, new Violation(ViolationKind.Liveness, p.Name, p.Describe(pending)), null, null);
        return new ScheduleRun(log, null, null, null);
    }

    /// <summary>True when no thread can take another step: the execution has ended.</summary>
    public static bool Quiescent(Kernel k) => k.Threads.All(t => t.Exited || t.SleepingOn is not null);

    /// <summary>Answers choices from the recorded list of the step; past its end, the first option.</summary>
    private sealed class ScriptedChoice : IChoice
    {
        private IReadOnlyList<int>? _values;
        private int _next;

        public void Load(IReadOnlyList<int>? values)
        {
            _values = values;
            _next = 0;
        }

        public bool Boolean() => Take(2) == 1;

        public int Integer(int maxExclusive) => Take(maxExclusive);

        private int Take(int bound) => _values is { } v && _next < v.Count ? Math.Clamp(v[_next++], 0, bound - 1) : 0;
    }
}
