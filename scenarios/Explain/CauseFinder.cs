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
    /// <summary>Why the search found nothing because it failed (the model threw on a replay), or null.</summary>
    public string? Problem { get; init; }

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

    /// <summary>
    /// <see cref="Find"/>, but a search the model breaks (a replay that throws) finds no causes
    /// and says why, rather than losing the explanation.
    /// </summary>
    public static CauseReport TryFind(Counterexample cx, Catalogue? properties, IReadOnlyList<StepRecord> schedule,
        IReadOnlyList<ExplainedStep> steps, Violation violation)
    {
        try
        {
            return Find(cx, properties, schedule, steps, violation);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            return CauseReport.None with { Problem = $"the cause search failed: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}" };
        }
    }

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
        string? original = null, report = null;
        // Still violated with these facts set back? A failing step must fail with the same message
        // (its site and what it read). A property's check must still report; and when a reverted
        // fact belongs to an entity its first report named, report the same (a check over a list
        // reports its first offender: another may still offend when this one no longer does).
        bool StillViolated(IReadOnlyList<Candidate> facts, out bool reverted)
        {
            bool set = true;
            report = null;
            var listener = new Intervention(at, k =>
            {
                foreach (var c in facts) set &= reverter.TrySet(k, c.Key, c.Fact, c.Before);
                if (set && check is not null) report = Report(check, k);
            });
            replays++;
            var run = ScheduleReplayer.Follow(cx.Workload, request.Config, NoProperties, schedule, FollowMode.Labels, listener);
            reverted = set;
            if (!set) return true;
            if (check is null) return run.Violation?.Message == expected?.Message && run.Steps.Count == n;
            return report is not null && (report == original || !facts.Any(c => Labels.Mentions(original, c.Label)));
        }
        // The replay must rebuild the violation before any reversion can say anything.
        if (!judgedAfter)
        {
            replays++;
            expected = ScheduleReplayer.Follow(cx.Workload, request.Config, NoProperties, schedule, FollowMode.Labels).Violation;
            if (expected?.Id != violation.Id) return CauseReport.None;
        }
        else
        {
            StillViolated([], out _);
            if ((original = report) is null) return CauseReport.None;
        }
        var revertable = new List<Candidate>();
        foreach (var c in LastWriters(steps, at))
        {
            if (!StillViolated([c], out bool reverted)) Add(causes, c.Writer.Index, c.Name);
            else if (!reverted) unrevertable.Add($"{c.Key}.{c.Fact}");
            else revertable.Add(c);
        }
        // A step none of whose facts matters alone may matter as a whole (the check reads two
        // facts it wrote, either of which keeps the violation): set all of them back together,
        // and if that changes the verdict, mark the facts the verdict needs (leave one out: the
        // violation comes back).
        foreach (var group in revertable.GroupBy(c => c.Writer.Index).Where(g => g.Count() > 1 && !causes.ContainsKey(g.Key)))
        {
            var all = group.ToList();
            if (StillViolated(all, out _)) continue;
            foreach (var c in all)
                if (StillViolated([.. all.Where(x => x != c)], out _)) Add(causes, group.Key, c.Name);
        }
        // A failing step may test what its thread read in its previous step (a local of the same
        // kernel path: uvm_swapout() read l_addr, uvm_fault_unwire() then panics on it). When the
        // state it started from holds no cause, try the state that previous step started from.
        if (!judgedAfter && causes.Count == 0 && steps.Take(n - 1).LastOrDefault(s => s.Thread == steps[n - 1].Thread) is { } previous)
        {
            at = previous.Index - 1;
            foreach (var c in LastWriters(steps, at))
                if (!(causes.TryGetValue(c.Writer.Index, out var marked) && marked.Contains(c.Name)) && !StillViolated([c], out _))
                    Add(causes, c.Writer.Index, c.Name);
        }
        if (violation.Kind == ViolationKind.Detector) AddDetectorSites(causes, violation, n);
        return new CauseReport(causes.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value), unrevertable, replays);
    }

    /// <summary>The property's report on the state; one that throws reports that, as StepCore counts it.</summary>
    private static string? Report(Func<IKernelView, string?> check, IKernelView kernel)
    {
        try
        {
            return check(kernel);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            return $"the check threw {e.GetType().Name}";
        }
    }

    /// <summary>A fact some step wrote last: its entity's key and label, its name, that step, and its value before it.</summary>
    private sealed record Candidate(string Key, string Label, string Fact, ExplainedStep Writer, string Before)
    {
        /// <summary><c>lwp 1.InMemory</c>.</summary>
        public string Name => $"{Label}.{Fact}";
    }

    /// <summary>For each fact written by steps 0..<paramref name="at"/> and present before and after: its last writer and its value before that write.</summary>
    private static List<Candidate> LastWriters(IReadOnlyList<ExplainedStep> steps, int at)
    {
        var seen = new HashSet<(string, string)>();
        var found = new List<Candidate>();
        for (int i = Math.Min(at, steps.Count - 1); i >= 0; i--)
            found.InsertRange(0, steps[i].Diff.Changes
                .Where(c => seen.Add((c.Key, c.Fact)) && c.Before is not null && c.After is not null)
                .Select(c => new Candidate(c.Key, c.Label, c.Fact, steps[i], c.Before!)).ToList());
        return found;
    }

    /// <summary>The steps a detector's report names: the free and the touch of a use after free, the last reference's drop and the reference taken after it, the access of a lock-discipline report.</summary>
    private static void AddDetectorSites(SortedDictionary<int, List<string>> causes, Violation v, int n)
    {
        if (FreedAt().Match(v.Message) is { Success: true } m)
        {
            int freed = int.Parse(m.Groups["step"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (freed >= 0 && freed < n) Add(causes, freed, $"frees {m.Groups["obj"].Value}");
            Add(causes, n - 1, $"touches freed {m.Groups["obj"].Value}");
        }
        else if (RefFromZero().Match(v.Message) is { Success: true } z)
        {
            int dropped = int.Parse(z.Groups["step"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (dropped >= 0 && dropped < n) Add(causes, dropped, $"drops the last reference of {z.Groups["obj"].Value}");
            Add(causes, n - 1, $"references dying {z.Groups["obj"].Value}");
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

    /// <summary>Discipline.Counted's report: "reference taken on a dying object: an_ref of anon 1 went from 0 to 1, set by loan2 in X; loan1 dropped the last reference at step 1 (and frees it)".</summary>
    [GeneratedRegex(@"reference taken on a dying object: \S+ of (?<obj>.+?) went from 0 to \d+, set by .+; \S+ dropped the last reference at step (?<step>\d+)")]
    private static partial Regex RefFromZero();

    /// <summary>Discipline's lock report: "lock sched_lock of l_stat (lwp 1) not held by pagedaemon in X: l_stat read while ...".</summary>
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
