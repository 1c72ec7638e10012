using System.Numerics;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// The one place that advances a kernel thread. Every driver (the Coyote actors, the in-process
/// explorer, <c>verify</c>, the schedule replayer) decides only which thread steps next and what
/// each choice returns; this class runs the step, records it in the kernel-level log, collects the
/// threads it woke, checks every invariant after it, and turns a kernel panic, a detector report or
/// any exception thrown by model or property code into a <see cref="Violation"/>. Liveness is
/// judged here too, at the end of an execution that ran to quiescence, and, once a driver asks for
/// it (<see cref="WatchCycles"/>), on an execution that does not end: a return to an earlier state
/// along a fair cycle (<see cref="CycleDetector.EveryFairScheduleEnds"/>).
/// </summary>
public sealed class StepCore
{
    /// <summary>The safety invariants, checked after every step (the catalogue's own array: no copy per schedule).</summary>
    private readonly Invariant[] _invariants;

    /// <summary>Which invariants a step brings to judgement, by the parts of the state it wrote (the catalogue's own: none built per schedule).</summary>
    private readonly JudgingPlan _plan;

    /// <summary>False until the invariants have been judged once: after the first step every one of them is.</summary>
    private bool _judged;

    /// <summary>The liveness properties, judged when the execution has ended.</summary>
    private readonly IReadOnlyList<LivenessProperty> _liveness;

    /// <summary>Told the state at boot and after every step (explain, replay --step, coverage); usually null.</summary>
    private readonly IStepListener? _listener;

    /// <summary>The threads the last step woke, for drivers that must deliver wakeups (Coyote).</summary>
    private readonly List<KernelThread> _woken = [];

    /// <summary>Records every choice of the running step for the log, whoever answers it.</summary>
    private readonly RecordingChoice _choice;

    /// <summary>Judges the fair cycles of this execution once a driver asked (<see cref="WatchCycles"/>); usually null.</summary>
    private CycleWatch? _cycles;

    /// <summary>Creates the core for a freshly booted kernel.</summary>
    public StepCore(Kernel kernel, Catalogue properties, IStepListener? listener = null)
        : this(kernel, properties, listener, null)
    {
    }

    /// <summary>
    /// Creates the core with <paramref name="log"/> emptied for this kernel, or a new log: the
    /// in-process explorer reuses one log for all its schedules, so a schedule allocates no log.
    /// </summary>
    internal StepCore(Kernel kernel, Catalogue properties, IStepListener? listener, StepLog? log)
    {
        Kernel = kernel;
        _invariants = properties.Invariants as Invariant[] ?? [.. properties.Invariants];
        _plan = properties.Plan;
        _liveness = properties.Liveness;
        _listener = listener;
        log?.Reset(kernel);
        Log = log ?? new StepLog(kernel);
        _choice = new RecordingChoice(kernel.StepChoices);
        listener?.Booted(kernel);
    }

    /// <summary>The kernel driven.</summary>
    public Kernel Kernel { get; }

    /// <summary>The kernel-level schedule so far.</summary>
    public StepLog Log { get; }

    /// <summary>The first violation, or null; once set, no further step runs.</summary>
    public Violation? Violation { get; private set; }

    /// <summary>
    /// False while the driver replays steps whose invariants it knows held (verify's replayed
    /// prefix: the same steps from the same states, judged by the run that first took them); the
    /// invariants are then not checked. Detectors and panics, which are part of the step, still are.
    /// </summary>
    internal bool Judging { get; set; } = true;

