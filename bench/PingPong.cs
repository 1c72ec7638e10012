using Microsoft.Coyote;
using Microsoft.Coyote.Actors;
using Microsoft.Coyote.SystematicTesting;
using Uvm.Scenarios;

namespace Uvm.Bench;

/// <summary>
/// The baseline of the overhead benchmark: bare Coyote actors passing tokens round a ring, with the
/// same number of actors as the model has kernel threads and the same number of events per
/// iteration as the model takes steps, and no work in the handlers. What the model costs beyond it
/// is the model.
/// </summary>
public static class PingPong
{
    /// <summary>
    /// Runs <paramref name="iterations"/> iterations of <paramref name="actors"/> actors exchanging
    /// <paramref name="events"/> events; with <paramref name="core"/>, their threads keep to it as the model's do.
    /// </summary>
    public static (long Steps, TimeSpan Elapsed) Run(int actors, int events, int iterations, uint seed, int? core = null)
    {
        var config = Configuration.Create().WithTelemetryEnabled(false).WithTestingIterations((uint)iterations)
            .WithMaxSchedulingSteps((uint)(events * 4 + 100)).WithRandomGeneratorSeed(seed).WithRandomStrategy();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var engine = TestingEngine.Create(config, (IActorRuntime r) =>
        {
            if (core is int c) CoreAffinity.PinCurrentThread(c);
            var budget = new Budget(events, core);
            var ids = new ActorId[actors];
            for (int i = 0; i < actors; i++) ids[i] = r.CreateActor(typeof(Player), new Join(budget, ids, i));
            foreach (var id in ids) r.SendEvent(id, Ball.Instance);
        });
        engine.SetLogger(new Microsoft.Coyote.Logging.TextWriterLogger(TextWriter.Null, Microsoft.Coyote.Logging.VerbosityLevel.None));
        engine.Run();
        clock.Stop();
        var report = engine.TestReport;
        return (report.TotalExploredFairSteps + report.TotalExploredUnfairSteps, clock.Elapsed);
    }

    /// <summary>Events left in this iteration (one per iteration, so nothing is shared across iterations).</summary>
    private sealed class Budget(int events, int? core)
    {
        public int Left { get; set; } = events;

        public int? Core { get; } = core;
    }

    private sealed class Join(Budget budget, ActorId[] ring, int index) : Event
    {
        public Budget Budget { get; } = budget;
        public ActorId[] Ring { get; } = ring;
        public int Index { get; } = index;
    }

    private sealed class Ball : Event
    {
        public static readonly Ball Instance = new();
    }

    [OnEventDoAction(typeof(Ball), nameof(Pass))]
    private sealed class Player : Actor
    {
        private Join _join = null!;

        protected override Task OnInitializeAsync(Event initialEvent)
        {
            _join = (Join)initialEvent;
            if (_join.Budget.Core is int c) CoreAffinity.PinCurrentThread(c);
            return Task.CompletedTask;
        }

        private void Pass()
        {
            if (_join.Budget.Left-- <= 0) return;
            SendEvent(_join.Ring[(_join.Index + 1) % _join.Ring.Length], Ball.Instance);
        }
    }
}
