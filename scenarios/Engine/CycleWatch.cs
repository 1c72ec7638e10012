using System.Text;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Properties;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// Judges <see cref="CycleDetector.EveryFairScheduleEnds"/> along one execution: from the state it
/// starts in, it fingerprints the state after every step (<see cref="StateKey"/>, the whole
/// kernel with every thread's position and locals) and remembers where each state was first
/// seen and which threads could run in it. A step that comes back to a state seen before closes
/// a cycle; the cycle is fair when every thread that could run in one of its states ran one of
/// its steps. Then the cycle can repeat forever under a strongly fair scheduler and the
/// execution need never end: a violation. An unfair return (a thread could run throughout and
/// was never picked) proves nothing, and the watch goes on.
/// </summary>
internal sealed class CycleWatch : IStateShown
{
    /// <summary>The key of states without their clock (<see cref="ClockAttribute"/>): what the clock decides, <see cref="Show"/> adds.</summary>
    private readonly StateKey _key;

    /// <summary>The kernel watched.</summary>
    private readonly Kernel _kernel;

    /// <summary>The workload's seconds, which the clock counts to (0 without a clock).</summary>
    private readonly int _seconds;

    /// <summary>The log position (steps taken) at which each state was first seen.</summary>
    private readonly Dictionary<StateFingerprint, int> _first = [];

    /// <summary>The threads that could run in each state seen, from <see cref="_from"/> on (bit i: thread i).</summary>
    private readonly List<ulong> _runnable = [];

    /// <summary>The log position of the first state watched.</summary>
    private readonly int _from;

    private CycleWatch(StepCore core, StateKey key)
    {
        _key = key;
        _kernel = core.Kernel;
        _seconds = core.Kernel.Threads.OfType<ClockThread>().FirstOrDefault()?.Seconds ?? 0;
        _from = core.Log.Count;
        Observe(core);
    }

    /// <summary>
    /// The kernel steps a schedule may take once it is watched from <paramref name="maxSteps"/>
    /// on: as many again (saturating), in every engine that explores.
    /// </summary>
    public static int WatchedBound(int maxSteps) => (int)Math.Min(2L * maxSteps, int.MaxValue);

    /// <summary>A watch from <paramref name="core"/>'s current state with <paramref name="key"/> (a clockless one), or null when its kernel has more threads than a mask holds.</summary>
    public static CycleWatch? From(StepCore core, StateKey key) => core.Kernel.Threads.Count > 64 ? null : new CycleWatch(core, key);

    /// <summary>
    /// Records the state the last step reached; returns the log position at which the fair cycle
    /// it closes began, or -1.
    /// </summary>
    public int Observe(StepCore core)
    {
        int now = core.Log.Count;
        var threads = core.Kernel.Threads;
        ulong runnable = 0;
        for (int t = 0; t < threads.Count; t++)
            if (StepCore.CanRun(threads[t])) runnable |= 1UL << t;
        _runnable.Add(runnable);
        var state = _key.Of(core.Kernel, this);
        if (!_first.TryGetValue(state, out int from))
        {
            _first[state] = now;
            return -1;
        }
        // The first visit, not the latest: the longest cycle through the state is the likeliest fair.
        var (could, ran) = Threads(core, from, now);
        return (could & ~ran) == 0 ? from : -1;
    }

