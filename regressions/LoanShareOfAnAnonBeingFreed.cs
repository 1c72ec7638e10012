using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// <para>
/// <b>loan-shares-dying-anon</b>, found by this checker (issue 17; docs/fidelity.md, "Found by the
/// checker"): uvm_loanzero() shares, through pg-&gt;uanon, an anon whose last reference
/// uvm_unloananon() has just dropped, before uvm_anfree() frees it.
/// Kernel: sys/uvm/uvm_loan.c (rev 1.29.2.4's uvm_unloananon(), the loop of rev 1.13; the zero
/// page's anon sharing of rev 1.40/1.41, 2003, which uvm_loanuobj() has had since 1998) and
/// sys/uvm/uvm_anon.c uvm_anfree() (KASSERT(anon-&gt;an_ref == 0) on entry, rev 1.15, 2001, and
/// 1.21.4.2). Never fixed as such: the 2011 locking rework compiled loans of object and zero
/// pages to anons out ("#ifdef notdef", "XXX: locking"; read in uvm_loan.c 1.81.2.10). The model
/// cuts at the unlock as the kernel does; the 2004 kernel's big lock (model/Core/KernelLock.cs,
/// issue 18), which the receiver holds from the unlock to uvm_anfree() (no sleep between), keeps
/// every loan out of that window (<see cref="TheBigLockClosesTheWindow"/>), so the switch
/// (SwitchKind.Discovered) selects a kernel without the big lock (KernelSwitch.BigLock false).
/// </para>
/// <para>
/// <i>Setup</i> (scenario <c>loan-share</c>): two processes each lend a never-touched page to an
/// anon (UVM_LOAN_TOANON), give it back and lend it again; both loans share the zero page's anon.
/// </para>
/// <para>
/// <i>Interleaving</i>: loan2 lends (uvm_loanzero: a new anon borrows the zero page) and gives it
/// back (uvm_unloananon: an_ref 1 -&gt; 0, unlock); loan1's uvm_loanzero() finds the anon through
/// pg-&gt;uanon and takes a reference (an_ref 1); loan2 enters uvm_anfree().
/// </para>
/// <para>
/// <i>Violated</i>: the use-after-free detector's rule for reference counts (session 24,
/// model/Core/Discipline.cs <c>Counted</c>): a reference is never taken on an object whose count
/// reached 0, because the thread that dropped it frees it; loan1's an_ref++ from 0 is reported at
/// once (<c>detector UseAfterFree</c>, "reference taken on a dying object"). Before that rule the
/// search found the consequences, still accepted here: the kernel assertion
/// KASSERT(anon-&gt;an_ref == 0) in uvm_anfree (<c>panic uvm_anfree</c>), or, when both lenders drop
/// their references before either frees, the second uvm_anfree() touching the anon the first freed.
/// </para>
/// </summary>
public sealed class LoanShareOfAnAnonBeingFreed
{
    /// <summary>
    /// Iterations per seed. Over the ten seeds of <see cref="Search.Seeds"/> the in-process engine
    /// needed 1, 3, 1, 1, 1, 1, 1, 1, 1, 2 schedules and Coyote 1, 5, 1, 1, 1, 3, 1, 3, 1, 2
    /// (worst 5; with the reference-count rule, session 24), so 20 leaves a wide margin.
    /// </summary>
    private const int Budget = 20;

    private static readonly KernelConfig WithoutBigLock = Switches.Configure(["loan-shares-dying-anon"]);

    /// <summary>Schedules per seed for <see cref="TheBigLockClosesTheWindow"/>: a hundred times the bug's budget.</summary>
    private const int BigLockBudget = 2000;

    [Fact]
    public void TheSwitchRunsWithoutTheBigLock() => Assert.False(WithoutBigLock.BigLock);

    /// <summary>
    /// The same 2004 code under the 2004 big lock, the default kernel: a hundred times the budget
    /// that finds the bug on every seed without the lock finds nothing. The receiver keeps
    /// kernel_lock from uvm_unloananon()'s unlock to uvm_anfree(), and the other lender's
    /// uvm_loanzero() needs it.
    /// </summary>
    [Fact]
    public void TheBigLockClosesTheWindow()
    {
        Assert.All(Search.Explore("loan-share", WithoutBigLock with { BigLock = true }, BigLockBudget, EngineKind.Direct), r =>
        {
            Assert.False(r.FoundBug, r.Counterexample?.Violation.Message);
            Assert.Equal(BigLockBudget, r.Iterations);
        });
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void KernelWithoutTheBigLockFreesAnAnonANewLoanShares(EngineKind engine)
    {
        Search.AssertFound("loan-share", WithoutBigLock, Budget, ["panic uvm_anfree", "detector UseAfterFree"], engine, cx =>
        {
            Assert.Matches(cx.Violation.Kind == ViolationKind.Panic ? @"KASSERT\(anon->an_ref == 0\)" : "reference taken on a dying object: an_ref of anon|freed by", cx.Violation.Message);
            Assert.Contains(cx.Steps, s => s.Function == "uvm_loanzero: loan to anon");
        });
    }

    /// <summary>
    /// Pinned replay, found by <c>uvmcheck run --bug loan-shares-dying-anon --seed 3000009</c>
    /// (schedule 1, shrunk to 3 steps; pinned again in session 24, when the reference-count rule
    /// reported the bug at its first step, the loan). loan1 lends the zero page to an anon and gives
    /// it back (an_ref 1 -&gt; 0, an_lock dropped before uvm_anfree()); loan2's uvm_loanzero() finds
    /// the anon through pg-&gt;uanon and takes a reference from 0:
    /// <code>
    ///    0  loan1      uvm_loanzero: loan to anon
    ///    1  loan1      uvm_unloananon
    ///    2  loan2      UseAfterFree  [panic]
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("loan-share-loan-shares-dying-anon-UseAfterFree-seed3000009.json", "detector UseAfterFree",
            replay =>
            {
                Assert.Equal("loan2", replay.Steps[^1].Thread);
                Assert.Contains("reference taken on a dying object: an_ref of anon 1 went from 0 to 1", replay.Violation!.Message);
            });
    }

    /// <summary>The same search on the default kernel (the same code under the big lock): every property holds.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("loan-share", Budget, engine);
    }
}
