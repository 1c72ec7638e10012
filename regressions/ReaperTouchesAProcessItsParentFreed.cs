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
/// Interleaving: exit2() queues the process on deadprocs and lwp_exit2() has not yet queued its
/// LWP; the reaper, running its loop without the big lock, takes the process and makes it a
/// zombie (SZOMB) while its last LWP is LSDEAD, not yet a zombie: from here the parent (init, or a
/// process waiting for its child) may take it in wait4() and free it (proc_free), and the reaper
/// then unlinks the detached LWP from the freed proc's p_lwps. The text's other window: the reaper
/// makes a process a zombie and drops the big lock, the parent frees it, and the reaper reads the
/// freed proc's p_pptr for its wakeup.
///
/// Violated: ZombieHasFreedItsResources (session 37: kern_exit.c 1.121's own rule, "Once the
/// resources are free, the process becomes a zombie"), at the SZOMB step of the first window; the
/// generic use-after-free detector (a proc's fields after proc_free) where the second window comes
/// first. No invariant of its own.
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
    /// 2, 2, 1 (worst 14). Since ZombieHasFreedItsResources (session 37): in-process 2, 5, 1, 1, 3,
    /// 3, 2, 4, 1, 2 (seeds 2 and 3 the use after free); Coyote 1, 1, 1, 7, 2, 4, 3, 1, 2, 1 (worst 7).
    /// </summary>
    private const int Budget = 50;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["reaper-two-sections"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheReaperReadsAFreedProc(EngineKind engine)
    {
        Search.AssertFound("exit-reaper", KernelOfTheText, Budget, ["invariant ZombieHasFreedItsResources", "detector UseAfterFree"], engine, cx =>
        {
            if (cx.Violation.Id == "detector UseAfterFree")
            {
                Assert.Contains(" in proc_free at step ", cx.Violation.Message);
                Assert.Contains("touched by reaper", cx.Violation.Message);
            }
            else Assert.Matches("is SZOMB but its lwp [0-9]+ is Dead on p_lwps", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The harm, not only the order: without the zombie rule the same search still ends in the use
    /// after free of a proc its parent freed (the reaper's wakeup(p->p_pptr) or its unlink of the
    /// detached LWP), as it did before session 37 (worst 14 schedules on the ten seeds then).
    /// </summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void WithoutTheZombieRuleTheReaperTouchesTheFreedProc(EngineKind engine)
    {
        var builtIn = Uvm.Properties.Catalogue.BuiltIn;
        var withoutTheOrder = new Uvm.Properties.Catalogue([.. builtIn.Invariants.Where(i => i != Uvm.Properties.ExitInvariants.ZombieHasFreedItsResources)], builtIn.Liveness);
        Search.AssertFound("exit-reaper", KernelOfTheText, Budget, "detector UseAfterFree", engine, cx =>
            Assert.Contains(" in proc_free at step ", cx.Violation.Message), withoutTheOrder);
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug reaper-two-sections</c> (seed 0, schedule
    /// 2, co-shrunk: workload size 24 -> 6, steps 154 -> 42; re-pinned in sessions 28 and 35, and in
    /// session 37, when ZombieHasFreedItsResources came to judge the zombie itself): exit2() has
    /// queued pid 3 (step 31) and lwp_exit2() not yet its LWP; the reaper frees the u-area of an
    /// earlier LWP (33-36), takes pid 3 off deadprocs (37), runs uvm_proc_exit() (38-40) and makes it
    /// a zombie (41) while its lwp 2 is still LSDEAD on p_lwps.
    /// <code>
    /// BUG FOUND in schedule 2: [invariant ZombieHasFreedItsResources] ... Violated: pid 3 is SZOMB but
    /// its lwp 2 is Dead on p_lwps. After reaper: reaper: SZOMB.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-reaper-reaper-two-sections-ZombieHasFreedItsResources-seed0.json", "invariant ZombieHasFreedItsResources",
            replay => Assert.Equal("reaper: SZOMB", replay.Steps[^1].Function));
    }

    /// <summary>The default reaper (one deadproc section, the big lock across its loop) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultReaperSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("exit-reaper", Budget, engine);
    }
}
