using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// vfs_subr.c 1.227-1.228 (yamt, 2004; pulled up to netbsd-2-0 as ticket #516): "getcleanvnode:
/// don't try to reclaim a vnode marked as VXLOCK. Fix crashes with VOP_RECLAIM implementations
/// which might block". The text of 2004-04-22 (vfs_subr.c 1.222) walks vnode_free_list taking the
/// first vnode whose v_interlock it can simple_lock_try(); 1.258.2.1 skips a VXLOCK one.
///
/// Setup (scenario vnode-recycle): a file user dirties pages of two files, unlinks the first and
/// exits; a namei process opens files no vnode holds, so getnewvnode() recycles free vnodes.
///
/// Interleaving: the exit's vrele() of the unlinked file puts its vnode on the free list and
/// ufs_inactive() vrecycle()s it: vgonel() → vclean() sets VXLOCK and sleeps in vinvalbuf()'s
/// synchronous write and VOP_RECLAIM, the vnode still on the list. The namei process's
/// getcleanvnode() takes it (v_freelist = 0xdeadb) and its vgonel() sleeps ("vgone"). vclean()
/// clears VXLOCK and wakes it; without the big lock the woken process recycles the vnode for its
/// new file and closes it, and vrele() puts it back on the free list, before the cleaner's vgonel()
/// reaches "dofree = vp-&gt;v_freelist.tqe_prev != 0xdeadb": true again, so the cleaner frees the
/// vnode (pool_put) that the namei process's file is. Under the 2004 big lock the cleaner runs from
/// its wakeup to that test without a sleep, and the window is closed. The fix keeps getcleanvnode()
/// away from the vnode while VXLOCK is set; without the big lock the window between VXLOCK's clear
/// and the free-list test stays open to it (a finding, rarer by two orders of magnitude).
///
/// Violated: the UseAfterFree detector (the freed vnode's next access); nothing of this bug's own.
/// </summary>
public sealed class GetcleanvnodeReusesAVnodeVrecycleIsCleaning
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// vnode-recycle --bug getcleanvnode-takes-vxlock-vnode --seed S [--engine coyote]</c>):
    /// in-process 216, 60, 73, 256, 232, 640, 53, 137, 1104, 63; Coyote 152, 17, 97, 537, 31, 50,
    /// 210, 105, 155, 34 (worst 1104).
    /// </summary>
    private const int Budget = 2000;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["getcleanvnode-takes-vxlock-vnode"]);

    /// <summary>Schedules per seed for <see cref="TheBigLockClosesTheWindow"/>: five times the bug's budget.</summary>
    private const int BigLockBudget = 10000;

    [Fact]
    public void TheSwitchRunsWithoutTheBigLock() => Assert.False(KernelOfTheText.BigLock);

    /// <summary>
    /// The same 1.222 code under the 2004 big lock: the cleaner keeps kernel_lock from vclean()'s
    /// wakeup to vgonel()'s free-list test, so the woken getcleanvnode() reuses the vnode only after
    /// the cleaner left it alone (dofree false).
    /// </summary>
    [Fact]
    public void TheBigLockClosesTheWindow()
    {
        Assert.All(Search.Explore("vnode-recycle", KernelOfTheText with { BigLock = true }, BigLockBudget, EngineKind.Direct), r =>
        {
            Assert.False(r.FoundBug, r.Counterexample?.Violation.Message);
            Assert.Equal(BigLockBudget, r.Iterations);
        });
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheCleanerFreesTheVnodeGetcleanvnodeReused(EngineKind engine)
    {
        Search.AssertFound("vnode-recycle", KernelOfTheText, Budget, "detector UseAfterFree", engine, cx =>
        {
            Assert.Contains("freed by", cx.Violation.Message);
            Assert.Contains("in vgonel", cx.Violation.Message);
            Assert.Contains(cx.Steps, s => s.Function == "vgonel: VXLOCK (vgone)");
            Assert.Contains(cx.Steps, s => s.Function == "vgonel: pool_put");
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s vnode-recycle --bug
    /// getcleanvnode-takes-vxlock-vnode</c> (seed 0, schedule 216, co-shrunk: workload size 22 -&gt;
    /// 15, steps 54 -&gt; 27): file1 unlinks file 0 and exits; its vrele() recycles the vnode (11-12)
    /// while namei1's getcleanvnode() takes it and sleeps in vgonel() (15); file1's vinvalbuf()
    /// writes the dirty page and VOP_RECLAIM ends (16-21), vclean() wakes namei1 (22), which reuses
    /// the vnode and closes it (23-24); file1's vgonel() finds it on the free list and frees it (25):
    /// <code>
    /// REPRODUCED by the kernel-level schedule: [detector UseAfterFree] detector: UseAfterFree: use after free: vnode 1 freed by file1 in vgonel at step 25, touched by namei1 in Vrele (in namei1)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("vnode-recycle-getcleanvnode-takes-vxlock-vnode-UseAfterFree-seed0.json", "detector UseAfterFree", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Thread == "namei1" && s.Function == "vgonel: VXLOCK (vgone)");
            Assert.Equal("namei1", replay.Steps[^1].Thread);
        });
    }

    /// <summary>
    /// The fixed getcleanvnode() (the VXLOCK test of 1.227-1.228) survives the bug's own search: the
    /// same kernel without the big lock, the same budget per seed. Searched deeper it is not clean: a
    /// getcleanvnode() that lands between vclean()'s VXLOCK clear and vgonel()'s free-list test,
    /// where VXLOCK no longer keeps it away, reuses the vnode the cleaner then frees
    /// (docs/fidelity.md, "Found by the checker", an open finding): 3 of the ten seeds, at schedules
    /// 11021, 4043 and 5533 of 20000; so this fact does not use <see cref="Search.AssertClean"/>'s
    /// deeper budget.
    /// </summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheFixSurvivesTheSameSearch(EngineKind engine)
    {
        Assert.All(Search.Explore("vnode-recycle", KernelConfig.Fixed with { BigLock = false }, Budget, engine), r =>
        {
            Assert.False(r.FoundBug, r.Counterexample?.Violation.Message);
            Assert.Equal(Budget, r.Iterations);
        });
    }

    /// <summary>The default kernel (the fix, under the 2004 big lock) survives the deeper search.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("vnode-recycle", Budget, engine);
    }
}
