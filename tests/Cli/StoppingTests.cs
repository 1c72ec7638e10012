using Uvm.Cli;

namespace Uvm.Tests.Cli;

/// <summary>Runs that stop early say so, report what they explored, and keep what they found.</summary>
public sealed class StoppingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-stop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private RunCommand.RunOptions Options(int? iterations, string? time = null, int maxSteps = 2000, params string[] bugs) =>
        new(null, bugs, "random", iterations, maxSteps, 0, _dir, null, time, 1, null, Path.Combine(_dir, "r.json"), null, []);

    [Fact]
    public void CancellingARunBeforeAnyScheduleReportsItAndExitsTwoNotClean()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var o = new StringWriter();
        var e = new StringWriter();

        int code = RunCommand.Execute(Options(100_000), o, e, cancelled.Token);

        Assert.Equal(2, code);                          // issue 22: nothing was checked, so the run is not "clean"
        Assert.Contains("stopped early: cancelled", o.ToString());
        Assert.Contains("explored no schedules (cancelled); nothing was checked", e.ToString());
        Assert.Contains("\"stoppedBy\": \"cancelled\"", File.ReadAllText(Path.Combine(_dir, "r.json")));
    }

    /// <summary>
    /// A time budget with no --iterations is an open range that only the budget ends, so the run
    /// stops by it however fast the machine is (a fixed count of schedules once finished inside
    /// the budget on an idle machine: the test asserts the report, never the time).
    /// </summary>
    [Fact]
    public void ATimeBudgetStopsTheRunAndSaysSo()
    {
        var o = new StringWriter();

        int code = RunCommand.Execute(Options(null, time: "1s"), o, new StringWriter(), CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("stopped early: time budget", o.ToString());
        Assert.Contains("\"stoppedBy\": \"time budget\"", File.ReadAllText(Path.Combine(_dir, "r.json")));
    }

    [Fact]
    public void SchedulesCutOffAtTheStepBoundAreReported()
    {
        var o = new StringWriter();

        RunCommand.Execute(Options(5, maxSteps: 10), o, new StringWriter(), CancellationToken.None);

        Assert.Contains("hit --max-steps 10 and were cut off", o.ToString());
    }

    /// <summary>
    /// The iteration budget runs out on the very schedule that finds the bug: the first run learns
    /// which schedule that is (seeded, so the second finds it again), the second is given exactly
    /// that many schedules. No clock is involved.
    /// </summary>
    [Fact]
    public void ACounterexampleFoundIsKeptEvenWhenTheBudgetRunsOut()
    {
        var probe = new StringWriter();
        Assert.Equal(1, RunCommand.Execute(Options(1000, null, 2000, "pr23095") with { NoShrink = true, OutDir = Path.Combine(_dir, "probe") }, probe, new StringWriter(), CancellationToken.None));
        int found = int.Parse(System.Text.RegularExpressions.Regex.Match(probe.ToString(), @"BUG FOUND in schedule (\d+)").Groups[1].Value);
        var o = new StringWriter();

        int code = RunCommand.Execute(Options(found, null, 2000, "pr23095") with { NoShrink = true }, o, new StringWriter(), CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains($"explored {found} schedules", o.ToString());
        Assert.Contains($"BUG FOUND in schedule {found}:", o.ToString());
        Assert.Single(Directory.GetFiles(_dir, "swapout-pr23095-*.json"));
    }
}
