using Uvm.Model;
using Uvm.Model.Vm;
using Uvm.Properties;
using Uvm.Tests.Model;

namespace Uvm.Tests.Properties;

/// <summary>The loan and page-ownership invariants, on hand-built good and bad states.</summary>
public sealed class LoanInvariantsTests
{
    /// <summary>A kernel with one anon page loaned to the kernel and one object page loaned to an anon.</summary>
    private static (Kernel K, Page KernelLoaned, Page AnonLoaned) WithLoans()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        KernelFixture.RunAll(PageLoan.Loan(k, self, [anon], null, 0, toKernel: true, [], []));
        var obj = AObjPager.Create(k, 1);
        KernelFixture.RunAll(Fault.TouchObject(k, self, obj, 0, write: true));
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: false, [], []));
        return (k, p, obj.PageAt(0)!);
    }

    [Fact]
    public void EveryLoanInvariantHoldsWhilePagesAreOnLoan()
    {
        var (k, _, _) = WithLoans();

        Assert.All(LoanInvariants.All, i => Assert.Null(i.Check(k)));
    }

    [Fact]
    public void LoanCountMatchesTheLoansHeldCatchesALostLoan()
    {
        var (k, p, _) = WithLoans();
        p.LoanCount = 0;

        Assert.Equal("page 1 of anon 1 has loan_count 0 but the kernel holds 1 loan(s) on it",
            LoanInvariants.LoanCountMatchesTheLoansHeld.Check(k));
    }

    [Fact]
    public void LoanCountMatchesTheLoansHeldCountsEveryLoanOfAPageAndNamesItsBorrower()
    {
        var (k, p, anonLoaned) = WithLoans();
        k.Vm.KernelLoanList.Add(p);
        Assert.Equal("page 1 of anon 1 has loan_count 1 but the kernel holds 2 loan(s) on it",
            LoanInvariants.LoanCountMatchesTheLoansHeld.Check(k));
        k.Vm.KernelLoanList.Remove(p);

        anonLoaned.LoanCount++;

        Assert.Equal($"{anonLoaned} has loan_count 2 but the kernel holds 0 loan(s) on it and {anonLoaned.Anon} borrows it",
            LoanInvariants.LoanCountMatchesTheLoansHeld.Check(k));
    }

    [Fact]
    public void ALoanOfAPageThatIsNotInThePageListCountsForNoPage()
    {
        var (k, _, _) = WithLoans();
        k.Vm.KernelLoanList.Add(new Page(1));

        Assert.Null(LoanInvariants.LoanCountMatchesTheLoansHeld.Check(k));
    }

    [Fact]
    public void PagedaemonNeverReclaimsAPageLoanedToTheKernelReportsWhatTheEventSiteFound()
    {
        var (k, _, _) = WithLoans();
        k.Events.Break(nameof(LoanInvariants.PagedaemonNeverReclaimsAPageLoanedToTheKernel),
            "the pagedaemon freed page 1 of anon 1 while the kernel held 1 loan(s) on it");

        Assert.Equal("the pagedaemon freed page 1 of anon 1 while the kernel held 1 loan(s) on it",
            LoanInvariants.PagedaemonNeverReclaimsAPageLoanedToTheKernel.Check(k));
    }

    [Fact]
    public void PagedaemonNeverReclaimsAPageLoanedToTheKernelIgnoresOtherRules()
    {
        var (k, _, _) = WithLoans();
        k.Events.Break("SomeOtherRule", "something else");

        Assert.Null(LoanInvariants.PagedaemonNeverReclaimsAPageLoanedToTheKernel.Check(k));
    }

    [Fact]
    public void AnOwnerlessPageOnAQueueWithNoAnonIsCaught()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Inactive);
        p.Anon = null;
        p.PqAnon = false;
        anon.Page = null;

        Assert.NotNull(LoanInvariants.QueuedPageHasAnObjectOrAnAnon.Check(k));
        Assert.Equal("page 1 is neither free nor owned, wired, on loan or held by a declared holder (leaked)", LoanInvariants.UnownedPageIsFreeWiredOrOnLoan.Check(k));
    }

    [Fact]
    public void BusyPageWithoutAnOwnerTagIsCaught()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (_, p) = VmFixture.AnonPage(k, PageQueue.Active);
        p.Flags |= PageFlags.Busy;

        Assert.Equal("page 1 of anon 1 is busy but no owner is recorded", LoanInvariants.BusyPageHasARecordedOwner.Check(k));
    }
}
