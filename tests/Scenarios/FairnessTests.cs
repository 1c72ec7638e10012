using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The fair scheduler of verify (scenarios/Engine/Fairness.cs, docs/verify.md "Fairness"): a
/// thread whose retries after uvm_wait() at once slept there again runs again only after every
/// thread that could run meanwhile has run, which ends exit-reaper's uvm_wait()/pagedaemon ping-pong.
/// </summary>
public sealed class FairnessTests
{
    private static readonly WaitChannel FreeMemory = new("uvmexp.free");

    [Fact]
    public void AThreadThatYieldedWaitsForTheThreadsThatCouldRunMeanwhile()
    {
        var fair = new Fairness(3);
        Assert.Equal(2, Schedulable(fair, 0, 2)); // nobody yielded: both may run

        fair.Ran(0, Step.Sleep("uvm_wait: flt_noram5", FreeMemory)); // the first wait: what follows it is a retry
        for (int wait = 1; wait < Fairness.Patience; wait++)
        {
            fair.Ran(0, Step.Sleep("uvm_wait: flt_noram5", FreeMemory)); // waits before the patience runs out: no yield
            Assert.Equal([0, 2], Only(fair, 0, 2));
        }
        fair.Ran(0, Step.Sleep("uvm_wait: flt_noram5", FreeMemory)); // the last retry waited at once again: a yield while 2 could run
        Assert.Equal([0, 1], Only(fair, 0, 1)); // 2 holds 0 back only while 2 can run
        Assert.Equal([2], Only(fair, 0, 2)); // 2 could run since 0's last yield and has not run
        fair.Ran(2, Step.Ran("reaper"));
        Assert.Equal([0, 2], Only(fair, 0, 2)); // 2 ran: 0 may run again
    }

    [Fact]
    public void AWaitAfterARetryThatGotFurtherIsNoYield()
    {
        var fair = new Fairness(2);
        Schedulable(fair, 0, 1);
        for (int wait = 0; wait < Fairness.Patience; wait++) fair.Ran(0, Step.Sleep("uvm_wait: flt_noram5", FreeMemory));
        fair.Ran(0, Step.Ran("uvm_fault"));
        Schedulable(fair, 0, 1); // 1 could run since the last wait and has not run
        fair.Ran(0, Step.Sleep("uvm_wait: flt_noram5", FreeMemory));
        Assert.Equal([0, 1], Only(fair, 0, 1));
    }

    /// <summary>
    /// proc0's uvm_scheduler() loop drops the proclist lock in a step of its own before each
    /// uvm_wait("schedpwait"): the same steps before each wait are the same retry, so it yields.
    /// </summary>
    [Fact]
    public void ARetryThatTakesTheSameStepsBeforeEachWaitYields()
    {
        var fair = new Fairness(2);
        fair.Ran(0, Step.Sleep("uvm_wait: schedpwait", FreeMemory)); // the first wait: what follows it is a retry
        for (int wait = 1; wait <= Fairness.Patience; wait++)
        {
            Assert.Equal([0, 1], Only(fair, 0, 1)); // no yield yet
            fair.Ran(0, Step.Ran("uvm_scheduler: proclist_unlock_read"));
            Schedulable(fair, 0, 1);
            fair.Ran(0, Step.Sleep("uvm_wait: schedpwait", FreeMemory));
        }
        Assert.Equal([1], Only(fair, 0, 1)); // 1 could run since the last wait and has not run
    }

    [Fact]
    public void ASleepOtherThanUvmWaitIsNoYield()
    {
        var fair = new Fairness(2);
        Assert.Equal(2, Schedulable(fair, 0, 1));
        Assert.False(fair.Ran(0, Step.Sleep("uvm_pageout: pass done", FreeMemory)));
        Assert.Equal([0, 1], Only(fair, 0, 1));
    }

