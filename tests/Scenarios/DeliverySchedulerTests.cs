using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// The delivery strategy (<see cref="DeliveryScheduler"/>) makes the Coyote engine's decisions
/// without actors: a wakeup is sent at a decision of its own, a woken thread is enabled only once
/// it is sent, and a thread that woke others meets a decision before each send. The frequencies
/// below are those decisions' products, counted over fixed seeds (deterministic), beside the
/// uniform strategy's; and what the strategy finds replays in both engines.
/// </summary>
public sealed class DeliverySchedulerTests
{
    private const int Trials = 12_000;

    /// <summary>Three threads of a kernel, indices 0, 1, 2.</summary>
    private static IReadOnlyList<KernelThread> Threads()
    {
        var k = KernelFixture.WithLwps(1, cpus: 0);
        return [new KernelFixture.TestThread(k), new KernelFixture.TestThread(k), new KernelFixture.TestThread(k)];
    }

    /// <summary>
    /// How often, over <see cref="Trials"/> seeds, the first pick after <paramref name="setUp"/> is
    /// thread <paramref name="thread"/>, all three runnable.
    /// </summary>
    private static double Share(Scheduler s, Action<Scheduler, IReadOnlyList<KernelThread>> setUp, int thread)
    {
        var threads = Threads();
        int hits = 0;
        for (int seed = 0; seed < Trials; seed++)
        {
            s.Begin((ulong)seed);
            setUp(s, threads);
            ReadOnlySpan<int> runnable = [0, 1, 2];
            if (runnable[s.Pick(runnable, 0, 1)] == thread) hits++;
        }
        return (double)hits / Trials;
    }

    /// <summary>Thread 1 slept; thread 0's step woke it and thread 0 goes on; thread 2 is runnable.</summary>
    private static void WakerGoesOn(Scheduler s, IReadOnlyList<KernelThread> t)
    {
        s.Stepped(1, StepKind.Sleep, []);
        s.Stepped(0, StepKind.Continue, [t[1]]);
    }

    [Fact]
    public void AThreadThatWokeAnotherKeepsTheCpuAtOneDecisionInThreeAfterTheSend()
    {
        // Decisions: the send (thread 0 or 2 enabled; thread 1 waits for it) then the preemption
        // point (0, 1 or 2): thread 0 goes on with 1/2 * 1/3 = 1/6, against 1/3 when uniform.
        double delivery = Share(new DeliveryScheduler(), WakerGoesOn, 0);
        double uniform = Share(new RandomScheduler(), WakerGoesOn, 0);

        Assert.InRange(delivery, 0.14, 0.19);
        Assert.InRange(uniform, 0.30, 0.36);
    }

    [Fact]
    public void AWokenThreadRunsOnlyAfterItsWakeupIsSent()
    {
        // Thread 1 runs first only if the send comes first (1/2) and then it is picked among three (1/3).
        Assert.InRange(Share(new DeliveryScheduler(), WakerGoesOn, 1), 0.14, 0.19);
        // Thread 2 is enabled at both decisions: 1/2 + 1/2 * 1/3 = 2/3.
        Assert.InRange(Share(new DeliveryScheduler(), WakerGoesOn, 2), 0.63, 0.70);
    }

    [Fact]
    public void WithoutWakeupsEveryRunnableThreadIsEquallyLikely()
    {
        static void Plain(Scheduler s, IReadOnlyList<KernelThread> t) => s.Stepped(0, StepKind.Continue, []);

        for (int thread = 0; thread < 3; thread++)
            Assert.InRange(Share(new DeliveryScheduler(), Plain, thread), 0.30, 0.36);
    }

    [Fact]
    public void AThreadAsleepFromBootWaitsForItsFirstWakeupToBeSent()
    {
        // Thread 1 never stepped (a kthread asleep from boot); thread 0's step woke it and goes on.
        static void FirstWakeup(Scheduler s, IReadOnlyList<KernelThread> t) => s.Stepped(0, StepKind.Continue, [t[1]]);

        Assert.InRange(Share(new DeliveryScheduler(), FirstWakeup, 1), 0.14, 0.19);
    }

    [Fact]
    public void AThreadThatSleptAndWasWokenByNoStepIsStillPicked()
    {
        // Defensive: a runnable thread whose sleep no recorded step ended is enabled, never starved.
        static void Orphan(Scheduler s, IReadOnlyList<KernelThread> t)
        {
            s.Stepped(1, StepKind.Sleep, []);
            s.Stepped(2, StepKind.Sleep, []);
        }

        Assert.InRange(Share(new DeliveryScheduler(), Orphan, 1), 0.30, 0.36);
    }

    [Fact]
    public void WhatTheDeliveryStrategyFindsReplaysInBothEngines()
    {
        var s = ScenarioCatalogue.Find("vfork")!;
        var bug = Switches.Find("vfork-waits-on-child-flag")!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), KernelConfig.Fixed.With(bug),
            new ExploreSettings { Engine = EngineKind.Direct, Strategy = Strategy.Delivery, Iterations = 200 })
        {
            Properties = s.PropertiesFrom(Catalogue.BuiltIn),
        };

        var found = Explorer.Run(request).Counterexample;

        Assert.NotNull(found);
        Assert.Equal("detector UseAfterFree", found.Violation.Id);
        foreach (var engine in new[] { EngineKind.Direct, EngineKind.Coyote })
        {
            var replay = Replayer.Replay(found, engine: engine);
            Assert.True(replay.Exact, $"{engine}: {replay.PartReason}");
            Assert.Equal(found.Violation, replay.Violation);
        }
    }
}