    /// <summary>
    /// What the clock's fields decide, all a kernel path reads of them: the time against the
    /// workload's seconds (ClockThread ticks until then); per LWP, l_slptime against 0 and
    /// maxslp and l_swtime against 0 (uvm_swapout_threads() swaps a sleeper out at maxslp and
    /// ranks from 0 up); and the order of each pair of LWPs by l_swtime, by l_slptime and by
    /// their sum, ties included (the swapper's outl2 and outl, uvm_scheduler()'s pick: the first
    /// of the largest), the kernel threads' LWPs with the processes' (the walk of alllwp meets
    /// both). Every tick ages every LWP of a class alike (l_swtime all, l_slptime the sleepers),
    /// and the kernel compares ages within a class, so a loop that lets the clock run comes back
    /// to the same of these, unless it crosses a threshold or reorders the LWPs, and then its
    /// states differ.
    /// </summary>
    public void Show(IStateMixer state)
    {
        var k = _kernel;
        state.Value(Math.Min(k.Time, _seconds));
        // alllwp: the processes' LWPs, then the kernel threads' (indexed in place: no list per step).
        var (procs, kthreads) = (k.Lwps, k.KthreadLwps);
        int n = procs.Count + kthreads.Count;
        Model.Sched.Lwp At(int i) => i < procs.Count ? procs[i] : kthreads[i - procs.Count];
        int maxSlp = k.Uvmexp.MaxSlp;
        for (int i = 0; i < n; i++)
        {
            var a = At(i);
            state.Value(Math.Min(a.SlpTime, maxSlp));
            state.Value(Math.Min(a.SwTime, 1));
            for (int j = i + 1; j < n; j++)
            {
                var b = At(j);
                state.Value(Math.Sign(a.SwTime - b.SwTime));
                state.Value(Math.Sign(a.SlpTime - b.SlpTime));
                state.Value(Math.Sign(a.SwTime + a.SlpTime - b.SwTime - b.SlpTime));
            }
        }
    }

    /// <summary>The threads that could run in the states at log positions [from, to) and those that ran the steps from them.</summary>
    private (ulong Could, ulong Ran) Threads(StepCore core, int from, int to)
    {
        ulong could = 0, ran = 0;
        for (int s = from; s < to; s++)
        {
            could |= _runnable[s - _from];
            ran |= 1UL << core.Log.ThreadOf(s);
        }
        return (could, ran);
    }

    /// <summary>What the cycle at log positions [<paramref name="from"/>, now) shows: its length, who ran it, and what has not finished.</summary>
    public string Describe(StepCore core, int from)
    {
        int to = core.Log.Count;
        var threads = core.Kernel.Threads;
        var counts = new int[threads.Count];
        for (int s = from; s < to; s++) counts[core.Log.ThreadOf(s)]++;
        var text = new StringBuilder();
        // Steps are numbered as the schedule's listing and explain number them, from 0: the state after
        // n steps is the state after step n - 1 (a use-after-free report names its steps so too).
        text.Append($"After step {to - 1} the kernel is back in the state it was in {(from == 0 ? "at boot" : $"after step {from - 1}")}; the {to - from} steps {from}-{to - 1} (");
        text.AppendJoin(", ", Enumerable.Range(0, threads.Count).Where(t => counts[t] > 0).Select(t => $"{threads[t].Name} {counts[t]}"));
        text.Append(") can repeat forever, and every thread that could run in them ran in them");
        // What is left undone: the threads asleep other than idle in their main loops, and the LWPs whose programs have not ended.
        var waiting = threads.Where(t => !t.Exited && (t.SleepingOn is not { } c || !t.IdlesOn(c))).Select(t => t.SleepingOn is { } c ? $"{t.Name} asleep on {c}" : t.Name)
            .Concat(core.Kernel.Lwps.Where(l => !l.Finished).Select(l => $"{l} of pid {l.Proc.Pid} {l.Stat}{(l.InMemory ? "" : " swapped out")}"))
            .ToList();
        if (waiting.Count > 0)
        {
            text.Append("; left undone: ");
            text.AppendJoin(", ", waiting);
        }
        return text.ToString();
    }

    /// <summary>
    /// A fair cycle found by watching from <c>--max-steps</c> on, as a file holds it: the schedule
    /// up to the first fair cycle seen when watching from the first state, as replay and
    /// shrinking watch. There is one by the step that closed <paramref name="found"/>: the first
    /// visit of its state is no later than the one the watch saw, and a thread that could run
    /// between the two visits and did not run would still be able to run in the watched cycle
    /// (only its own step puts it to sleep or ends it), which then was not fair.
    /// </summary>
    public static (Violation, List<StepRecord>) FirstCycle(RunRequest request, List<StepRecord> records, Violation found)
    {
        var run = ScheduleReplayer.Follow(request.Workload, request.Config, request.Properties, records, FollowMode.Labels, watchCycles: true);
        return run.Violation?.Id == found.Id && run.FollowedToTheEnd ? (run.Violation, [.. run.Steps]) : (found, records);
    }
}
