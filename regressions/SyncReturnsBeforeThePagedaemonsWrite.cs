using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// sync-skips-pageout-in-flight, found by this checker once fsync(2) and msync(MS_INVALIDATE) were
/// modelled (model/Pager/GenfsPutpages.cs) and SyncWritesWhatWasWrittenBefore stated what they
/// promise. genfs_putpages() of 2003-05 (genfs_vnops.c 1.101) skips a page in the pagedaemon's
/// write (PG_PAGEOUT) with <c>wasclean = FALSE</c> and relies on its "genput2" wait for
/// v_numoutput; the pagedaemon raises v_numoutput only in genfs_gop_write(), after it unlocked the
/// object and after uvm_pagermapin(UVMPAGER_MAPIN_WAITOK), which may sleep. The later
/// genfs_do_putpages() (genfs_io.c) waits on such a busy page when it syncs for integrity; the
/// default does.
///
/// Setup (scenario vnode-sync): a file user writes a file page while another fsync()s and msync()s
/// the file and the pagedaemon cleans file pages.
///
/// Interleaving: the pagedaemon marks the dirty page PG_PAGEOUT and leaves the big lock in GOP_WRITE
/// before it counts the write in v_numoutput; the msync() skips the page, finds v_numoutput 0 and
/// returns.
///
/// Violated: SyncWritesWhatWasWrittenBefore, the flush's contract (vnode rules); nothing of this
/// bug's own.
/// </summary>
public sealed class SyncReturnsBeforeThePagedaemonsWrite
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// vnode-sync --bug sync-skips-pageout-in-flight --seed S [--engine coyote]</c>): in-process 16,
    /// 144, 367, 145, 638, 174, 346, 163, 388, 152; Coyote 116, 205, 66, 43, 98, 96, 176, 97, 141, 135
    /// (worst 638; a file user's store is a step of its own after its fault since the vnode pager's
    /// write faults only map).
    /// </summary>
    private const int Budget = 1000;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["sync-skips-pageout-in-flight"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheFlushReturnsBeforeTheWrite(EngineKind engine)
    {
        Search.AssertFound("vnode-sync", KernelOfTheText, Budget, "invariant SyncWritesWhatWasWrittenBefore", engine, cx =>
        {
            Assert.Contains("written before the call and not since", cx.Violation.Message);
            Assert.Contains(cx.Steps, s => s.Thread == "pagedaemon" && s.Function == "genfs_putpages: simple_unlock before GOP_WRITE");
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s vnode-sync --bug sync-skips-pageout-in-flight</c>
    /// (seed 0, schedule 16, co-shrunk: workload size 20 -> 17, steps 67 -> 48): file user 2 writes
    /// page 1, runs the syncer and fsync(), then faults page 0 and stores to it (33-35); the
    /// pagedaemon frees a clean page and marks the dirty one PG_PAGEOUT, leaving the big lock before
    /// GOP_WRITE counts it (39-46); the msync() skips it with v_numoutput 0 and returns (47). It prints:
    /// <code>
    /// BUG FOUND in schedule 16: [invariant SyncWritesWhatWasWrittenBefore] ... Violated: file2's msync(MS_INVALIDATE) of vnode 1 returns with block 0 holding ..., written before the call and not since.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("vnode-sync-sync-skips-pageout-in-flight-SyncWritesWhatWasWrittenBefore-seed0.json", "invariant SyncWritesWhatWasWrittenBefore", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Function == "genfs_putpages: simple_unlock before GOP_WRITE");
            Assert.Equal("sys___msync13: uvm_map_clean", replay.Steps[^1].Function);
        });
    }

    /// <summary>The default kernel (a synchronous flush waits on a page in another thread's write) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void WaitingOnThePageSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("vnode-sync", Budget, engine);
    }
}
