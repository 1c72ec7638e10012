using System.Text.RegularExpressions;
using Uvm.Model;
using Uvm.Properties;

namespace Uvm.Scenarios.Explain;

/// <summary>
/// What <see cref="CauseFinder"/> found: for each cause step, the facts it wrote that the verdict
/// depends on (<c>lwp 1.InMemory</c>); the written facts it could not set back; the replays it ran.
/// </summary>
public sealed record CauseReport(IReadOnlyDictionary<int, IReadOnlyList<string>> ByStep, IReadOnlyList<string> Unrevertable, int Replays)
{
    /// <summary>No causes (no violation, or one whose state cannot be rebuilt).</summary>
    public static CauseReport None { get; } = new(new Dictionary<int, IReadOnlyList<string>>(), [], 0);
}

/// <summary>
/// The exact causes of a violation, by counterfactual reversion (docs/explain.md, "Causes"). The
/// checked state is the one the violated property judged: for an invariant or a liveness property
/// the state after the last step, for a panic or a detector the state the failing step started
/// from. Every fact of that state that some step wrote is, one at a time on a fresh replay, set
/// back to its value before its last writer; that writer is a cause of the fact when the verdict
/// then changes: the invariant's (or liveness property's) own check passes, or the failing step
/// no longer fails the same way. A detector adds what its report names: a use after free marks
/// the step that freed the object and the step that touched it, a lock-discipline report the step
/// that made the access.
/// </summary>
public static partial class CauseFinder
{
    /// <summary>No property is checked along the counterfactual replays: only the verdict under test matters.</summary>
    private static readonly Catalogue NoProperties = new([], []);

