using Uvm.Scenarios;
using Uvm.Scenarios.Explain;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>The PR 23095 counterexample reads as a kernel-level story that fits on one screen.</summary>
public sealed class ExplainStoryTests(Pr23095Counterexample pr) : IClassFixture<Pr23095Counterexample>
{
    /// <summary>A screen: 160 columns by 50 lines.</summary>
    private const int ScreenWidth = 160, ScreenLines = 50;

    private string Story(bool fold = true) => Story(pr.Explanation, fold);

    private static string Story(Explanation e, bool fold = true)
    {
        var o = new StringWriter();
        StoryWriter.Write(e, o, fold, ScreenWidth);
        return o.ToString();
    }

    /// <summary>
    /// The story of the counterexample as <c>uvmcheck run</c> writes it, co-shrunk, fits on one
    /// screen; the first one found, unshrunk (61 steps since the swapout scenario's u-area pages
    /// are paged out and in), fits its width.
    /// </summary>
    [Fact]
    public void StoryFitsOnOneScreenAfterFolding()
    {
        var shrunk = Story(Explanation.Of(CoShrinker.Shrink(pr.Counterexample, Uvm.Properties.Catalogue.BuiltIn)));
        var lines = shrunk.TrimEnd().Split('\n');

        Assert.True(lines.Length <= ScreenLines, $"{lines.Length} lines:\n{shrunk}");
        Assert.All(lines.Concat(Story().Split('\n')), l => Assert.True(l.TrimEnd('\r').Length <= ScreenWidth, $"too wide: {l}"));
    }

    [Fact]
    public void StoryEndsWithTheViolatedInvariantAndTheStateItNames()
    {
        var story = Story();
        var e = pr.Explanation;

        Assert.Equal([pr.Cpu, pr.Lwp], e.Named.Order());
        Assert.Contains($"✗ invariant OnProcLwpIsInMemory violated after step {e.Steps[^1].Index} (pagedaemon: uvm_swapout)", story);
        Assert.Contains($"{pr.Lwp} runs on {pr.Cpu} with L_INMEM clear", story);
        Assert.Matches($@"\n  {pr.Lwp}: .*Stat=OnProc Cpu={pr.Cpu} .*InMemory=false", story);
        Assert.Contains($"{pr.Cpu} (Cpus): Number={pr.Cpu[3..]} Current={pr.Lwp}", story);
    }

    [Fact]
    public void EachStepNamesItsThreadFunctionAndChange()
    {
        var story = Story(fold: false);
        var e = pr.Explanation;

        Assert.Equal(pr.Counterexample.Steps.Select(s => (s.Thread, s.Function)), e.Steps.Select(s => (s.Thread, s.Function)));
        Assert.Matches(@"\n +\d+ ⇄ cpu\d \(idle\) +cpu_switch(?: \[sleep\])? +cpu\d: Current=lwp", story);
        Assert.Matches(@"\n +\d+ ⇄ cpu\d running lwp \d +preempt ", story);
        Assert.Matches($@"\n +\d+ ✗ pagedaemon +uvm_swapout +{pr.Lwp}: −InMemory", story);
        Assert.Contains(e.Steps, s => s.Actor.StartsWith("cpu", StringComparison.Ordinal) && s.Actor.Contains(" running lwp "));
    }

    [Theory]
    [InlineData("[invariant OnProcLwpIsInMemory] An LWP running on a CPU has its u-area resident and wired (LSONPROC implies L_INMEM). Violated: lwp 1 runs on cpu0 with L_INMEM clear. After swapper: uvm_swapout: LSONPROC, leave it.",
        "lwp 1 runs on cpu0 with L_INMEM clear.")]
    [InlineData("[panic setrunqueue] panic: setrunqueue: lwp 2 is already on a run queue (l_back != NULL) (in proc0)",
        "setrunqueue: lwp 2 is already on a run queue (l_back != NULL)")]
    [InlineData("[liveness RunnableSwappedOutLwpIsEventuallySwappedIn] A runnable LWP ... Still pending at the end: lwp 3 is LSRUN with L_INMEM clear.",
        "lwp 3 is LSRUN with L_INMEM clear.")]
    public void ViolationDetailDropsTheSharedSentenceAndTheTrailer(string message, string detail)
    {
        Assert.Equal(detail, Explanation.Detail(message));
    }

    [Fact]
    public void FoldingHidesOnlyStepsThatTouchNothingTheViolationNames()
    {
        var e = pr.Explanation;
        var lines = StoryFolding.Lines(e);

        var folded = lines.Where(l => l.IsFold).SelectMany(l => l.Folded).ToList();
        Assert.All(folded, s => Assert.False(e.Named.Any(s.Diff.Touches) || s.Thread == "pagedaemon"));
        Assert.Equal(e.Steps.Count, lines.Sum(l => l.IsFold ? l.Folded.Count : 1 + l.Repeated.Count));
        Assert.Equal(e.Steps.Skip(e.Steps.Count - StoryFolding.KeepLast - 1), lines.TakeLast(StoryFolding.KeepLast + 1).Select(l => l.Step));
    }

    [Fact]
    public void FoldingNamesTheThreadsItHid()
    {
        // Pretend the violation named only lwp 3: every run of steps that leaves lwp 3 alone folds.
        var e = pr.Explanation with { Named = ["lwp 3"] };

        var lines = StoryFolding.Lines(e);

        var fold = Assert.IsType<StoryLine>(lines.First(l => l.IsFold));
        Assert.True(fold.Folded.Count >= 2);
        Assert.StartsWith($"… {fold.Folded.Count} steps of {string.Join(", ", fold.FoldedThreads)} folded", fold.FoldText);
        Assert.True(lines.Count < e.Steps.Count);
    }
}
