using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>A thread asleep in the sense of sleep sets: its next step need not be tried here.</summary>
internal readonly record struct SleepEntry(int Thread, StepFootprint Footprint);

/// <summary>
/// One decision point: its options, the one taken, what each costs in preemptions and, for a
/// choice of thread, what each option's step touched and whether it left its thread unable to
/// run, over every run through it so far, and the threads asleep here.
/// </summary>
internal sealed class Frame(int[] options, int[] costs, bool isThread, SleepEntry[] sleep)
{
    public int[] Options { get; } = options;
    public int[] Costs { get; } = costs;
    public bool IsThread { get; } = isThread;
    public SleepEntry[] Sleep { get; } = sleep;
    public StepFootprint[] Done { get; } = new StepFootprint[options.Length];
    public bool[] Ran { get; } = new bool[options.Length];
    public bool[] Stops { get; } = new bool[options.Length];
    public int Taken { get; set; }

    /// <summary>Options from here on are not this search's: another thread took them (<see cref="VerifySearch.Donate"/>).</summary>
    public int End { get; set; } = options.Length;

    public bool Asleep(int thread) => Array.Exists(Sleep, e => e.Thread == thread);

    /// <summary>A copy that later runs through this frame do not change (a subtree handed to a worker).</summary>
    public Frame Snapshot()
    {
        var copy = new Frame(Options, Costs, IsThread, Sleep) { Taken = Taken, End = End };
        Array.Copy(Done, copy.Done, Done.Length);
        Array.Copy(Ran, copy.Ran, Ran.Length);
        Array.Copy(Stops, copy.Stops, Stops.Length);
        return copy;
    }
}

