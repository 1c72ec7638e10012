using Uvm.Scenarios;

namespace Uvm.Tests.Cli;

/// <summary>
/// Issue 22, defect 3: <c>--time</c> and <c>--iterations</c> together stop at whichever comes first
/// in both engines; <c>--time</c> alone explores an open range whose windows are laid out the same
/// way for every shard; the report lists the schedules each window explored, not the plan. No test
/// here depends on the clock: a time budget is either far longer than the schedules take, or the
/// run ends at a bug.
/// </summary>
public sealed class TimeBudgetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmcheck-time-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Report => Path.Combine(_dir, "r.json");

    private (int Code, string Out, string Err) Run(params string[] args) =>
        InputHardeningTests.Run(["run", "--out", _dir, "--json", Report, "--no-shrink", .. args]);

    /// <summary>
    /// Seven schedules of the fixed kernel take well under a second; a ten-minute budget must not
    /// keep the engine going. Coyote's own testing timeout ignored the iteration count (today's
    /// main explored for the whole budget, into the next window's seeds).
    /// </summary>
    [Theory]
    [InlineData("direct")]
    [InlineData("coyote")]
    public void IterationsEndARunLongBeforeItsTimeBudget(string engine)
    {
        var (code, output, err) = Run("--engine", engine, "--iterations", "7", "--time", "10m");

        Assert.True(code == 0, err);
        Assert.Contains("explored 7 schedules", output);
        var report = RunReport.Read(Report);
        Assert.Equal(7, report.Iterations);
        Assert.Equal([new EngineWindow(0, 7, 0)], report.Windows);
        Assert.Null(report.StoppedBy);
    }

    /// <summary>A shard's window under both flags: the second half of ten schedules, exactly.</summary>
    [Theory]
    [InlineData("direct")]
    [InlineData("coyote")]
    public void AShardWithBothFlagsExploresExactlyItsWindow(string engine)
    {
        var (code, _, err) = Run("--engine", engine, "--iterations", "10", "--time", "10m", "--shard", "1/2", "--seed", "3");

        Assert.True(code == 0, err);
        Assert.Equal([new EngineWindow(5, 5, 8)], RunReport.Read(Report).Windows);
    }

    /// <summary>
    /// A bug found at schedule k of a 1000-schedule run: the report says the window explored
    /// schedules [0, k), where today's main listed the planned [0, 1000).
    /// </summary>
    [Theory]
    [InlineData("direct")]
    [InlineData("coyote")]
    public void TheReportListsTheSchedulesExploredNotThePlannedWindow(string engine)
    {
        var (code, output, err) = Run("--engine", engine, "--bug", "pr23095", "--iterations", "1000");

        Assert.True(code == 1, err);
        var report = RunReport.Read(Report);
        int found = report.ViolationAtIteration!.Value + 1;
        Assert.True(found < 1000, $"the bug was found at schedule {found}, too late to tell the windows apart");
        Assert.Equal([new EngineWindow(0, found, 0)], report.Windows);
        Assert.Equal(found, report.Iterations);
        Assert.Contains($"seeds explored: 0+[0..{found - 1}]", output);
    }

    /// <summary>
    /// --time alone: an open range. Shard 1 of 2 starts half-way through the whole range of
    /// <see cref="ExploreSettings.OpenIterations"/> schedules (not at schedule 500 of the default
    /// 1000, as today's main did), and the run ends at PR 23095's violation, well inside its budget.
    /// </summary>
    [Fact]
    public void ATimeBudgetAloneExploresAnOpenRangeSplitAlikeForEveryShard()
    {
        const int half = ExploreSettings.OpenIterations / 2;

        var (code, output, err) = Run("--bug", "pr23095", "--time", "10m", "--shard", "1/2");

        Assert.True(code == 1, err);
        var report = RunReport.Read(Report);
        Assert.Equal(ExploreSettings.OpenIterations, report.TotalIterations);
        var window = Assert.Single(report.Windows);
        Assert.Equal(half, window.Start);
        Assert.Equal((uint)half, window.Seed);
        Assert.Equal(report.ViolationAtIteration! - half + 1, window.Iterations);
        Assert.Contains($"seeds 0+[{half}..]", output);
    }

    /// <summary>The open range's shard windows, as planned: equal, contiguous, together the whole range.</summary>
    [Fact]
    public void OpenShardWindowsAreEqualAndMeetNowhere()
    {
        var open = new ExploreSettings { Iterations = ExploreSettings.OpenIterations, TimeBudget = TimeSpan.FromMinutes(1) };

        var windows = Enumerable.Range(0, 4).SelectMany(i => Campaign.Plan(open, new Shard(i, 4), parallel: 2)).ToList();

        Assert.Equal(ExploreSettings.OpenIterations, windows.Sum(w => (long)w.Iterations));
        for (int i = 1; i < windows.Count; i++) Assert.Equal(windows[i - 1].Start + windows[i - 1].Iterations, windows[i].Start);
        Assert.True(windows.Max(w => w.Iterations) - windows.Min(w => w.Iterations) <= 1);
    }
}
