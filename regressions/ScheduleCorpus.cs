using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// Every counterexample ever committed under regressions/schedules/ is replayed on every run, so a
/// schedule that once failed keeps its meaning. A file that no longer fits the model fails with the
/// step where model and file part.
/// </summary>
public sealed class ScheduleCorpus
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        var dir = Path.Combine(AppContext.BaseDirectory, "schedules");
        foreach (var f in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).Order())
            data.Add(Path.GetRelativePath(dir, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void CommittedScheduleReplaysToItsViolation(string file)
    {
        var cx = CounterexampleFile.Read(Search.Schedule(file));

        var replay = Replayer.Replay(cx);

        Assert.True(replay.SameViolation,
            $"{file}: expected {cx.Violation.Id}, got {replay.Violation?.Id ?? "no violation"}; schedules part at step {replay.FirstDivergentStep}");
        Assert.Null(replay.FirstDivergentStep);
    }
}