    /// <summary>
    /// exit-reaper's default workload: unfairly, the first schedules at bound 0 all alternate a
    /// fault in uvm_wait() and a pagedaemon pass that frees nothing until the step cap, while the
    /// reaper and the clock could run; fairly, the reaper runs and they end. 30 schedules are
    /// enough: the unfair search's first thousands all hit the cap (docs/verify.md).
    /// </summary>
    [Fact]
    public void FairSchedulesOfExitReaperEndWithoutTheStepCap()
    {
        var s = ScenarioCatalogue.Find("exit-reaper")!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings { Engine = EngineKind.Direct })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };

        var unfair = Verifier.Run(request with { FairVerify = false }, 0, maxSchedules: 30, countStates: false, por: true);
        var fair = Verifier.Run(request, 0, maxSchedules: 30, countStates: false, por: true);

        Assert.Equal(30, unfair.CutSchedules);
        Assert.Equal(0, fair.CutSchedules);
        Assert.Null(fair.Counterexample);
    }

    /// <summary>
    /// Where no thread sleeps in uvm_wait() (swapout without a swap device: the pagedaemon swaps
    /// nothing out, so proc0 never waits for memory, and the LWPs only compute and sleep), fairness
    /// changes nothing: the fair search runs the same schedules and reaches the same states.
    /// </summary>
    [Fact]
    public void WithoutUvmWaitTheFairSearchIsTheSearch()
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        var w = (SwapoutScenario.Default() with
        {
            Seconds = 1,
            SwapoutScans = 1,
            Processes = [new([[new Compute(1), new SleepFor(1)]]), new([[new Compute(1)]])],
        }).Without<PagingWorkload>();
        var request = new RunRequest(s.Name, w, KernelConfig.Fixed, new ExploreSettings { Engine = EngineKind.Direct })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };

        var unfair = Verifier.Run(request with { FairVerify = false }, 1, por: true);
        var fair = Verifier.Run(request, 1, por: true);

        Assert.True(fair.Complete && unfair.Complete);
        Assert.Equal(unfair.Schedules, fair.Schedules);
        Assert.Equal(unfair.DistinctStates, fair.DistinctStates);
    }

    /// <summary>
    /// What verify's state cache is shown of the scheduler (docs/verify.md, "State caching"): the
    /// threads that could run and ran since a thread's last wait tell states apart only while
    /// that thread's next wait may be a yield. Before, two paths that differ only there never
    /// reached one state.
    /// </summary>
    [Fact]
    public void HistoryThatCannotDecideAYieldIsNotShown()
    {
        // Thread 0 has waited once, so its next wait is no yield; then 1 could run and ran, or 2.
        // (1 and 2 never waited: what they ran is no retry.)
        var (a, b) = (new Fairness(3), new Fairness(3));
        foreach (var (fair, other) in new[] { (a, 1), (b, 2) })
        {
            fair.Ran(0, Step.Sleep("uvm_wait: flt_noram5", FreeMemory));
            Schedulable(fair, 0, other);
            fair.Ran(other, Step.Ran("uvm_fault"));
        }
        Assert.Equal(Shown(a), Shown(b));

        // One wait short of a yield: whom a yield would wait for is part of the state.
        var (c, d) = (new Fairness(3), new Fairness(3));
        foreach (var (fair, other) in new[] { (c, 1), (d, 2) })
        {
            for (int wait = 0; wait < Fairness.Patience; wait++) fair.Ran(0, Step.Sleep("uvm_wait: flt_noram5", FreeMemory));
            Schedulable(fair, 0, other);
            fair.Ran(other, Step.Ran("uvm_fault"));
        }
        Assert.NotEqual(Shown(c), Shown(d));
    }

    /// <summary>The values <paramref name="fair"/> shows a state fingerprint, in order.</summary>
    private static List<long> Shown(Fairness fair)
    {
        var mixer = new Recorder();
        fair.Show(mixer);
        return mixer.Values;
    }

    private sealed class Recorder : IStateMixer
    {
        public List<long> Values { get; } = [];

        public void Value(long value) => Values.Add(value);

        public void Text(string? text) => Values.Add(text?.GetHashCode() ?? -1);

        public void Ref(object? target) => Values.Add(target is null ? -1 : 1);
    }

    private static int Schedulable(Fairness fair, params int[] runnable) => fair.Schedulable(runnable.AsSpan());

    private static int[] Only(Fairness fair, params int[] runnable)
    {
        int n = fair.Schedulable(runnable.AsSpan());
        return runnable[..n];
    }
}
