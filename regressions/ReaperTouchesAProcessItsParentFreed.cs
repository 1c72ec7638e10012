using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// reaper-two-sections, found by this checker once the reaper design was modelled as kern_exit.c
/// rev 1.121 (2003) reads (docs/fidelity.md, "Found by the checker"). reaper() starts with
/// KERNEL_PROC_UNLOCK(curlwp) and takes the big lock for each item only; a dead process's item
/// ends <c>p-&gt;p_stat = SZOMB; psignal(p-&gt;p_pptr, ...); KERNEL_PROC_UNLOCK(curlwp);
/// wakeup((caddr_t)p-&gt;p_pptr);</c>. And exit2() queues the process on deadprocs and lwp_exit2()
/// its LWP on deadlwp in two deadproc_slock sections, nothing held between them. The default model
/// queues both at once and keeps the big lock across the reaper's loop; the kernel's own way out was
/// the exit rework of 2004-01, which removed the reaper (exit-reaperless).
///
/// Setup (scenario exit-reaper): processes fork and exit on two CPUs while init waits for the
/// orphans.
///
/// Interleaving: the reaper makes a process a zombie and drops the big lock; the parent (init, or
/// a process waiting for its child), awake on the other CPU (a wakeup for an earlier child), takes
/// it in wait4(), finds the zombie and frees it (proc_free); the reaper then reads the freed proc's p_pptr for its wakeup. The text's other
/// window, the process reaped before its last LWP is queued and the detached LWP then unlinked from
/// the freed proc's p_lwps, opens in the pinned schedule too (step 43 queues pid 3, step 48 its
/// LWP), but no schedule through it to a use after free has been pinned.
///
/// Violated: the generic use-after-free detector (a proc's fields after proc_free), no invariant
/// of its own.
/// </summary>
public sealed class ReaperTouchesAProcessItsParentFreed
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// reaper-two-sections --seed S [--engine coyote]</c>): in-process 4, 6, 1, 7, 3, 2, 2, 1, 1, 7;
    /// Coyote 1, 6, 2, 3, 10, 3, 1, 3, 2, 1 (worst 10). Since exit1()'s pool_get() of the rusage may
    /// block and the reaper's item takes the big lock by spinning for it, not by taking it over after
    /// its unlocked step (session 28): in-process 1, 2, 2, 5, 2, 1, 1, 3, 17, 1; Coyote 14, 3, 1, 4,
    /// 8, 8, 3, 15, 6, 3 (worst 17). Since the reaper's uvm_lwp_exit() unwires the u-area before it
    /// frees it (session 35): in-process 7, 3, 2, 1, 4, 5, 4, 3, 14, 2; Coyote 2, 3, 10, 2, 5, 3, 1,
    /// 2, 2, 1 (worst 14).
    /// </summary>
    private const int Budget = 50;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["reaper-two-sections"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheReaperReadsAFreedProc(EngineKind engine)
    {
        Search.AssertFound("exit-reaper", KernelOfTheText, Budget, "detector UseAfterFree", engine, cx =>
        {
            Assert.Contains(" in proc_free at step ", cx.Violation.Message);
            Assert.Contains("touched by reaper", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug reaper-two-sections</c> (seed 0, schedule
    /// 7, co-shrunk: workload size 24 -> 6, steps 201 -> 49; re-pinned in session 28, when exit1()'s
    /// pool_get() of the rusage became a point where it may block, and in session 35, when the
    /// reaper's uvm_lwp_exit() began to unwire the u-area first): the reaper takes pid 3 off
    /// deadprocs before lwp_exit2() queues its LWP (step 37), makes it a zombie (43), init's
    /// find_stopped_child and proc_free follow (46-47), and the reaper's wakeup(p->p_pptr) reads the
    /// freed proc (48). (Other seeds find the reaper reaping the LWP of the proc init freed, in ReapLwp.)
    /// <code>
    /// BUG FOUND in schedule 7: [detector UseAfterFree] detector: UseAfterFree: use after free: pid 3
    /// freed by init in proc_free at step 47, touched by reaper in WakeParent (in reaper)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-reaper-reaper-two-sections-UseAfterFree-seed0.json", "detector UseAfterFree");
    }

    /// <summary>The default reaper (one deadproc section, the big lock across its loop) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultReaperSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("exit-reaper", Budget, engine);
    }
}
