using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Model.Vm;

namespace Uvm.Tests.Model;

/// <summary>uvm_loan() to the kernel and to anons, uvm_unloan(), and the pagedaemon's view of loaned pages.</summary>
public sealed class PageLoanTests
{
    private static readonly KernelConfig PreFixF3 = Switches.Configure(["loan-kernel-page-queued"]);

    /// <summary>Loans page 0 of <paramref name="amap"/> (or of <paramref name="obj"/>) to the kernel, running every step.</summary>
    private static List<Page> LoanToKernel(Kernel k, KernelThread self, Anon?[] amap, AObj? obj = null)
    {
        var pages = new List<Page>();
        KernelFixture.RunAll(PageLoan.Loan(k, self, amap, obj, 0, toKernel: true, pages, []));
        return pages;
    }

    /// <summary>An aobj of one page, resident, on the active queue.</summary>
    private static (AObj Obj, Page Page) ObjectPage(Kernel k)
    {
        var obj = AObjPager.Create(k, 1);
        var p = PageQueues.Alloc(k)!;
        obj.Insert(p, 0);
        PageQueues.Unbusy(k, p);
        PageQueues.Activate(k, p);
        return (obj, p);
    }

    [Fact]
    public void LoanToTheKernelTakesTheAnonPageOffItsQueue()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);

        var steps = KernelFixture.RunAll(PageLoan.Loan(k, self, [anon], null, 0, toKernel: true, [], []));

        Assert.Equal(["uvm_loananon: loan to kernel"], steps);
        Assert.Equal(1, p.LoanCount);
        Assert.Equal(PageQueue.None, p.Queue);
        Assert.Same(p, Assert.Single(k.Vm.KernelLoans));
        Assert.Same(anon, p.OwnerAnon);
        Assert.False(anon.Lock.Held);
    }

    [Fact]
    public void PreFixLoanToTheKernelLeavesThePageQueued()
    {
        var k = VmFixture.Kernel(freePages: 2, config: PreFixF3);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);

        LoanToKernel(k, self, [anon]);

        Assert.Equal(1, p.LoanCount);
        Assert.Equal(PageQueue.Active, p.Queue);
    }

    [Fact]
    public void UnloanPutsAnOwnedPageBackOnTheActiveQueue()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Inactive);
        var pages = LoanToKernel(k, self, [anon]);

        var steps = KernelFixture.RunAll(Unloan.UnloanPages(k, self, pages));

        Assert.Equal(["uvm_unloanpage"], steps);
        Assert.Equal(0, p.LoanCount);
        Assert.Equal(PageQueue.Active, p.Queue);
        Assert.Empty(k.Vm.KernelLoans);
    }

    [Fact]
    public void OwnerFreeingAKernelLoanedPageOnlyDisownsItAndUnloanFreesIt()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        var pages = LoanToKernel(k, self, [anon]);

        AnonPager.Free(k, self, anon);

        Assert.False(p.Owned);
        Assert.Null(anon.Page);
        Assert.Equal(1, p.LoanCount);
        Assert.Equal(1, k.Uvmexp.Free);

        KernelFixture.RunAll(Unloan.UnloanPages(k, self, pages));

        Assert.Equal(PageQueue.Free, p.Queue);
        Assert.Equal(2, k.Uvmexp.Free);
    }

    [Fact]
    public void PagedaemonNeverSeesAPageLoanedToTheKernel()
    {
        var k = VmFixture.Kernel(freePages: 1, slots: 2);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Inactive);
        LoanToKernel(k, self, [anon]);
        var pd = PageDaemon.Start(k);

        var step = VmFixture.WakePagedaemon(k, pd);

        Assert.Equal(StepKind.Sleep, step.Kind);
        Assert.False(p.Busy);
        Assert.Null(k.Events.Rule);
    }

    [Fact]
    public void PreFixPagedaemonPagesOutAPageLoanedToTheKernel()
    {
        var k = VmFixture.Kernel(freePages: 1, slots: 2, config: PreFixF3);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Inactive);
        LoanToKernel(k, self, [anon]);
        var pd = PageDaemon.Start(k);

        var step = VmFixture.WakePagedaemon(k, pd);

        Assert.Equal("uvmpd_scan_inactive: uvm_swap_put", step.Function);
        Assert.True(p.Busy);
        Assert.Equal(nameof(Uvm.Properties.LoanInvariants.PagedaemonNeverReclaimsAPageLoanedToTheKernel), k.Events.Rule);
        Assert.Equal($"the pagedaemon paged out {p} while the kernel held 1 loan(s) on it", k.Events.Detail);
    }

    [Fact]
    public void ObjectPageLoanedToAnAnonIsTakenOverByThePagedaemonOnceTheObjectLetsItGo()
    {
        var k = VmFixture.Kernel(freePages: 3);
        var self = VmFixture.Actor(k);
        var (obj, p) = ObjectPage(k);
        var anons = new List<Anon>();
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: false, [], anons));
        var borrower = Assert.Single(anons);

        Assert.Same(p, borrower.Page);
        Assert.Equal(1, p.LoanCount);
        Assert.Null(p.OwnerAnon);

        KernelFixture.RunAll(AObjPager.Detach(k, self, obj, "uao_detach"));

        Assert.False(p.Owned);
        Assert.Same(borrower, p.Anon);
        Assert.Equal(PageQueue.Active, p.Queue);

        var pd = PageDaemon.Start(k);
        VmFixture.WakePagedaemon(k, pd);

        Assert.Same(borrower, p.OwnerAnon);
        Assert.Equal(0, p.LoanCount);
    }

    /// <summary>An O->A loan is broken by design when the pagedaemon pages the page out: no rule is broken.</summary>
    [Fact]
    public void PagedaemonMayPageOutAPageLoanedOnlyToAnAnon()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 2);
        var self = VmFixture.Actor(k);
        var (obj, p) = ObjectPage(k);
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: false, [], []));
        p.Flags &= ~PageFlags.Clean;
        PageQueues.Deactivate(k, p);
        var pd = PageDaemon.Start(k);

        VmFixture.WakePagedaemon(k, pd);

        Assert.True((p.Flags & PageFlags.Pageout) != 0, $"{p} was not paged out");
        Assert.Equal(0, p.KernelLoans);
        Assert.Null(k.Events.Rule);
    }

    [Fact]
    public void UnloanOfABorrowingAnonDropsOnlyItsLoan()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var (obj, p) = ObjectPage(k);
        var anons = new List<Anon>();
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: false, [], anons));

        var steps = KernelFixture.RunAll(Unloan.UnloanAnon(k, self, anons[0]));

        Assert.Equal(["uvm_unloananon", "uvm_anfree"], steps); // an_ref--, unlock; then uvm_anfree(), as the kernel cuts it
        Assert.Equal(0, p.LoanCount);
        Assert.Null(p.Anon);
        Assert.Same(p, obj.PageAt(0));
        Assert.Equal(PageQueue.Active, p.Queue);
        Assert.DoesNotContain(anons[0], k.Vm.Anons);
    }

    /// <summary>
    /// The last uvm_unloananon() of a borrowing anon drops an_ref and unlocks; its uvm_anfree() then
    /// finds the borrowed page's object lock held elsewhere (uvm_anon_lockloanpg()'s try-lock
    /// fails), waits for it, and frees.
    /// </summary>
    [Fact]
    public void TheLastUnloanDropsItsReferenceThenAnfreeWaitsForTheOwnerLock()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var holder = VmFixture.Actor(k, "holder");
        var (obj, p) = ObjectPage(k);
        var anons = new List<Anon>();
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: false, [], anons));
        obj.Lock.Acquire(holder);
        using var unloan = Unloan.UnloanAnon(k, self, anons[0]).GetEnumerator();

        Assert.True(unloan.MoveNext());
        Assert.Equal("uvm_unloananon", unloan.Current.Function);
        Assert.Equal(0, anons[0].RefCount);
        Assert.True(unloan.MoveNext());
        Assert.Equal("uvm_anon_lockloanpg: simple_lock_try failed", unloan.Current.Function);
        Assert.False(anons[0].Freed);
        obj.Lock.Release(k, holder);
        Assert.True(unloan.MoveNext());
        Assert.Equal("uvm_anfree", unloan.Current.Function);
        Assert.False(unloan.MoveNext());
        Assert.True(anons[0].Freed);
        Assert.Null(p.Anon);
    }

    /// <summary>
    /// loan-shares-dying-anon (found by the checker): without the big lock uvm_unloananon() ends its
    /// step at the unlock; a loan of the same page to an anon then shares the anon through
    /// pg-&gt;uanon (uvm_loanuobj: an_ref 0 -&gt; 1) and uvm_anfree()'s KASSERT(anon-&gt;an_ref == 0) panics.
    /// </summary>
    [Fact]
    public void WithoutTheBigLockALoanBetweenUnloanAndAnfreeRevivesTheAnon()
    {
        var k = VmFixture.Kernel(freePages: 2, config: Switches.Configure(["loan-shares-dying-anon"]));
        var self = VmFixture.Actor(k);
        var (obj, _) = ObjectPage(k);
        var first = new List<Anon>();
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: false, [], first));
        using var unloan = Unloan.UnloanAnon(k, self, first[0]).GetEnumerator();

        Assert.True(unloan.MoveNext());
        Assert.Equal("uvm_unloananon", unloan.Current.Function);
        Assert.Equal(0, first[0].RefCount);
        var second = new List<Anon>();
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: false, [], second));
        Assert.Same(first[0], second[0]);
        var e = Assert.Throws<KernelPanicException>(() => unloan.MoveNext());
        Assert.Equal("uvm_anfree", e.Site);
        Assert.Contains("KASSERT(anon->an_ref == 0)", e.Detail);
    }

    [Fact]
    public void LoanOfAnAnonToAnotherAnonSharesIt()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        var anons = new List<Anon>();

        KernelFixture.RunAll(PageLoan.Loan(k, self, [anon], null, 0, toKernel: false, [], anons));

        Assert.Same(anon, Assert.Single(anons));
        Assert.Equal(2, anon.RefCount);
        Assert.Equal(0, p.LoanCount);
    }
}
