using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// loan-break-leaves-old-page-clean, found by this checker once the loan break of uvm_fault() was
/// read against uvm_fault.c 1.69 (docs/fidelity.md, "Found by the checker"). Case 2 on a loaned
/// object page: <c>uvm_pagecopy(uobjpage, pg); pg-&gt;flags &amp;= ~(PG_FAKE|PG_CLEAN);
/// pmap_page_protect(uobjpage, VM_PROT_NONE); ... uvm_pagerealloc(uobjpage, NULL, 0);</c>: only the
/// copy is marked dirty, and uvm_pagerealloc() takes the old page out of its object without
/// touching its flags (uvm_pagefree()'s loan branch, which marks a loaned object page dirty "for
/// the benefit of possible anon owners", is not called). uvmpd_scan_inactive() then hands the
/// ownerless page to the anon that borrows it (PQ_ANON, loan_count--) and, the page clean, frees it
/// with <c>KASSERT(anon-&gt;an_swslot != 0)</c>: the anon never had a slot, and without DIAGNOSTIC
/// its only copy of the data is gone. The 2012 text marks an orphan dirty when an anon takes it
/// over (uvm_loan_resolve_orphan()), after NetBSD compiled loans of object pages to anons out in
/// 2011; the default kernel marks the old page dirty at the break, as the model did before.
///
/// Setup (scenario loan-shm): a process writes the first page of its 2-page shm segment and its
/// private page, lends both shm pages to anons and writes them again, while another process
/// writes 3 anonymous pages in 3 pages of memory.
///
/// Interleaving: the first shm page is paged out; the loan reads it back from swap (clean) and
/// gives it a borrowing anon; the process's write breaks the loan, and the old page leaves the
/// aobj clean; the pagedaemon's next pass hands it to the anon and frees it as clean.
///
/// Violated: the kernel's own assertion, or, when the page is seen before the pagedaemon comes to
/// it, CleanPageHasSwapCopy (a clean page without a swap copy); nothing of this bug's own.
/// </summary>
public sealed class LoanBreakLeavesACleanPageToItsBorrower
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// loan-shm --bug loan-break-leaves-old-page-clean --seed S [--engine coyote]</c>): in-process 12,
    /// 17, 13, 3, 15, 3, 4, 24, 4, 22; Coyote 4, 4, 14, 11, 36, 5, 5, 7, 36, 46 (worst 46).
    /// </summary>
    private const int Budget = 100;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["loan-break-leaves-old-page-clean"]);

    [Fact]
    public void TheSwitchKeepsTheBigLock() => Assert.True(KernelOfTheText.BigLock);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void ThePagedaemonFreesACleanPageItsAnonHasNoCopyOf(EngineKind engine)
    {
        Search.AssertFound("loan-shm", KernelOfTheText, Budget, ["panic uvmpd_scan_inactive", "invariant CleanPageHasSwapCopy"], engine);
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s loan-shm --bug loan-break-leaves-old-page-clean</c>
    /// (seed 0, schedule 12, co-shrunk: workload size 13 -> 12, steps 82 -> 67): the pagedaemon pages
    /// out the first shm page among others (steps 22-26); the loan reads it back from swap and lends
    /// it to anon 5 (50, 55); a pass deactivates it (61); the process's write breaks the loan and the
    /// clean old page leaves the aobj (62); the next pass hands it to anon 5 and frees it (66). It prints:
    /// <code>
    /// BUG FOUND in schedule 12: [panic uvmpd_scan_inactive] panic: uvmpd_scan_inactive: KASSERT(anon->an_swslot != 0) failed: clean page 2 of anon 5 of anon 5 has no swap copy (in pagedaemon)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("loan-shm-loan-break-leaves-old-page-clean-uvmpd_scan_inactive-seed0.json", "panic uvmpd_scan_inactive", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Thread == "loan1" && s.Function == "uvm_fault: break loan (case 2A), pmap_enter");
            Assert.Equal("pagedaemon", replay.Steps[^1].Thread);
        });
    }

    /// <summary>The default kernel (the old page marked dirty at the break) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelThatMarksTheOldPageDirtySurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("loan-shm", Budget, engine);
    }
}