/// <summary>
/// The depth-first search at one preemption bound, one schedule per <see cref="Next"/>, with
/// sleep sets when <paramref name="por"/> is on (the rule and its guarantee: docs/verify.md).
/// Given a <paramref name="prefix"/>, it searches only the subtree below those frames, which it
/// never backtracks. With a <paramref name="frontierDepth"/>, it stops each run at the first step
/// boundary at or past that many frames and hands the frames so far out as a
/// <see cref="Frontier"/> instead of going deeper (<see cref="Verifier"/> splits the tree so).
/// Each schedule re-runs from boot along the last one's decisions up to the frame that
/// <see cref="Backtrack"/> changed; that replay is deterministic, so its states were counted and
/// its steps' footprints recorded by an earlier run, and both are skipped there unless
/// <paramref name="hashReplay"/> asks for the old, slower behaviour (kept to test that the counts agree).
/// With a <paramref name="cache"/>, a run past the replay stops at a new decision whose state the
/// cache saw explored (<see cref="LastPruned"/>), fingerprinted by <paramref name="stateKey"/>.
/// </summary>
internal sealed class VerifySearch(RunRequest request, int bound, HashSet<ulong>? states, bool por,
    IReadOnlyList<Frame>? prefix = null, int frontierDepth = int.MaxValue, bool hashReplay = false, StateHash? hash = null, int? floor = null,
    StateCache? cache = null, StateKey? stateKey = null) : IChoice, IStateShown
{
    /// <summary>The fingerprinter of this thread's searches, for the cache; its compiled walks are costly to build.</summary>
    private readonly StateKey? _stateKey = cache is null ? null : stateKey ?? new StateKey();

    /// <summary>The hasher; its compiled readers are costly to build, so a worker passes one to all its searches.</summary>
    private readonly StateHash _hash = hash ?? new();
    private readonly List<Frame> _stack = prefix is null ? [] : [.. prefix];
    /// <summary>Frames below it are never backtracked: the prefix's, or all but the last of a donated prefix.</summary>
    private readonly int _floor = floor ?? prefix?.Count ?? 0;
    private int _depth;
    private int _spent;
    private bool _started;
    private StepLog? _log;

    /// <summary>The deepest frame the current run replays unchanged (-1: none); states past it are new.</summary>
    private int _replayed;

    /// <summary>Where the distinct states of the runs from now on go; null to count none.</summary>
    public HashSet<ulong>? States { get; set; } = states;

    /// <summary>The frames at which the last run stopped at the frontier depth, copied; null if it did not.</summary>
    public IReadOnlyList<Frame>? Frontier { get; private set; }

    /// <summary>The thread frame of the last step run in this schedule, its footprint, and whether a timer ran it.</summary>
    private int _parent;
    private StepFootprint _lastStep = StepFootprint.All;

    /// <summary>Records each step's accesses to the state recorded per object; null without the reduction.</summary>
    private readonly AccessRecorder? _recorder = por ? new AccessRecorder() : null;
    private bool _lastTimer;

    public bool LastWasCut { get; private set; }

    /// <summary>True when the last run stopped because every runnable thread was asleep or over the bound.</summary>
    public bool LastBlocked { get; private set; }

    public int LastPreemptions { get; private set; }

    /// <summary>True when the last run stopped at a state the state cache had seen explored with as much left to explore (docs/verify.md, "State caching").</summary>
    public bool LastPruned { get; private set; }

    /// <summary>The last thread run in this schedule (-1 before the first step), and the fair scheduler of this schedule: what decides the cost and the choice of the next thread, and so the search's part of a cached state.</summary>
    private int _last = -1;
    private Fairness? _fairness;

    /// <summary>The clockless key every run of this search is watched with (--cycles): its walks are compiled once.</summary>
    private StateKey? _cycleKey;

    /// <summary>Runs the next schedule, or returns null when the bound is exhausted.</summary>
    public StepCore? Next()
    {
        // The first run below a prefix replays it: its last state was counted by the run that cut it there.
        if (_started && !Backtrack()) return null;
        _replayed = _started ? _stack.Count - 1 : _floor - 1;
        _started = true;
        _depth = 0;
        _spent = 0;
        _parent = -1;
        // Footprints are recorded from the thread step that holds the first changed frame on:
        // that step ran with another option or choice, and each later frame's sleep set needs it.
        int recordFrom = _replayed;
        while (recordFrom > 0 && !_stack[recordFrom].IsThread) recordFrom--;
        int hashFrom = hashReplay ? 0 : Math.Max(_replayed + 1, _floor == 0 ? 0 : _floor + 1);
        // One step log for all runs of this search: a run allocates none (the caller reads it before the next run).
        var core = new StepCore(KernelBuilder.Build(request.Workload, request.Config), request.Properties, null, _log);
        _log = core.Log;
        // A state met again along one schedule is a cycle: judged here (EveryFairScheduleEnds), where the cache would prune it.
        if (request.VerifyCycles) core.WatchCycles(_cycleKey ??= new StateKey(clockless: true));
        var footprints = por ? new StepFootprints(core.Kernel) : null;
        var threads = core.Kernel.Threads;
        _fairness = request.FairVerify ? new Fairness(threads.Count) : null;
        _last = -1;
        LastWasCut = LastBlocked = LastPruned = false;
        Frontier = null;
        Span<int> runnable = stackalloc int[threads.Count];
        while (true)
        {
            if (_depth >= hashFrom) States?.Add(_hash.Of(core.Kernel));
            int n = core.Runnable(runnable);
            if (n == 0)
            {
                core.JudgeEnd();
                break;
            }
            if (core.Log.Count >= request.Settings.MaxSteps)
            {
                LastWasCut = true;
                break;
            }
            if (_depth >= frontierDepth)
            {
                Frontier = [.. _stack.Take(_depth).Select(f => f.Snapshot())];
                break;
            }
            int frame = _depth;
            bool record = footprints is not null && (hashReplay || frame >= recordFrom);
            core.Kernel.Accesses = record ? _recorder : null;
            // A step before the one that holds the first changed frame is a replay: the same step
            // from the same state as in the run that first took it, whose invariants held then.
            core.Judging = hashReplay || frame >= recordFrom;
            if (_fairness is not null) n = _fairness.Schedulable(runnable[..n]);
            int pick = Decide(runnable[..n], threads, core);
            if (pick == Pruned)
            {
                LastPruned = true;
                break;
            }
            if (pick < 0)
            {
                LastBlocked = true;
                break;
            }
            var step = core.Run(threads[pick], this);
            // A step that changes the fair scheduler's priorities changes which threads may run next: dependent on every step.
            bool reprioritised = step is { } ran && _fairness is not null && _fairness.Ran(pick, ran);
            if (record)
                Record(frame, threads[pick], step is { } s && !reprioritised ? StepFootprint.Of(footprints!.Of(threads[pick], s), _recorder!.Take()) : StepFootprint.All,
                    step is { Kind: not StepKind.Continue });
            if (step is null) break;
            _last = pick;
        }
        LastPreemptions = _spent;
        return core;
    }

    /// <summary>What <see cref="Decide"/> returns for a state the cache had seen explored.</summary>
    private const int Pruned = -2;

    /// <summary>
    /// The thread to run among <paramref name="runnable"/> (those fairness lets run): along the
    /// current prefix, or, past it, the cheapest option awake and within the bound; -1 if none,
    /// <see cref="Pruned"/> past the prefix at a state the state cache had seen explored with no
    /// fewer steps left before the cut and no thread asleep that is awake here.
    /// </summary>
    private int Decide(ReadOnlySpan<int> runnable, List<KernelThread> threads, StepCore core)
    {
        int last = _last;
        // Going on with the last thread is free; so is any switch once it cannot go on, or
        // after a clock tick (time passes while the others run). Ticking early, before the
        // others are done, costs a preemption like any other switch away from a runnable thread.
        // A thread the fair scheduler holds back is not in runnable: it cannot go on.
        bool lastGoesOn = runnable.IndexOf(last) >= 0 && !threads[last].IsTimer;
        if (_depth == _stack.Count)
        {
            var options = new int[runnable.Length];
            var costs = new int[runnable.Length];
            // The free options first, in thread order: the search's first schedule runs each
            // thread as far as it goes and ticks the clock only when nothing else can run.
            // (An insertion sort by cost, then thread: a handful of options, no allocation.)
            for (int i = 0; i < runnable.Length; i++)
            {
                int option = runnable[i];
                int cost = lastGoesOn ? (option == last ? 0 : 1) : (threads[option].IsTimer && runnable.Length > 1 ? 1 : 0);
                int j = i;
                for (; j > 0 && (costs[j - 1] > cost || costs[j - 1] == cost && options[j - 1] > option); j--)
                    (options[j], costs[j]) = (options[j - 1], costs[j - 1]);
                (options[j], costs[j]) = (option, cost);
            }
            var f = new Frame(options, costs, isThread: true, por ? ChildSleep(threads) : []);
            int first = 0;
            while (first < f.Options.Length && (f.Asleep(f.Options[first]) || _spent + f.Costs[first] > bound)) first++;
            if (first == f.Options.Length) return -1;
            f.Taken = first;
            // Only where the search branches: a state with one option left leads, step by step, to
            // the next state that branches (or to the end), which the cache is asked about then.
            _lastGoesOn = lastGoesOn;
            if (cache is not null && NextOption(f, _spent) >= 0 && cache.Covered(_stateKey!, core.Kernel, this, core.Log.Count, _spent, f.Sleep)) return Pruned;
            _stack.Add(f);
        }
        var frame = _stack[_depth++];
        _spent += frame.Costs[frame.Taken];
        return frame.Options[frame.Taken];
    }

    /// <summary>Whether the last thread run could go on at the decision the state cache is asked about.</summary>
    private bool _lastGoesOn;

    /// <summary>
    /// The search's part of a cached state: what decides the options here and what they cost, beside
    /// the kernel: the last thread run, where going on with it is free (after it slept, exited or
    /// ticked, every switch costs the same whoever it was), and the fair scheduler's priorities.
    /// The preemptions spent are not part of it: a visit with fewer spent covers one with more
    /// (<see cref="StateCache"/>).
    /// </summary>
    public void Show(IStateMixer state)
    {
        state.Value(_lastGoesOn ? _last : -1);
        _fairness?.Show(state);
    }

    /// <summary>
    /// The sleep set after the step just run (thread u of the parent frame): the parent's sleepers
    /// and the parent's options explored before u that the rule admits, keeping those independent
    /// of u's step. An option t is admitted if it is no timer and its step always left it unable to
    /// run, or it cost fewer preemptions than u: then running t first never costs more than the
    /// schedule it stands for (docs/verify.md). A timer's step is dependent on every step.
    /// </summary>
    private SleepEntry[] ChildSleep(List<KernelThread> threads)
    {
        if (_parent < 0 || _lastTimer) return [];
        var p = _stack[_parent];
        var kept = new List<SleepEntry>();
        foreach (var e in p.Sleep)
            if (e.Footprint.IndependentOf(_lastStep)) kept.Add(e);
        for (int j = 0; j < p.Taken; j++)
        {
            if (!p.Ran[j] || threads[p.Options[j]].IsTimer) continue;
            if (!(p.Stops[j] || p.Costs[j] < p.Costs[p.Taken])) continue;
            if (p.Done[j].IndependentOf(_lastStep)) kept.Add(new SleepEntry(p.Options[j], p.Done[j]));
        }
        return [.. kept];
    }

    /// <summary>Adds the step just run to its frame's record: the union of footprints, whether it always stops its thread.</summary>
    private void Record(int frame, KernelThread thread, StepFootprint footprint, bool stops)
    {
        var f = _stack[frame];
        int t = f.Taken;
        f.Done[t] = f.Ran[t] ? f.Done[t].Union(footprint) : footprint;
        f.Stops[t] = (!f.Ran[t] || f.Stops[t]) && stops;
        f.Ran[t] = true;
        _parent = frame;
        _lastStep = footprint;
        _lastTimer = thread.IsTimer;
    }

    /// <summary>A choice of the model, branched over every value.</summary>
    private int Choose(int count)
    {
        if (_depth == _stack.Count)
            _stack.Add(new Frame([.. Enumerable.Range(0, Math.Max(1, count))], new int[Math.Max(1, count)], isThread: false, []));
        var f = _stack[_depth++];
        return f.Options[Math.Min(f.Taken, f.Options.Length - 1)];
    }

    bool IChoice.Boolean() => Choose(2) == 1;

    int IChoice.Integer(int maxExclusive) => Choose(maxExclusive);

    /// <summary>Moves to the next untried option within the bound and awake, deepest first; false when none is left.</summary>
    private bool Backtrack()
    {
        _stack.RemoveRange(_depth, _stack.Count - _depth);
        while (_stack.Count > _floor)
        {
            var f = _stack[^1];
            if (NextOption(f, SpentBefore(_stack.Count - 1)) is int next and >= 0)
            {
                f.Taken = next;
                return true;
            }
            _stack.RemoveAt(_stack.Count - 1);
        }
        return false;
    }

    /// <summary>
    /// Between runs, gives away the rest of this search's subtree after the current option of its
    /// shallowest frame with an option left to try (frames below it have none), when that frame
    /// chooses a thread and its taken step's footprint is final (no choice of that step is left to
    /// try): the frames down to it, copied, that frame on its next option, to be searched with
    /// that frame as floor. This search then ends after its current option there. The donated
    /// subtree's sleep sets need only the footprints of the options before, so it is searched as
    /// this search would have, and follows this search's remaining runs in depth-first order.
    /// Returns null when there is nothing to give.
    /// </summary>
    public IReadOnlyList<Frame>? Donate()
    {
        int spent = 0;
        for (int d = 0; d < _depth; d++)
        {
            var f = _stack[d];
            if (d >= _floor && NextOption(f, spent) is int k and >= 0)
            {
                for (int c = d + 1; c < _depth && !_stack[c].IsThread; c++)
                    if (_stack[c].Taken < _stack[c].Options.Length - 1) return null;
                if (!f.IsThread) return null;
                var given = _stack.Take(d + 1).Select(x => x.Snapshot()).ToList();
                given[d].Taken = k;
                f.End = k;
                return given;
            }
            spent += f.Costs[f.Taken];
        }
        return null;
    }

    /// <summary>The first option of <paramref name="f"/> after its taken one that is awake and within the bound, or -1.</summary>
    private int NextOption(Frame f, int spentBefore)
    {
        for (int next = f.Taken + 1; next < f.End; next++)
            if (spentBefore + f.Costs[next] <= bound && !(f.IsThread && f.Asleep(f.Options[next]))) return next;
        return -1;
    }

    private int SpentBefore(int depth)
    {
        int spent = 0;
        for (int i = 0; i < depth; i++) spent += _stack[i].Costs[_stack[i].Taken];
        return spent;
    }
}