    /// <summary>The causes of <paramref name="violation"/> in the replayed <paramref name="steps"/> (with <paramref name="schedule"/> their records).</summary>
    public static CauseReport Find(Counterexample cx, Catalogue? properties, IReadOnlyList<StepRecord> schedule,
        IReadOnlyList<ExplainedStep> steps, Violation violation)
    {
        int n = steps.Count;
        if (n == 0 || schedule.Count != n) return CauseReport.None;
        var request = Replayer.RequestFor(cx, properties);
        Func<IKernelView, string?>? check = violation.Kind switch
        {
            ViolationKind.Invariant => request.Properties.FindInvariant(violation.Name)?.Check,
            ViolationKind.Liveness => request.Properties.Liveness.FirstOrDefault(p => p.Name == violation.Name)?.Pending,
            _ => null,
        };
        bool judgedAfter = violation.Kind is ViolationKind.Invariant or ViolationKind.Liveness;
        if (judgedAfter && check is null) return CauseReport.None;
        int at = judgedAfter ? n - 1 : n - 2;   // the state is the one after step `at` (-1: boot)

        var describer = new StateDescriber();
        var reverter = new FactReverter(describer);
        var causes = new SortedDictionary<int, List<string>>();
        var unrevertable = new List<string>();
        int replays = 0;
        Violation? expected = null;
        bool StillViolated(IReadOnlyList<(string Key, string Fact, string Before)> facts, out bool reverted)
        {
            bool set = true, holds = false;
            var listener = new Intervention(at, k =>
            {
                foreach (var (key, fact, before) in facts) set &= reverter.TrySet(k, key, fact, before);
                if (set && check is not null) holds = Holds(check, k);
            });
            replays++;
            var run = ScheduleReplayer.Follow(cx.Workload, request.Config, NoProperties, schedule, FollowMode.Labels, listener);
            reverted = set;
            return check is not null ? !holds : run.Violation?.Message == expected?.Message && run.Steps.Count == n;
        }
        // The replay must rebuild the violation before any reversion can say anything; a failing
        // step fails "the same way" when it reports the same message (its site and what it read).
        if (!judgedAfter)
        {
            replays++;
            expected = ScheduleReplayer.Follow(cx.Workload, request.Config, NoProperties, schedule, FollowMode.Labels).Violation;
            if (expected?.Id != violation.Id) return CauseReport.None;
        }
        else if (!StillViolated([], out _)) return CauseReport.None;
        string Name(ExplainedStep writer, string key, string fact) => $"{writer.Diff.Changes.First(c => c.Key == key && c.Fact == fact).Label}.{fact}";
        var revertable = new List<(string Key, string Fact, ExplainedStep Writer, string Before)>();
        foreach (var (key, fact, writer, before) in LastWriters(steps, at))
        {
            if (!StillViolated([(key, fact, before)], out bool reverted)) Add(causes, writer.Index, Name(writer, key, fact));
            else if (!reverted) unrevertable.Add($"{key}.{fact}");
            else revertable.Add((key, fact, writer, before));
        }
        // A step none of whose facts matters alone may matter as a whole (the check reads two
        // facts it wrote, either of which keeps the violation): set all of them back together,
        // and if that changes the verdict, mark the facts the verdict needs (leave one out: the
        // violation comes back).
        foreach (var group in revertable.GroupBy(c => c.Writer.Index).Where(g => g.Count() > 1 && !causes.ContainsKey(g.Key)))
        {
            var all = group.Select(c => (c.Key, c.Fact, c.Before)).ToList();
            if (StillViolated(all, out _)) continue;
            foreach (var c in group)
                if (StillViolated([.. all.Where(x => x != (c.Key, c.Fact, c.Before))], out _)) Add(causes, group.Key, Name(c.Writer, c.Key, c.Fact));
        }
        if (violation.Kind == ViolationKind.Detector) AddDetectorSites(causes, violation, n);
        return new CauseReport(causes.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value), unrevertable, replays);
    }

    /// <summary>True when the property's check passes; one that throws on the altered state fails, as StepCore counts it.</summary>
    private static bool Holds(Func<IKernelView, string?> check, IKernelView kernel)
    {
        try
        {
            return check(kernel) is null;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            return false;
        }
    }

    /// <summary>For each fact written by steps 0..<paramref name="at"/> and present before and after: its last writer and its value before that write.</summary>
    private static IEnumerable<(string Key, string Fact, ExplainedStep Writer, string Before)> LastWriters(IReadOnlyList<ExplainedStep> steps, int at)
    {
        var seen = new HashSet<(string, string)>();
        var found = new List<(string, string, ExplainedStep, string)>();
        for (int i = Math.Min(at, steps.Count - 1); i >= 0; i--)
            foreach (var c in steps[i].Diff.Changes)
                if (seen.Add((c.Key, c.Fact)) && c.Before is not null && c.After is not null)
                    found.Add((c.Key, c.Fact, steps[i], c.Before));
        found.Reverse();
        return found;
    }

    /// <summary>The steps a detector's report names: the free and the touch of a use after free, the access of a lock-discipline report.</summary>
    private static void AddDetectorSites(SortedDictionary<int, List<string>> causes, Violation v, int n)
    {
        if (FreedAt().Match(v.Message) is { Success: true } m)
        {
            int freed = int.Parse(m.Groups["step"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (freed >= 0 && freed < n) Add(causes, freed, $"frees {m.Groups["obj"].Value}");
            Add(causes, n - 1, $"touches freed {m.Groups["obj"].Value}");
        }
        else if (NotHeld().Match(v.Message) is { Success: true } h)
            Add(causes, n - 1, $"{h.Groups["how"].Value} {h.Groups["field"].Value} without {h.Groups["lock"].Value}");
    }

    private static void Add(SortedDictionary<int, List<string>> causes, int step, string what)
    {
        if (!causes.TryGetValue(step, out var list)) causes[step] = list = [];
        if (!list.Contains(what)) list.Add(what);
    }

    /// <summary>Discipline.Touch's report: "use after free: lwp 1 freed by cpu0 in lwp_exit2 at step 7, touched by ...".</summary>
    [GeneratedRegex(@"use after free: (?<obj>.+?) freed by \S+ in \S+ at step (?<step>\d+), touched by")]
    private static partial Regex FreedAt();

    /// <summary>Discipline's lock report: "lock sched_lock of l_stat (lwp 1) not held by swapper in X: l_stat read while ...".</summary>
    [GeneratedRegex(@"lock (?<lock>.+?) of (?<field>\S+) \(.*\) not held by \S+ in \S+: \S+ (?<how>read|written)")]
    private static partial Regex NotHeld();

    /// <summary>Runs <paramref name="act"/> on the state after step <paramref name="at"/> (at boot for -1).</summary>
    private sealed class Intervention(int at, Action<IKernelView> act) : IStepListener
    {
        public void Booted(IKernelView kernel)
        {
            if (at < 0) act(kernel);
        }

        public void Stepped(IKernelView kernel, StepRecord step)
        {
            if (step.Index == at) act(kernel);
        }
    }
}
