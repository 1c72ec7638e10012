using Microsoft.Coyote;
using Microsoft.Coyote.Actors;
using Microsoft.Coyote.SystematicTesting;
using Uvm.Scenarios;

namespace Uvm.Bench;

/// <summary>
/// The like-for-like baseline of the overhead table (issue 20): Coyote actors shaped as the model's
/// (scenarios/Engine/Coyote/KernelThreadActor.cs) with no model inside. As many actors as the
/// scenario has kernel threads; each runs one long-lived handler, started by one event, that
/// takes its share of the iteration's decisions as sends to a halted actor (the model's
/// preemption point); the per-actor share is calibrated so that the measured decisions per
/// iteration equal the model's. What the model costs beyond it is the model and its properties.
/// </summary>
public static class LikeForLike
{
    /// <summary>The baseline's run: decisions per iteration as measured, and the elapsed time.</summary>
    public sealed record Result(double DecisionsPerIteration, long Decisions, TimeSpan Elapsed);

    /// <summary>
    /// Runs <paramref name="iterations"/> iterations of <paramref name="actors"/> actors that take
    /// about <paramref name="decisions"/> scheduling decisions per iteration.
    /// </summary>
    public static Result Run(int actors, double decisions, int iterations, uint seed, int? core)
    {
        // Decisions per iteration are d0 + actors * share: measure d0 (no sends) and solve for the share.
        var empty = RunWith(actors, 0, 5, seed, core);
        int share = Math.Max(0, (int)Math.Round((decisions - empty.DecisionsPerIteration) / actors));
        return RunWith(actors, share, iterations, seed, core);
    }

    private static Result RunWith(int actors, int share, int iterations, uint seed, int? core)
    {
        var config = Configuration.Create().WithTelemetryEnabled(false).WithTestingIterations((uint)iterations)
            .WithMaxSchedulingSteps((uint)((share + 8) * actors * 4 + 100)).WithRandomGeneratorSeed(seed).WithRandomStrategy();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var engine = TestingEngine.Create(config, (IActorRuntime r) =>
        {
            if (core is int c) CoreAffinity.PinCurrentThread(c);
            var sink = r.CreateActor(typeof(Sink));
            for (int i = 0; i < actors; i++)
            {
                var id = r.CreateActor(typeof(Worker), new Setup(sink, share, core));
                r.SendEvent(id, Go.Instance);
            }
        });
        engine.SetLogger(new Microsoft.Coyote.Logging.TextWriterLogger(TextWriter.Null, Microsoft.Coyote.Logging.VerbosityLevel.None));
        engine.Run();
        clock.Stop();
        var report = engine.TestReport;
        long decisions = report.TotalExploredFairSteps + report.TotalExploredUnfairSteps;
        return new Result((double)decisions / Math.Max(1, iterations), decisions, clock.Elapsed);
    }

    private sealed class Setup(ActorId sink, int share, int? core) : Event
    {
        public ActorId Sink { get; } = sink;
        public int Share { get; } = share;
        public int? Core { get; } = core;
    }

    private sealed class Go : Event
    {
        public static readonly Go Instance = new();
    }

    private sealed class Tick : Event
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>One kernel thread's actor, without the kernel: one handler from start to end.</summary>
    [OnEventDoAction(typeof(Go), nameof(Work))]
    private sealed class Worker : Actor
    {
        private Setup _setup = null!;

        protected override Task OnInitializeAsync(Event initialEvent)
        {
            _setup = (Setup)initialEvent;
            if (_setup.Core is int c) CoreAffinity.PinCurrentThread(c);
            return Task.CompletedTask;
        }

        private void Work()
        {
            for (int i = 0; i < _setup.Share; i++) SendEvent(_setup.Sink, Tick.Instance);
        }
    }

    /// <summary>The preemption point: halts at once, so every send to it is one decision and nothing else.</summary>
    [OnEventDoAction(typeof(Tick), nameof(Ignore))]
    private sealed class Sink : Actor
    {
        protected override Task OnInitializeAsync(Event initialEvent)
        {
            RaiseHaltEvent();
            return Task.CompletedTask;
        }

        private void Ignore()
        {
        }
    }
}