    /// <summary>
    /// Judges <see cref="CycleDetector.EveryFairScheduleEnds"/> from the current state on: after
    /// every step, a return to a state seen since, along steps in which every thread that could
    /// run ran, is a violation. A state is fingerprinted whole after every step, which costs more
    /// than the step, so drivers ask only where an execution runs long (the in-process explorer
    /// at <c>--max-steps</c>) or where a file's violation is this one (replay, shrinking). Returns
    /// false when the property is not among those judged (or the kernel has over 64 threads).
    /// A driver that watches many executions passes one <paramref name="key"/> (clockless) to all
    /// of them: a key compiles its walk of each type once, and compiling it again for every
    /// execution cost more than the fingerprints.
    /// </summary>
    public bool WatchCycles(StateKey? key = null)
    {
        if (_cycles is not null) return true;
        if (Violation is not null || !_liveness.Contains(CycleDetector.EveryFairScheduleEnds)) return false;
        _cycles = CycleWatch.From(this, key ?? new StateKey(clockless: true));
        return _cycles is not null;
    }

    /// <summary>The threads woken by the last step (cleared by the next).</summary>
    public IReadOnlyList<KernelThread> Woken => _woken;

    /// <summary>True when <paramref name="thread"/> may take its next step.</summary>
    public static bool CanRun(KernelThread thread) => !thread.Exited && thread.SleepingOn is null;

    /// <summary>
    /// Writes the indices of the threads that can take their next step into <paramref name="into"/>
    /// (at least as long as the kernel has threads) and returns how many there are.
    /// </summary>
    public int Runnable(Span<int> into)
    {
        var threads = Kernel.Threads;
        int n = 0;
        for (int i = 0; i < threads.Count; i++)
            if (CanRun(threads[i])) into[n++] = i;
        return n;
    }

    /// <summary>True when no thread can take another step: the execution has ended.</summary>
    public bool Quiescent
    {
        get
        {
            var threads = Kernel.Threads;
            for (int i = 0; i < threads.Count; i++)
                if (CanRun(threads[i])) return false;
            return true;
        }
    }

