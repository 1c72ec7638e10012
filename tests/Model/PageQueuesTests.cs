using Uvm.Model;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>uvm_pagealloc / uvm_pagefree and the queues.</summary>
public sealed class PageQueuesTests
{
    [Fact]
    public void FreedPageHasNoOwnerAndCountsAsFree()
    {
        var k = VmFixture.Kernel(freePages: 1);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        Assert.Equal(0, k.Uvmexp.Free);

        PageQueues.Free(k, p);

        Assert.Equal(PageQueue.Free, p.Queue);
        Assert.False(p.Owned);
        Assert.Null(anon.Page);
        Assert.Equal(1, k.Uvmexp.Free);
        Assert.Empty(k.Vm.ActiveQueue);
    }

    [Fact]
    public void FreeingAPageInPageoutPanics()
    {
        var k = VmFixture.Kernel(freePages: 1);
        var (_, p) = VmFixture.AnonPage(k, PageQueue.Active);
        p.Flags |= PageFlags.Pageout;

        var panic = Assert.Throws<Uvm.Model.Core.KernelPanicException>(() => PageQueues.Free(k, p));

        Assert.Equal("uvm_pagefree", panic.Site);
        Assert.Contains("KASSERT((pg->flags & PG_PAGEOUT) == 0)", panic.Message);
        Assert.NotEqual(PageQueue.Free, p.Queue);
    }

    /// <summary>
    /// uvm_pagealloc_strat(): an allocation that may not use the reserve fails at free &lt;=
    /// reserve_kernel; a kernel object's or the pool allocator's goes on to reserve_pagedaemon,
    /// which only the pagedaemon may pass (and the model's pagedaemon allocates nothing).
    /// </summary>
    [Fact]
    public void UserPagesStopAtTheKernelReserveAndKernelPagesAtThePagedaemonReserve()
    {
        var k = VmFixture.Kernel(freePages: 4);
        k.Uvmexp.ReserveKernel = 2;
        k.Uvmexp.ReservePagedaemon = 1;

        Assert.NotNull(PageQueues.Alloc(k));
        Assert.NotNull(PageQueues.Alloc(k));
        Assert.Null(PageQueues.Alloc(k));
        Assert.Equal(2, k.Uvmexp.Free);
        Assert.NotNull(PageQueues.Alloc(k, useReserve: true));
        Assert.Null(PageQueues.Alloc(k, useReserve: true));
        Assert.Equal(1, k.Uvmexp.Free);
    }

    [Fact]
    public void ActivatingAnActivePageMovesItToTheTailUncounted()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (_, first) = VmFixture.AnonPage(k, PageQueue.Active);
        var (_, second) = VmFixture.AnonPage(k, PageQueue.Active);

        PageQueues.Activate(k, first);

        Assert.Equal([second, first], k.Vm.ActiveQueue);
        Assert.Equal(2, k.Uvmexp.Active);
    }

    [Fact]
    public void FreeingALoanedPageOnlyDisownsIt()
    {
        var k = VmFixture.Kernel(freePages: 1);
        var obj = AObjPager.Create(k, 1);
        var p = PageQueues.Alloc(k)!;
        obj.Insert(p, 0);
        PageQueues.Unbusy(k, p);
        PageQueues.Activate(k, p);
        p.LoanCount = 1;

        PageQueues.Free(k, p);

        Assert.Null(obj.PageAt(0));
        Assert.False(p.Owned);
        Assert.Equal(PageQueue.None, p.Queue);
        Assert.Equal(0, k.Uvmexp.Free);
    }

    [Fact]
    public void AllocationFailsAtTheReserve()
    {
        var k = VmFixture.Kernel(freePages: 1);

        Assert.NotNull(PageQueues.Alloc(k));
        Assert.Null(PageQueues.Alloc(k));
    }
}
