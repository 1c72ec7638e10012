using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// pageout-takes-borrower-for-owner, found by this checker once the pagedaemon was read against
/// uvm_pdaemon.c 1.39 (docs/fidelity.md, "Found by the checker"). uvmpd_scan_inactive() takes
/// <c>anon = p-&gt;uanon; uobj = p-&gt;uobject;</c> for every page, locks the anon only for a PQ_ANON
/// or ownerless page and the object otherwise, and then uses <c>anon</c> whenever it is set: the
/// clean branch's <c>if (anon) { KASSERT(anon-&gt;an_swslot != 0); anon-&gt;u.an_page = NULL; }</c> and
/// the dirty branch's <c>if (anon) anon-&gt;an_swslot = swslot + swcpages; else uao_set_swslot(...)</c>.
/// An aobj page lent to an anon by uvm_loanuobj() (uanon set, the aobj still its owner) is taken
/// for the anon's: its object's slot is dropped (uao_dropswap()) and the new one is written into
/// the borrower, whose an_lock nobody holds. Every stored text through 2019 keeps the code; NetBSD
/// compiled out the loans of object pages to anons in the 2011 locking rework (uvm_loan.c, read in
/// 1.81.2.10). The default kernel takes the owner's anon only (PQ_ANON).
///
/// Setup (scenario loan-shm): a process writes the first page of its 2-page shm segment and its
/// private page, lends both shm pages to anons and writes them again, while another process
/// writes 3 anonymous pages in 3 pages of memory.
///
/// Interleaving: the shm pages are lent (each gets a borrowing anon and stays on the active
/// queue); the allocations short of memory wake the pagedaemon, whose pass deactivates them; in
/// the next pass the dirty lent page is set up for pageout and its slot written into the borrower.
///
/// Violated: the generic lock-discipline detector (an_swslot written, or read by the dirty branch's
/// free of the old slot, without an_lock); nothing of this bug's own. A clean lent page (read back from swap) fails the scan's own KASSERT instead.
/// </summary>
public sealed class PagedaemonPagesOutAPageAnAnonBorrows
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// loan-shm --bug pageout-takes-borrower-for-owner --seed S [--engine coyote]</c>): 1 on every seed
    /// in both engines.
    /// </summary>
    private const int Budget = 100;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["pageout-takes-borrower-for-owner"]);

    [Fact]
    public void TheSwitchKeepsTheBigLock() => Assert.True(KernelOfTheText.BigLock);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void ThePagedaemonWritesTheSlotIntoTheBorrower(EngineKind engine)
    {
        Search.AssertFound("loan-shm", KernelOfTheText, Budget, "detector LockDiscipline", engine, cx =>
        {
            Assert.Matches("an_swslot (read|written) while nobody holds it", cx.Violation.Message);
            Assert.Contains("(in pagedaemon)", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s loan-shm --bug pageout-takes-borrower-for-owner</c>
    /// (seed 0, schedule 1, co-shrunk: workload size 13 -> 5, steps 60 -> 21): the process lends both
    /// shm pages to anons (steps 8 and 9; the second allocation wakes the pagedaemon); its pass
    /// deactivates them (13); the write of the second shm page breaks its loan (14); the process
    /// exits (16); the next pass pages out the first lent page and writes its slot into the
    /// borrowing anon (20). It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [detector LockDiscipline] detector: LockDiscipline: lock an_lock of anon 1 of an_swslot (anon 1) not held by pagedaemon in CleanOrPageout: an_swslot written while nobody holds it (in pagedaemon)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("loan-shm-pageout-takes-borrower-for-owner-LockDiscipline-seed0.json", "detector LockDiscipline", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Thread == "loan1" && s.Function.StartsWith("uvm_loanuobj", StringComparison.Ordinal));
            Assert.Equal("pagedaemon", replay.Steps[^1].Thread);
        });
    }

    /// <summary>The default kernel (the owner's anon only) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelThatTakesTheOwnerSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("loan-shm", Budget, engine);
    }
}