    /// <summary>
    /// Runs the next atomic step of <paramref name="thread"/>, its choices answered by
    /// <paramref name="choice"/>, then checks every invariant. Returns the step, or null when the
    /// step failed (a panic, a detector, a model crash: see <see cref="Violation"/>).
    /// </summary>
    public Step? Run(KernelThread thread, IChoice choice)
    {
        if (Violation is not null) throw new InvalidOperationException("the execution has already failed");
        if (!CanRun(thread)) throw new InvalidOperationException($"{thread.Name} cannot run");
        _woken.Clear();
        _choice.Inner = choice;
        Kernel.Choice = _choice;
        Kernel.StepChoices.Clear();
        Step step;
        try
        {
            step = thread.Advance();
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            var last = Log.LastFunctionOf(thread.Index) ?? "(boot)";
            var (site, violation) = ViolationOf(e, thread, last);
            Log.Add(thread.Index, site, StepLog.PanicKind, Kernel.StepChoices);
            _listener?.Stepped(Kernel, Log.Record(Log.Count - 1));
            Violation = violation;
            return null;
        }
        Log.Add(thread.Index, step.Function, StepLog.KindName(step.Kind), Kernel.StepChoices);
        Kernel.SleepQueues.TakeWoken(_woken);
        _listener?.Stepped(Kernel, Log.Record(Log.Count - 1));
        // A replayed prefix is watched too: a cycle may begin in it (its invariants held; a cycle that closed in it was reported by the run that first took it).
        if (!Judging)
        {
            _cycles?.Observe(this);
            return step;
        }
        // One try around the loop rather than one per invariant: the loop stays tight, and the
        // invariant that threw is the one at i. An invariant whose parts of the state no step has
        // written since it last held is not judged: its check is a pure function of them. Every
        // invariant held after the last step (judged, or skipped as unchanged since it held), so
        // "unchanged since it last held" is "none of its parts written since the last judging":
        // the parts written since then are taken before this one (a write by a check itself is
        // then judged after the next step: more judging, never less).
        int i = 0;
        string? bad = null;
        var written = Kernel.Versions.TakeWritten();
        if (!_judged) (written, _judged) = (StateDomain.All, true);
        try
        {
            if (_plan.Fits)
            {
                // The invariants due, lowest index first: the same ones, in the same order, as the loop below.
                for (UInt128 due = _plan.Due(written); due != UInt128.Zero; due &= due - UInt128.One)
                {
                    i = (int)UInt128.TrailingZeroCount(due);
                    if ((bad = _invariants[i].Check(Kernel)) is not null) break;
                }
            }
            else
            {
                for (; i < _invariants.Length; i++)
                    if (_plan.IsDue(i, written) && (bad = _invariants[i].Check(Kernel)) is not null) break;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            var thrower = _invariants[i];
            Violation = new Violation(ViolationKind.Invariant, thrower.Name,
                $"{Violation.Tag(ViolationKind.Invariant, thrower.Name)} the invariant threw {e.GetType().Name}: {OneLine(e.Message)} After {thread.Name}: {step.Function}.");
            return null;
        }
        if (bad is not null)
        {
            var inv = _invariants[i];
            Violation = new Violation(ViolationKind.Invariant, inv.Name, $"{inv.Describe(bad)} After {thread.Name}: {step.Function}.");
            return null;
        }
        if (_cycles?.Observe(this) is >= 0 and var from)
        {
            var p = CycleDetector.EveryFairScheduleEnds;
            Violation = new Violation(ViolationKind.Liveness, p.Name, $"{Violation.Tag(ViolationKind.Liveness, p.Name)} {p.Summary} {_cycles.Describe(this, from)}.");
            return null;
        }
        return step;
    }

    /// <summary>
    /// Judges the liveness properties of an execution that has ended (quiescent): the first still
    /// pending becomes the violation. Does nothing while some thread can still run.
    /// </summary>
    public Violation? JudgeEnd()
    {
        if (Violation is not null || !Quiescent) return Violation;
        for (int i = 0; i < _liveness.Count; i++)
        {
            var p = _liveness[i];
            string? pending;
            try
            {
                pending = p.Pending(Kernel);
            }
            catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
            {
                return Violation = new Violation(ViolationKind.Liveness, p.Name,
                    $"{Violation.Tag(ViolationKind.Liveness, p.Name)} the property threw {e.GetType().Name}: {OneLine(e.Message)}");
            }
            if (pending is not null) return Violation = new Violation(ViolationKind.Liveness, p.Name, p.Describe(pending));
        }
        return null;
    }

    /// <summary>The violation a failed step stands for: a kernel panic by its site, anything else as a model crash.</summary>
    private static (string Site, Violation Violation) ViolationOf(Exception e, KernelThread thread, string last)
    {
        if (e is DetectorViolationException detector)
            return (detector.Detector, new Violation(ViolationKind.Detector, detector.Detector,
                $"{Violation.Tag(ViolationKind.Detector, detector.Detector)} detector: {detector.Detector}: {detector.Detail} (in {thread.Name})"));
        if (e is KernelPanicException panic)
            return (panic.Site, new Violation(ViolationKind.Panic, panic.Site,
                $"{Violation.Tag(ViolationKind.Panic, panic.Site)} panic: {panic.Site}: {panic.Detail} (in {thread.Name})"));
        // A model crash is reported like a panic of the model itself, so it is shrunk, written,
        // replayed and explained like any other failure.
        var site = e.GetType().Name;
        var where = e.TargetSite is { } m ? $" at {m.DeclaringType?.Name}.{m.Name}" : "";
        return (site, new Violation(ViolationKind.Panic, site,
            $"{Violation.Tag(ViolationKind.Panic, site)} panic: {site} in {thread.Name}: after {last}: {OneLine(e.Message)}{where}"));
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>Passes each choice to the driver's answer and appends the answer to the step's list.</summary>
    private sealed class RecordingChoice(List<int> record) : IChoice
    {
        public IChoice Inner { get; set; } = null!;

        public bool Boolean()
        {
            bool b = Inner.Boolean();
            record.Add(b ? 1 : 0);
            return b;
        }

        public int Integer(int maxExclusive)
        {
            int n = Inner.Integer(maxExclusive);
            record.Add(n);
            return n;
        }
    }
}
