using System.Diagnostics;
using Uvm.Model;
using Uvm.Model.Core;

namespace Uvm.Scenarios.Engine;

/// <summary>What <c>uvmcheck verify</c> established.</summary>
public sealed record VerifyResult(
    int Bound,
    long Schedules,
    long Steps,
    long DistinctStates,
    TimeSpan Elapsed,
    bool Complete,
    int CutSchedules,
    Counterexample? Counterexample,
    int? PreemptionsToBug)
{
    /// <summary>True when a violation was found.</summary>
    public bool FoundBug => Counterexample is not null;
}

/// <summary>
/// Bounded-exhaustive search (<c>uvmcheck verify</c>): every schedule of a workload with at most
/// <c>c</c> preemptions, by iterative context bounding (Musuvathi and Qadeer, PLDI 2007). A
/// preemption is a switch away from a thread that could have taken its next step; switching
/// when the running thread sleeps or exits is free, and every nondeterministic choice of the
/// model is branched too. Bounds 0, 1, ... c are searched in turn, so a bug is reported with its
/// minimal preemption count. The search is stateless: each schedule re-runs from boot along a
/// prefix of decisions, depth first. Distinct kernel states (a hash of the kernel view, not of
/// the threads' program counters) are counted, as TLC counts states, but never used to prune:
/// the threads' locals are not in the view, so pruning on it would not be sound.
/// </summary>
public static class Verifier
{
    /// <summary>
    /// Explores every schedule of <paramref name="request"/> with at most <paramref name="bound"/>
    /// preemptions, stopping early at the first violation, when <paramref name="cancel"/> fires,
    /// or after <paramref name="maxSchedules"/> schedules (then the result is not complete).
    /// </summary>
    public static VerifyResult Run(RunRequest request, int bound, long maxSchedules = long.MaxValue, CancellationToken cancel = default,
        Action? onSchedule = null, bool countStates = true)
    {
        var clock = Stopwatch.StartNew();
        var states = new HashSet<ulong>();
        long schedules = 0, steps = 0;
        int cut = 0;
        for (int c = 0; c <= bound; c++)
        {
            var search = new Search(request, c, countStates ? states : null);
            while (search.Next() is { } core)
            {
                steps += core.Log.Count;
                if (search.LastWasCut) cut++;
                // Schedules with fewer preemptions were explored at a lower bound already.
                if (search.LastPreemptions == c) schedules++;
                onSchedule?.Invoke();
                if (core.Violation is { } v)
                {
                    var cx = request.CounterexampleOf(v, core.Log.Records(), (int)Math.Min(int.MaxValue, schedules),
                        settings: request.Settings with { Engine = EngineKind.Direct, Iterations = 1 });
                    return new VerifyResult(bound, schedules, steps, states.Count, clock.Elapsed, false, cut, cx, c);
                }
                if (schedules >= maxSchedules || cancel.IsCancellationRequested)
                    return new VerifyResult(bound, schedules, steps, states.Count, clock.Elapsed, false, cut, null, null);
            }
        }
        return new VerifyResult(bound, schedules, steps, states.Count, clock.Elapsed, true, cut, null, null);
    }

    /// <summary>One decision point: its options, the one taken, and what each costs in preemptions.</summary>
    private sealed class Frame(int[] options, int[] costs)
    {
        public int[] Options { get; } = options;
        public int[] Costs { get; } = costs;
        public int Taken { get; set; }
    }

    /// <summary>The depth-first search at one preemption bound, one schedule per <see cref="Next"/>.</summary>
    private sealed class Search(RunRequest request, int bound, HashSet<ulong>? states) : IChoice
    {
        private readonly StateHash _hash = new();
        private readonly List<Frame> _stack = [];
        private int _depth;
        private int _spent;
        private bool _started;

        public bool LastWasCut { get; private set; }
        public int LastPreemptions { get; private set; }

        /// <summary>Runs the next schedule, or returns null when the bound is exhausted.</summary>
        public StepCore? Next()
        {
            if (_started && !Backtrack()) return null;
            _started = true;
            _depth = 0;
            _spent = 0;
            var core = new StepCore(KernelBuilder.Build(request.Workload, request.Config), request.Properties);
            var threads = core.Kernel.Threads;
            int last = -1;
            LastWasCut = false;
            Span<int> runnable = stackalloc int[threads.Count];
            while (true)
            {
                states?.Add(_hash.Of(core.Kernel));
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
                int pick = Decide(runnable[..n], last, threads);
                if (core.Run(threads[pick], this) is null) break;
                last = pick;
            }
            LastPreemptions = _spent;
            return core;
        }

        /// <summary>The thread to run: along the current prefix, or, past it, the cheapest option (keep the last thread).</summary>
        private int Decide(ReadOnlySpan<int> runnable, int last, List<KernelThread> threads)
        {
            // Going on with the last thread is free; so is any switch once it cannot go on, or
            // after a clock tick (time passes while the others run). Ticking early, before the
            // others are done, costs a preemption like any other switch away from a runnable thread.
            bool lastGoesOn = runnable.IndexOf(last) >= 0 && !threads[last].IsTimer;
            if (_depth == _stack.Count)
            {
                var options = runnable.ToArray();
                var costs = new int[options.Length];
                for (int i = 0; i < options.Length; i++)
                    costs[i] = lastGoesOn ? (options[i] == last ? 0 : 1) : (threads[options[i]].IsTimer && runnable.Length > 1 ? 1 : 0);
                // The free options first, in thread order: the search's first schedule runs each
                // thread as far as it goes and ticks the clock only when nothing else can run.
                var order = Enumerable.Range(0, options.Length).OrderBy(i => costs[i]).ThenBy(i => options[i]).ToArray();
                _stack.Add(new Frame([.. order.Select(i => options[i])], [.. order.Select(i => costs[i])]));
            }
            var f = _stack[_depth++];
            _spent += f.Costs[f.Taken];
            return f.Options[f.Taken];
        }

        /// <summary>A choice of the model, branched over every value.</summary>
        private int Choose(int count)
        {
            if (_depth == _stack.Count)
                _stack.Add(new Frame(Enumerable.Range(0, Math.Max(1, count)).ToArray(), new int[Math.Max(1, count)]));
            var f = _stack[_depth++];
            return f.Options[Math.Min(f.Taken, f.Options.Length - 1)];
        }

        bool IChoice.Boolean() => Choose(2) == 1;

        int IChoice.Integer(int maxExclusive) => Choose(maxExclusive);

        /// <summary>Moves to the next untried option within the bound, deepest first; false when none is left.</summary>
        private bool Backtrack()
        {
            _stack.RemoveRange(_depth, _stack.Count - _depth);
            while (_stack.Count > 0)
            {
                var f = _stack[^1];
                int spentBefore = SpentBefore(_stack.Count - 1);
                for (int next = f.Taken + 1; next < f.Options.Length; next++)
                {
                    if (spentBefore + f.Costs[next] > bound) continue;
                    f.Taken = next;
                    return true;
                }
                _stack.RemoveAt(_stack.Count - 1);
            }
            return false;
        }

        private int SpentBefore(int depth)
        {
            int spent = 0;
            for (int i = 0; i < depth; i++) spent += _stack[i].Costs[_stack[i].Taken];
            return spent;
        }
    }
}
