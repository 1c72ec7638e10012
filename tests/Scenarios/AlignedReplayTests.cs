using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Issue 22, "Replay that survives real model edits": every committed schedule under
/// regressions/schedules/ still replays to its violation after each of three edits of the model,
/// made here by rewriting the file as the edited model would see it (the file is older than the
/// edit): a renamed label (the file keeps the old name, the rename table maps it), and a step the
/// model added in the violating thread or in another thread (the file lacks it). Each case first
/// shows that following the labels alone parts from the model, so it fails without the alignment,
/// and is aligned by each engine (the Coyote actors follow the aligned schedule as the loop does).
/// </summary>
public sealed class AlignedReplayTests
{
    private const string OldName = " (before a rename)";

    private static string Corpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) return Path.Combine(dir.FullName, "regressions", "schedules");
        throw new InvalidOperationException("Checker.sln not found above the test binaries");
    }

    private static Counterexample Read(string file) => CounterexampleFile.Read(Path.Combine(Corpus(), file));

    private static IEnumerable<string> Names() => Directory.EnumerateFiles(Corpus(), "*.json").Select(f => Path.GetFileName(f)).Order();

    public static TheoryData<string, EngineKind> Files() => ByEngine(Names());

    /// <summary>Each file with each engine.</summary>
    private static TheoryData<string, EngineKind> ByEngine(IEnumerable<string> files)
    {
        var data = new TheoryData<string, EngineKind>();
        foreach (var f in files)
            foreach (var e in new[] { EngineKind.Direct, EngineKind.Coyote })
                data.Add(f, e);
        return data;
    }

    /// <summary>The files where the model can have added a step of the violating thread (<paramref name="same"/>) or of another.</summary>
    private static IEnumerable<string> FilesWithAnAddedStep(bool same) => Names().Where(f => AddedStep(Read(f), same) is not null);

    public static TheoryData<string, EngineKind> FilesWithAStepAddedInTheViolatingThread() => ByEngine(FilesWithAnAddedStep(same: true));

    public static TheoryData<string, EngineKind> FilesWithAStepAddedInAnotherThread() => ByEngine(FilesWithAnAddedStep(same: false));

    /// <summary>
    /// A step the model may have added: one followed at once by a step of its own thread, so the
    /// file without it runs that thread there next and the model runs it in the same place; with no
    /// choices, which a file without it could not hold; and with another label than that next step,
    /// since a file lacking one of two like-named steps cannot say which one the model added (the
    /// pagedaemon's consecutive uvm_swap_put steps under the big lock). Null if the file has none.
    /// </summary>
    private static int? AddedStep(Counterexample cx, bool same)
    {
        var steps = cx.Steps;
        var violating = steps[^1].Thread;
        for (int i = 0; i + 1 < steps.Count; i++)
            if (steps[i].Thread == steps[i + 1].Thread && (steps[i].Thread == violating) == same && steps[i].Kind == "Continue" && steps[i].Choices is not { Count: > 0 }
                && steps[i].Function != steps[i + 1].Function)
                return i;
        return null;
    }

    /// <summary>The file as written before the model added step <paramref name="i"/>.</summary>
    private static Counterexample Without(Counterexample cx, int i) =>
        cx with { Steps = [.. cx.Steps.Where((_, j) => j != i).Select((s, j) => s with { Index = j })], Trace = "" };

    private static void AssertLabelsPart(Counterexample edited)
    {
        var request = Replayer.RequestFor(edited);
        var plain = ScheduleReplayer.Follow(edited.Workload, request.Config, request.Properties, edited.Steps, FollowMode.Labels);
        Assert.False(plain.FollowedToTheEnd && plain.Violation?.Id == edited.Violation.Id, "the edit does not part the labels: this case would pass without the alignment");
    }

    private static void AssertAligned(ReplayResult replay, Counterexample cx, string expectedNote)
    {
        Assert.True(replay.SameViolation, $"expected {cx.Violation.Id}, got {replay.Violation?.Id ?? "no violation"}; {replay.PartReason}; {replay.AlignmentProblem}");
        Assert.Equal(ReplayMethod.AlignedSchedule, replay.Method);
        Assert.Null(replay.FirstDivergentStep);
        Assert.False(replay.Exact);
        Assert.Contains(replay.Alignment, l => l.Contains(expectedNote));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void AScheduleReplaysAfterItsLabelsAreRenamed(string file, EngineKind engine)
    {
        var cx = Read(file);
        var renamed = new[] { cx.Steps[0].Function, cx.Steps[^1].Function }.Distinct().ToList();
        var edited = cx with { Steps = [.. cx.Steps.Select(s => renamed.Contains(s.Function) ? s with { Function = s.Function + OldName } : s)], Trace = "" };
        var table = new RenameTable(renamed.Select(l => new LabelRename(l + OldName, l, "test: the model renamed it")));
        AssertLabelsPart(edited);

        var replay = Replayer.Replay(edited, renames: table, engine: engine);

        AssertAligned(replay, cx, $"'{renamed[0] + OldName}' is '{renamed[0]}' in this model (renames.json)");
        Assert.Equal(engine, replay.Engine);
        var unmapped = Replayer.Replay(edited, renames: RenameTable.None, engine: engine);
        Assert.False(unmapped.SameViolation && unmapped.FirstDivergentStep is null);
    }

    [Theory]
    [MemberData(nameof(FilesWithAStepAddedInTheViolatingThread))]
    public void AScheduleReplaysAfterTheModelAddsAStepToTheViolatingThread(string file, EngineKind engine) => AddedStepReplays(file, same: true, engine);

    [Theory]
    [MemberData(nameof(FilesWithAStepAddedInAnotherThread))]
    public void AScheduleReplaysAfterTheModelAddsAStepToAnotherThread(string file, EngineKind engine) => AddedStepReplays(file, same: false, engine);

    private static void AddedStepReplays(string file, bool same, EngineKind engine)
    {
        var cx = Read(file);
        int i = AddedStep(cx, same)!.Value;
        var edited = Without(cx, i);
        AssertLabelsPart(edited);

        var replay = Replayer.Replay(edited, engine: engine);

        AssertAligned(replay, cx, $"{cx.Steps[i].Thread}: '{cx.Steps[i].Function}' is not in the file; absorbed before file step {i}");
        Assert.Equal(cx.Steps.Select(s => (s.Thread, s.Function)), replay.Steps.Select(s => (s.Thread, s.Function)));
    }

    /// <summary>
    /// The corpus keeps the theories above meaningful: most files admit each edit (12 files today;
    /// two schedules are pinned unshrunk from another seed to keep a step of the violating thread
    /// followed by another of its own, see their regressions).
    /// </summary>
    [Fact]
    public void MostCommittedSchedulesAdmitEachEdit()
    {
        int files = Names().Count();

        Assert.True(files >= 10, $"the corpus holds {files} files");
        Assert.True(FilesWithAnAddedStep(same: true).Count() >= files - 2);
        Assert.True(FilesWithAnAddedStep(same: false).Count() >= files - 2);
    }

    /// <summary>uvmcheck replay says the labels parted, how it aligned them, and exits 1 as for any reproduced bug.</summary>
    [Fact]
    public void ReplayOfAnAlignedScheduleReportsTheAlignmentAndExitsOne()
    {
        var file = Names().First(f => AddedStep(Read(f), same: false) is not null);
        var cx = Read(file);
        int i = AddedStep(cx, same: false)!.Value;
        var path = Path.Combine(Path.GetTempPath(), $"uvmcheck-aligned-{Guid.NewGuid():N}.json");
        CounterexampleFile.Write(Without(cx, i), path);
        try
        {
            var (code, output, err) = Uvm.Tests.Cli.InputHardeningTests.Run("replay", path);

            Assert.True(code == 1, err);
            Assert.Contains("note: the file's step labels part from the model's", output);
            Assert.Contains($"'{cx.Steps[i].Function}' is not in the file; absorbed before file step {i}", output);
            Assert.Contains("REPRODUCED by the aligned kernel-level schedule", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A file whose labels match nothing in the model is not "aligned" by absorbing steps: it still parts, and says why.</summary>
    [Fact]
    public void AnUnknownLabelStillPartsAndSaysSo()
    {
        var cx = Read(Names().First());
        var edited = cx with { Steps = [.. cx.Steps.Select((s, j) => j == 0 ? s with { Function = "no such kernel function" } : s)], Trace = "" };

        var replay = Replayer.Replay(edited);

        Assert.False(replay.SameViolation && replay.FirstDivergentStep is null);
        Assert.Equal(0, replay.FirstDivergentStep);
        Assert.Contains("aligning the schedule with the model parts at file step 0", replay.AlignmentProblem);
    }
}
