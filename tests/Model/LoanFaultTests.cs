using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>uvm_fault() on loaned and lent pages: a loaned page is never written in place.</summary>
public sealed class LoanFaultTests
{
    [Fact]
    public void LoanBreakCopiesBeforeWriteToAKernelLoanedAnonPage()
    {
        var k = VmFixture.Kernel(freePages: 3);
        var self = VmFixture.Actor(k);
        var (anon, old) = VmFixture.AnonPage(k, PageQueue.Active);
        Anon?[] amap = [anon];
        var pages = new List<Page>();
        KernelFixture.RunAll(PageLoan.Loan(k, self, amap, null, 0, toKernel: true, pages, []));

        var steps = KernelFixture.RunAll(LoanFault.TouchAnon(k, self, amap, 0, write: true));

        Assert.Equal(["uvm_fault: break loan (case 1), pmap_enter"], steps);
        var copy = anon.Page!;
        Assert.NotSame(old, copy);
        Assert.Same(anon, copy.OwnerAnon);
        Assert.Equal(PageQueue.Active, copy.Queue);
        Assert.False(old.Owned);
        Assert.Null(old.Anon);
        Assert.Equal(1, old.LoanCount);
        Assert.Equal(PageQueue.None, old.Queue);

        KernelFixture.RunAll(Unloan.UnloanPages(k, self, pages));

        Assert.Equal(PageQueue.Free, old.Queue);
    }

    [Fact]
    public void ReadOfALoanedPageHitsTheReadOnlyMapping()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        Anon?[] amap = [anon];
        KernelFixture.RunAll(PageLoan.Loan(k, self, amap, null, 0, toKernel: true, [], []));

        var steps = KernelFixture.RunAll(LoanFault.TouchAnon(k, self, amap, 0, write: false));

        Assert.Equal(["uvm_fault: loaned page, mapped read-only"], steps);
        Assert.Same(p, anon.Page);
        Assert.Equal(PageQueue.None, p.Queue);
    }

    [Fact]
    public void WriteToALentAnonCopiesIntoANewAnon()
    {
        var k = VmFixture.Kernel(freePages: 3);
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        Anon?[] amap = [anon];
        KernelFixture.RunAll(PageLoan.Loan(k, self, amap, null, 0, toKernel: false, [], []));

        var steps = KernelFixture.RunAll(LoanFault.TouchAnon(k, self, amap, 0, write: true));

        Assert.Equal(["uvm_fault: case 1B copy-on-write, pmap_enter"], steps);
        Assert.NotSame(anon, amap[0]);
        Assert.Equal(1, anon.RefCount);
        Assert.Same(p, anon.Page);
        Assert.Equal(PageQueue.Active, amap[0]!.Page!.Queue);
    }

    [Fact]
    public void WriteToAKernelLoanedObjectPageReplacesItInTheObject()
    {
        var k = VmFixture.Kernel(freePages: 3);
        var self = VmFixture.Actor(k);
        var obj = AObjPager.Create(k, 1);
        KernelFixture.RunAll(Fault.TouchObject(k, self, obj, 0, write: true));
        var old = obj.PageAt(0)!;
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: true, [], []));

        var steps = KernelFixture.RunAll(Fault.TouchObject(k, self, obj, 0, write: true));

        Assert.Equal(["uvm_fault: break loan (case 2A), pmap_enter"], steps);
        Assert.NotSame(old, obj.PageAt(0));
        Assert.Null(old.Object);
        Assert.Equal(1, old.LoanCount);
        Assert.Equal(PageQueue.None, old.Queue);
        Assert.Equal(PageQueue.Active, obj.PageAt(0)!.Queue);
    }

    [Fact]
    public void PreFixLoanBreakLeavesAnOwnerlessPageThatPanicsThePagedaemon()
    {
        var k = VmFixture.Kernel(freePages: 3, config: Switches.Configure(["loan-kernel-page-queued"]));
        var self = VmFixture.Actor(k);
        var obj = AObjPager.Create(k, 1);
        KernelFixture.RunAll(Fault.TouchObject(k, self, obj, 0, write: true));
        var old = obj.PageAt(0)!;
        KernelFixture.RunAll(PageLoan.Loan(k, self, [], obj, 0, toKernel: true, [], []));
        KernelFixture.RunAll(Fault.TouchObject(k, self, obj, 0, write: true));
        var pd = PageDaemon.Start(k);

        Assert.Equal(PageQueue.Active, old.Queue);
        Assert.NotNull(LoanInvariants.QueuedPageHasAnObjectOrAnAnon.Check(k));

        var panic = Assert.Throws<KernelPanicException>(() => VmFixture.WakePagedaemon(k, pd));

        Assert.Equal("uvmpd_scan", panic.Site);
        Assert.Contains("KASSERT(anon != NULL)", panic.Detail);
    }
}
