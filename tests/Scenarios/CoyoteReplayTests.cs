using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Engine;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Issue 20 item 2, "a file found by either engine replays in both": the Coyote actors follow a
/// file's kernel-level schedule (each waits for its turn), so every committed file, all of them
/// found by the in-process engine, replays under Coyote to the same steps and violation, whatever
/// Coyote's own strategy and seed; a file that parts from the model gets the same report; and a
/// file Coyote found replays in the in-process engine.
/// </summary>
public sealed class CoyoteReplayTests(Pr23095Counterexample found) : IClassFixture<Pr23095Counterexample>
{
    private static string Corpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) return Path.Combine(dir.FullName, "regressions", "schedules");
        throw new InvalidOperationException("Checker.sln not found above the test binaries");
    }

    private static Counterexample Read(string file) => CounterexampleFile.Read(Path.Combine(Corpus(), file));

    public static TheoryData<string> Files() => [.. Directory.EnumerateFiles(Corpus(), "*.json").Select(f => Path.GetFileName(f)).Order()];

    /// <summary>Coyote's strategies and seeds: each picks differently among the actors it finds enabled.</summary>
    private static readonly (Strategy Strategy, uint Seed)[] CoyoteSchedules =
        [(Strategy.Random, 0), (Strategy.Random, 1), (Strategy.Random, 2), (Strategy.Pct, 3), (Strategy.Probabilistic, 4)];

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryCommittedFileReplaysUnderCoyoteToTheDirectEnginesStepsAndViolation(string file)
    {
        var cx = Read(file);
        var request = Replayer.RequestFor(cx);
        var direct = ScheduleReplayer.Follow(cx.Workload, request.Config, request.Properties, cx.Steps, FollowMode.Labels);

        Assert.All(CoyoteSchedules, s =>
        {
            var coyote = ScheduleReplayer.Follow(cx.Workload, request.Config, request.Properties, cx.Steps, FollowMode.Labels,
                (w, c, p, f, l) => CoyoteExplorer.Follow(w, c, p, f, l, s.Strategy, s.Seed));

            Assert.True(coyote.FollowedToTheEnd, $"{s}: parts at {coyote.PartedAt}: {coyote.PartReason}");
            Assert.Equal(cx.Violation.Id, coyote.Violation?.Id);
            Assert.Equal(direct.Violation!.Message, coyote.Violation!.Message);
            Assert.Equal(direct.Steps.Select(Show), coyote.Steps.Select(Show));
        });
    }

    /// <summary>A step with its thread, label, kind and choices: what the two engines must agree on.</summary>
    private static string Show(StepRecord s) => $"{s.Index} {s.Thread}: {s.Function} ({s.Kind}) [{string.Join(",", s.Choices ?? [])}]";

    [Theory]
    [MemberData(nameof(Files))]
    public void AFileEditedToPartFromTheModelGetsTheSameReportInBothEngines(string file)
    {
        var cx = Read(file);
        int middle = cx.Steps.Count / 2;
        var edits = new[]
        {
            cx with { Steps = [.. cx.Steps.Select((s, i) => i == middle ? s with { Function = s.Function + " (edited)" } : s)] },
            cx with { Steps = [.. cx.Steps.Select((s, i) => i == 0 ? s with { Thread = "nosuchthread" } : s)] },
            cx with { Steps = [.. cx.Steps.Take(middle), .. cx.Steps.Skip(middle + 1)] },
        };

        Assert.All(edits, edited =>
        {
            var direct = Replayer.Replay(edited, engine: EngineKind.Direct);
            var coyote = Replayer.Replay(edited, engine: EngineKind.Coyote);

            Assert.Equal(EngineKind.Coyote, coyote.Engine);
            Assert.Equal(Report(direct), Report(coyote));
        });
        Assert.False(Replayer.Replay(edits[0], engine: EngineKind.Coyote).SameViolation && Replayer.Replay(edits[0], engine: EngineKind.Coyote).FirstDivergentStep is null);
    }

    /// <summary>
    /// A replay that parts ends with actors in every state: asleep, waiting for their turn, or
    /// woken with the wakeup not yet taken. Under many Coyote schedules each one leaves cleanly
    /// (none is left waiting, no event arrives where none is handled) and the report is the direct
    /// engine's. 20 seeds of three strategies: PCT seed 1 once met an actor told to leave after it
    /// had left.
    /// </summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void AReplayThatPartsEndsCleanlyUnderManyCoyoteSchedules(string file)
    {
        var cx = Read(file);
        var request = Replayer.RequestFor(cx);
        var dropped = cx.Steps.Where((_, i) => i != cx.Steps.Count / 2).ToList();
        var direct = ScheduleReplayer.Follow(cx.Workload, request.Config, request.Properties, dropped, FollowMode.Labels);
        var schedules = new[] { Strategy.Random, Strategy.Pct, Strategy.Probabilistic }.SelectMany(st => Enumerable.Range(0, 20).Select(seed => (st, (uint)seed)));

        Assert.All(schedules, s =>
        {
            var coyote = ScheduleReplayer.Follow(cx.Workload, request.Config, request.Properties, dropped, FollowMode.Labels,
                (w, c, p, f, l) => CoyoteExplorer.Follow(w, c, p, f, l, s.Item1, s.Item2));

            Assert.Equal((direct.Violation?.Message, direct.PartedAt, direct.PartReason), (coyote.Violation?.Message, coyote.PartedAt, coyote.PartReason));
            Assert.Equal(direct.Steps.Select(Show), coyote.Steps.Select(Show));
        });
    }

    /// <summary>Everything a replay reports, as the CLI prints it.</summary>
    private static string Report(ReplayResult r) =>
        $"{r.Method} {r.Violation?.Message} same={r.SameViolation} parts={r.FirstDivergentStep}: {r.PartReason} / {r.AlignmentProblem} / {string.Join(" | ", r.Alignment)} / {r.Steps.Count} steps";

    [Fact]
    public void AFileWithARenamedLabelIsAlignedTheSameWayUnderCoyote()
    {
        var cx = Read("swapout-pr23095-OnProcLwpIsInMemory-seed0.json");
        int i = cx.Steps.Count - 2;
        var old = cx.Steps[i].Function + " (before a rename)";
        var edited = cx with { Steps = [.. cx.Steps.Select((s, j) => j == i ? s with { Function = old } : s)] };
        var table = new RenameTable([new LabelRename(old, cx.Steps[i].Function)]);

        var direct = Replayer.Replay(edited, renames: table, engine: EngineKind.Direct);
        var coyote = Replayer.Replay(edited, renames: table, engine: EngineKind.Coyote);

        Assert.Equal(ReplayMethod.AlignedSchedule, coyote.Method);
        Assert.True(coyote.SameViolation);
        Assert.Equal(Report(direct), Report(coyote));
    }

    [Fact]
    public void ALivenessViolationFoundByTheDirectEngineIsJudgedTheSameUnderCoyote()
    {
        // exit2() without its deadprocs insertion leaves the process SDEAD and its parent in wait4()
        // for ever: a liveness violation, judged only when the kernel is quiescent (20 schedules: its budget).
        var s = ScenarioCatalogue.Find("exit-reaper")!;
        var request = new RunRequest(s.Name, s.DefaultWorkload(), Switches.Configure(["exit2-skips-deadprocs"]),
            new ExploreSettings { Engine = EngineKind.Direct, Iterations = 20 }) { Properties = s.PropertiesFrom(Catalogue.BuiltIn) };
        var cx = Explorer.Run(request).Counterexample!;
        Assert.Equal(ViolationKind.Liveness, cx.Violation.Kind);

        var replay = Replayer.Replay(cx, engine: EngineKind.Coyote);

        Assert.True(replay.Exact, Report(replay));
        Assert.Equal(cx.Violation, replay.Violation);
    }

    [Fact]
    public void AFileCoyoteFoundReplaysInTheDirectEngine()
    {
        var replay = Replayer.Replay(found.Value, engine: EngineKind.Direct);

        Assert.Equal(EngineKind.Direct, replay.Engine);
        Assert.Equal(ReplayMethod.KernelSchedule, replay.Method);
        Assert.Null(replay.TraceProblem);
        Assert.True(replay.Exact, Report(replay));
        Assert.Equal(found.Value.Violation, replay.Violation);
    }

    [Fact]
    public void AFileCoyoteFoundReplaysUnderCoyoteByItsScheduleAsByItsTrace()
    {
        var byTrace = Replayer.Replay(found.Value, engine: EngineKind.Coyote);
        var bySchedule = Replayer.Replay(found.Value with { Trace = "" }, engine: EngineKind.Coyote);

        Assert.Equal(ReplayMethod.CoyoteTrace, byTrace.Method);
        Assert.Equal(ReplayMethod.KernelSchedule, bySchedule.Method);
        Assert.True(bySchedule.Exact, Report(bySchedule));
        Assert.Equal(byTrace.Steps.Select(Show), bySchedule.Steps.Select(Show));
        Assert.Equal(byTrace.Violation, bySchedule.Violation);
    }
}
