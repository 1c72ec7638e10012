using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// Every counterexample ever committed under regressions/schedules/ is replayed on every run, so a
/// schedule that once failed keeps its meaning, by each engine: the in-process loop and the Coyote
/// actors follow the same kernel-level schedule, whichever engine found the file. A file that no
/// longer fits the model fails with the step where model and file part.
/// </summary>
public sealed class ScheduleCorpus
{
    public static TheoryData<string, EngineKind> Files()
    {
        var data = new TheoryData<string, EngineKind>();
        var dir = Path.Combine(AppContext.BaseDirectory, "schedules");
        foreach (var f in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).Order())
            foreach (var engine in Search.EngineKinds)
                data.Add(Path.GetRelativePath(dir, f), engine);
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void CommittedScheduleReplaysToItsViolation(string file, EngineKind engine)
    {
        var cx = CounterexampleFile.Read(Search.Schedule(file));

        var replay = Replayer.Replay(cx, engine: engine);

        Assert.Equal(engine, replay.Engine);
        Assert.True(replay.SameViolation,
            $"{file}: expected {cx.Violation.Id}, got {replay.Violation?.Id ?? "no violation"}; schedules part at step {replay.FirstDivergentStep}");
        Assert.Null(replay.FirstDivergentStep);
        Assert.Null(Replayer.FirstDifference(cx.Steps, replay.Steps));
    }
}
