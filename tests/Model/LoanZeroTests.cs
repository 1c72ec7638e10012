using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Tests.Model;

/// <summary>uvm_loanzero(): the shared zero page, its allocation under a shortage, and the fixes behind loan-recheck-after-sleep and loan-zero-page-unqueued.</summary>
public sealed class LoanZeroTests
{
    [Fact]
    public void FirstZeroLoanAllocatesTheZeroPageAndTheKernelLoanTakesItOffTheQueue()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var pages = new List<Page>();

        var steps = KernelFixture.RunAll(LoanZero.Loan(k, self, toKernel: true, pages, []));

        var zero = k.Vm.LoanZeroObject.PageAt(0)!;
        Assert.Equal(["uvm_loanzero: loan to kernel"], steps);
        Assert.Same(zero, Assert.Single(pages));
        Assert.True((zero.Flags & PageFlags.RdOnly) != 0);
        Assert.False(zero.Busy);
        Assert.Equal(1, zero.LoanCount);
        Assert.Equal(PageQueue.None, zero.Queue);

        KernelFixture.RunAll(Unloan.UnloanPages(k, self, pages));

        Assert.Equal(PageQueue.Active, zero.Queue);
        Assert.Same(zero, k.Vm.LoanZeroObject.PageAt(0));
    }

    [Fact]
    public void ZeroLoansToAnonsShareOneBorrowingAnon()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var anons = new List<Anon>();

        KernelFixture.RunAll(LoanZero.Loan(k, self, toKernel: false, [], anons));
        KernelFixture.RunAll(LoanZero.Loan(k, self, toKernel: false, [], anons));

        var zero = k.Vm.LoanZeroObject.PageAt(0)!;
        Assert.Same(anons[0], anons[1]);
        Assert.Equal(2, anons[0].RefCount);
        Assert.Equal(1, zero.LoanCount);
        Assert.Equal(PageQueue.Active, zero.Queue);
        Assert.Equal(1, k.Uvmexp.Free);
    }

    /// <summary>
    /// Two loaners: the first sleeps for memory, the second then allocates the zero page, memory
    /// frees up, and the first wakes. Returns the first loaner's next step.
    /// </summary>
    private static Step SleepWhileAnotherAllocates(Kernel k, out List<Page> first, out List<Page> second)
    {
        var a = VmFixture.Actor(k, "loan1");
        var b = VmFixture.Actor(k, "loan2");
        first = [];
        second = [];
        var sleeper = LoanZero.Loan(k, a, toKernel: true, first, []).GetEnumerator();
        Assert.True(sleeper.MoveNext());
        Assert.Equal(StepKind.Sleep, sleeper.Current.Kind);
        Assert.Equal("uvm_wait: loanzero", sleeper.Current.Function);
        GiveAFreePage(k);
        KernelFixture.RunAll(LoanZero.Loan(k, b, toKernel: true, second, []));
        GiveAFreePage(k);
        Assert.True(sleeper.MoveNext());
        return sleeper.Current;
    }

    private static void GiveAFreePage(Kernel k)
    {
        k.Vm.Unmaterialized++;
        k.Uvmexp.Free++;
    }

    [Fact]
    public void LoanerThatSleptLooksTheZeroPageUpAgain()
    {
        var k = VmFixture.Kernel(freePages: 0);

        var step = SleepWhileAnotherAllocates(k, out var first, out var second);

        Assert.Equal("uvm_loanzero: loan to kernel", step.Function);
        Assert.Same(second[0], first[0]);
        Assert.Equal(2, first[0].LoanCount);
        Assert.Equal(1, k.Uvmexp.Free);
    }

    [Fact]
    public void PreFixLoanerThatSleptInsertsASecondZeroPage()
    {
        var k = VmFixture.Kernel(freePages: 0, config: Switches.Configure(["loan-recheck-after-sleep"]));

        var panic = Assert.Throws<KernelPanicException>(() => SleepWhileAnotherAllocates(k, out _, out _));

        Assert.Equal("uvm_pageinsert", panic.Site);
        Assert.Contains("uvm_loanzero_object[0] already holds", panic.Detail);
    }

    [Fact]
    public void PreFixZeroLoanUnownsThePageOnNoQueue()
    {
        var k = VmFixture.Kernel(freePages: 2, config: Switches.Configure(["loan-zero-page-unqueued"]));
        var self = VmFixture.Actor(k);

        var panic = Assert.Throws<KernelPanicException>(() => KernelFixture.RunAll(LoanZero.Loan(k, self, toKernel: true, [], [])));

        Assert.Equal("uvm_page_own", panic.Site);
    }
}
