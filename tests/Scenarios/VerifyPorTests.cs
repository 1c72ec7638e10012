using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The partial-order reduction of <c>uvmcheck verify</c> keeps its guarantee (docs/verify.md):
/// at the same preemption bound it reaches every kernel state the plain search reaches, so it
/// finds every violation the plain search finds, while it runs fewer schedules.
/// </summary>
public sealed class VerifyPorTests
{
    /// <summary>
    /// A swapout workload small enough to search exhaustively twice per test (<see cref="VerifySpeedTests.SmallSwapout"/>):
    /// two CPUs, one LWP, one swapout scan, and proc0 waiting for memory and swapping it back in.
    /// </summary>
    private static Workload Small() => VerifySpeedTests.SmallSwapout();

    /// <remarks>
    /// Detectors off unless asked for: what these tests compare is the two searches, not the
    /// detectors' properties. With them on, the racy reads are choice points and every locked
    /// write replaces the store log, which the recorded footprints must account for.
    /// </remarks>
    private static RunRequest Request(Workload w, KernelConfig config, bool detectors = false)
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        return new RunRequest(s.Name, w, config with { Detectors = detectors }, new ExploreSettings { Engine = EngineKind.Direct })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
    }

    /// <summary>
    /// Every violation of a bug switch that the plain search meets at bound 1 (all of them, not
    /// only the first), the reduced search meets too, first at the same bound.
    /// </summary>
    [Theory]
    [InlineData("pr23095")]
    [InlineData("swapout-without-sched-lock")]
    [InlineData("cpu-switch-skips-remrunqueue")]
    public void ReducedSearchFindsEveryViolationThePlainSearchFinds(string bug)
    {
        var request = Request(Small(), Switches.Configure([bug]));
        var plain = new HashSet<string>();
        var reduced = new HashSet<string>();
        var p = Verifier.Run(request, 1, countStates: false, violations: plain);
        var r = Verifier.Run(request, 1, countStates: false, por: true, violations: reduced);

        Assert.True(p.Complete && r.Complete);
        Assert.NotEmpty(plain);
        Assert.Equal(plain.Order(), reduced.Order());
        Assert.Equal(p.PreemptionsToBug, r.PreemptionsToBug);
        Assert.True(r.Schedules <= p.Schedules, $"{r.Schedules} reduced against {p.Schedules} plain schedules");
    }

    /// <summary>
    /// On the fixed kernel both searches reach the same kernel states at bound 1 (the state
    /// fingerprint counts them) and meet the same violations, and the reduced one runs fewer
    /// schedules. With the detectors on, which step ran last is state every step writes (a racy
    /// read half-sees only the section right before it: model/Core/Discipline.cs), so the reduced
    /// search may save nothing, but it must still reach the same states and violations.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReducedSearchReachesEveryStateWithFewerSchedules(bool detectors)
    {
        var (p, r) = PlainAndReducedAgreeAtBoundOne(Request(Small(), KernelConfig.Fixed, detectors));
        if (detectors) Assert.True(r.Schedules <= p.Schedules, $"{r.Schedules} reduced against {p.Schedules} plain schedules");
        else Assert.True(r.Schedules < p.Schedules, $"{r.Schedules} reduced against {p.Schedules} plain schedules");
    }

    /// <summary>Both searches of <paramref name="request"/> at bound 1, asserted complete, with the same violations and distinct states.</summary>
    private static (VerifyResult Plain, VerifyResult Reduced) PlainAndReducedAgreeAtBoundOne(RunRequest request)
    {
        HashSet<string> plain = [], reduced = [];
        var p = Verifier.Run(request, 1, violations: plain);
        var r = Verifier.Run(request, 1, por: true, violations: reduced);

        Assert.True(p.Complete && r.Complete);
        Assert.Equal(plain.Order(), reduced.Order());
        Assert.Equal(p.DistinctStates, r.DistinctStates);
        return (p, r);
    }

    /// <summary>
    /// With the big lock, a process actor that finds it held spins: a step that reads the holder
    /// and sleeps on the spinners' queue, recorded and declaring nothing (KernelThread.Advance).
    /// On loan-share's workload at bound 1, detectors on as verify runs them, the reduced search
    /// prunes such spins and still reaches every kernel state the plain search reaches.
    /// </summary>
    [Fact]
    public void SpinsOnTheBigLockArePrunedWithoutLosingAState()
    {
        var s = ScenarioCatalogue.Find("loan-share")!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed, new ExploreSettings { Engine = EngineKind.Direct })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
        var (p, r) = PlainAndReducedAgreeAtBoundOne(request);
        Assert.True(r.Schedules < p.Schedules, $"{r.Schedules} reduced against {p.Schedules} plain schedules");
    }

    /// <summary>
    /// A racy read half-sees only the critical section that ran right before it, and never one
    /// whose wakeup made the reader runnable. Before that rule, proc0's walk in uvm_scheduler()
    /// could read a stale l_stat of a section that ended many steps earlier, forever, and the
    /// fixed kernel "violated" RunnableSwappedOutLwpIsEventuallySwappedIn at bound 1. Two LWPs, one
    /// of them sleeping (the default workload's bound 1 took about 100 s in Release once the
    /// swapped-out u-areas had to be paged out before proc0 could swap them in).
    /// </summary>
    [Fact]
    public void FixedSwapoutHasNoViolationAtBoundOneWithTheDetectors()
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        var w = SwapoutScenario.Default() with
        {
            Seconds = 1,
            SwapoutScans = 1,
            Processes = [new([[new Compute(1), new SleepFor(1)]]), new([[new Compute(1)]])],
        };
        var request = new RunRequest(s.Name, w, KernelConfig.Fixed, new ExploreSettings())
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };
        HashSet<string> found = [];
        var r = Verifier.Run(request, 1, por: true, violations: found);
        Assert.True(r.Complete);
        Assert.Empty(found);
    }

    /// <summary>
    /// A counterexample found by the reduced search is a file like any other: written, read back
    /// and replayed along its kernel-level schedule, it reaches the same violation step for step.
    /// </summary>
    [Fact]
    public void AVerifyCounterexampleFileReplaysExactly()
    {
        var r = Verifier.Run(Request(Small(), Switches.Configure(["pr23095"])), 1, countStates: false, por: true);
        var path = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.json");
        try
        {
            CounterexampleFile.Write(r.Counterexample!, path);
            var replay = Replayer.Replay(CounterexampleFile.Read(path));

            Assert.True(replay.Exact, replay.PartReason);
            Assert.Equal(r.Counterexample!.Violation.Id, replay.Violation!.Id);
            Assert.Equal(1, r.PreemptionsToBug);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
