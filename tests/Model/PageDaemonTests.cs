using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>One pagedaemon pass (uvmpd_scan) and the aiodone completion, stepped by hand.</summary>
public sealed class PageDaemonTests
{
    private static Step RunPass(Kernel k, PageDaemon pd) => VmFixture.WakePagedaemon(k, pd);

    [Fact]
    public void PagedaemonFreesACleanPageAndPagesOutADirtyOne()
    {
        var k = VmFixture.Kernel(freePages: 3, slots: 2);
        var self = VmFixture.Actor(k);
        var (cleanAnon, clean) = VmFixture.AnonPage(k, PageQueue.Inactive, slot: k.Vm.Swap.Alloc(self));
        var (dirtyAnon, dirty) = VmFixture.AnonPage(k, PageQueue.Inactive);
        var pd = PageDaemon.Start(k);
        var aio = AioDaemon.Start(k);

        var step = RunPass(k, pd);

        Assert.Equal("uvmpd_scan_inactive: uvm_swap_put", step.Function);
        Assert.Equal(PageQueue.Free, clean.Queue);
        Assert.Null(cleanAnon.Page);
        Assert.True(dirty.Busy);
        Assert.Equal(PageQueue.None, dirty.Queue);
        Assert.Equal(2, dirtyAnon.SwSlot);
        Assert.Equal(1, k.Uvmexp.Paging);

        Assert.Equal(StepKind.Sleep, pd.Advance().Kind);
        Assert.Null(aio.SleepingOn); // the pageout woke it
        Assert.Equal("uvm_aio_aiodone", aio.Advance().Function);

        Assert.Equal(PageQueue.Free, dirty.Queue);
        Assert.Null(dirtyAnon.Page);
        Assert.Equal(2, dirtyAnon.SwSlot);
        Assert.Equal(0, k.Uvmexp.Paging);
        Assert.Equal(2, k.Uvmexp.SwpgOnly);
    }

    [Fact]
    public void PagedaemonSkipsAPageWhoseOwnerLockIsHeld()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 2);
        var faulter = VmFixture.Actor(k, "faulting cpu");
        var (anon, page) = VmFixture.AnonPage(k, PageQueue.Inactive);
        anon.Lock.Acquire(faulter);
        var pd = PageDaemon.Start(k);

        var step = RunPass(k, pd);

        Assert.Equal(StepKind.Sleep, step.Kind);
        Assert.Equal(PageQueue.Inactive, page.Queue);
        Assert.False(page.Busy);
        Assert.Equal(0, k.Vm.Swap.InUse);
    }

    [Fact]
    public void PagedaemonReactivatesAReferencedPage()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 2);
        var (_, page) = VmFixture.AnonPage(k, PageQueue.Inactive);
        page.Referenced = true;
        var pd = PageDaemon.Start(k);

        RunPass(k, pd);

        Assert.Equal(PageQueue.Inactive, page.Queue); // reactivated, then deactivated again by the active scan
        Assert.False(page.Referenced);
        Assert.Equal(0, k.Uvmexp.Paging);
    }

    [Fact]
    public void DirtyPageWithNoSwapLosesItsStaleSlotAndStays()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 1);
        var self = VmFixture.Actor(k);
        var obj = AObjPager.Create(k, 1);
        var p = PageQueues.Alloc(k)!;
        obj.Insert(p, 0);
        p.Flags &= ~(PageFlags.Clean | PageFlags.Fake);
        PageQueues.Unbusy(k, p);
        PageQueues.Deactivate(k, p);
        obj.SetSwslot(0, k.Vm.Swap.Alloc(self));
        k.Vm.Swap.Enabled = false; // swapctl -d in progress
        var pd = PageDaemon.Start(k);

        RunPass(k, pd);

        Assert.Equal(0, obj.FindSwslot(0)); // uao_dropswap, then "no swap? give up!"
        Assert.False(p.Busy);
        Assert.Equal(0, k.Vm.Swap.InUse);
    }

    [Fact]
    public void AllocationBelowTheFreeTargetWakesThePagedaemon()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var pd = PageDaemon.Start(k);

        PageQueues.Alloc(k);

        Assert.Null(pd.SleepingOn);
    }
}
