using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Properties;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>uvm_aio_aiodone() of a pageout cluster: success, EIO and ENOMEM, stepped by hand.</summary>
public sealed class AioDaemonTests
{
    /// <summary>Two dirty anon pages paged out as one cluster of slots 1-2, the buf waiting for the aiodone daemon.</summary>
    private static (Kernel K, (Anon Anon, Page Page)[] Pages, AioDaemon Aio) ClusterInFlight(PageoutError error)
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 4);
        k.Vm.ClusterPages = 2;
        if (error != PageoutError.None) k.Vm.IoErrors[1] = error;
        var pages = Enumerable.Range(0, 2).Select(_ => VmFixture.AnonPage(k, PageQueue.Inactive)).ToArray();
        k.Uvmexp.FreeTarg = 4;
        var pd = PageDaemon.Start(k);
        var aio = AioDaemon.Start(k);
        Assert.Equal("uvmpd_scan_inactive: uvm_swap_put", VmFixture.WakePagedaemon(k, pd).Function);
        return (k, pages, aio);
    }

    [Fact]
    public void ASuccessfulClusterFreesItsPagesWhichAreThenOnlyInSwap()
    {
        var (k, pages, aio) = ClusterInFlight(PageoutError.None);

        Assert.Equal("uvm_aio_aiodone", aio.Advance().Function);

        Assert.All(pages, p => Assert.Equal(PageQueue.Free, p.Page.Queue));
        Assert.Equal([1, 2], pages.Select(p => p.Anon.SwSlot));
        Assert.Equal((0, 2, 2), (k.Uvmexp.Paging, k.Uvmexp.SwpgOnly, k.Vm.Swap.InUse));
    }

    [Fact]
    public void AnEioClusterLosesItsPagesAndMarksItsSlotsBad()
    {
        var (k, pages, aio) = ClusterInFlight(PageoutError.Eio);

        aio.Advance();

        Assert.All(pages, p => Assert.Equal(PageQueue.Free, p.Page.Queue));
        Assert.All(pages, p => Assert.Equal(SwapSpace.SwslotBad, p.Anon.SwSlot));
        Assert.Equal((0, 0, 2, 2), (k.Uvmexp.Paging, k.Uvmexp.SwpgOnly, k.Vm.Swap.InUse, k.Vm.Swap.Bad));
        Assert.Null(SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
    }

    [Fact]
    public void AnEnomemClusterReactivatesItsPagesDirtyAndFreesItsSlots()
    {
        var (k, pages, aio) = ClusterInFlight(PageoutError.Enomem);

        aio.Advance();

        Assert.All(pages, p =>
        {
            Assert.Equal(PageQueue.Active, p.Page.Queue);
            Assert.False(p.Page.Busy);
            Assert.Equal(PageFlags.None, p.Page.Flags & (PageFlags.Clean | PageFlags.Pageout));
            Assert.Equal(0, p.Anon.SwSlot);
        });
        Assert.Equal((0, 0, 0), (k.Uvmexp.Paging, k.Uvmexp.SwpgOnly, k.Vm.Swap.InUse));
    }

    [Fact]
    public void APageInOfABadSlotFailsAndFreesThePage()
    {
        var (k, pages, aio) = ClusterInFlight(PageoutError.Eio);
        aio.Advance();
        var anon = pages[0].Anon;
        var faulter = VmFixture.Actor(k, "faulter");
        anon.Lock.Acquire(faulter);
        var got = new Out<Page>();

        var steps = AnonPager.Get(k, faulter, anon, got).Select(s => s.Function).ToList();

        Assert.Equal(["uvmfault_anonget: uvm_swap_get", "uvmfault_anonget: I/O error, uvm_pagefree"], steps);
        Assert.Null(got.Value);
        Assert.Null(anon.Page);
        Assert.False(anon.Lock.Held);
        Assert.Equal(0, k.Uvmexp.SwpgOnly);
        Assert.Equal(2, k.Uvmexp.Free);
    }

    [Fact]
    public void TheDaemonWaitsWhileAnOwnerLockOfTheBufIsHeld()
    {
        var (k, pages, aio) = ClusterInFlight(PageoutError.None);
        var faulter = VmFixture.Actor(k, "faulter");
        pages[1].Anon.Lock.Acquire(faulter);

        var wait = aio.Advance();

        Assert.Equal(StepKind.Sleep, wait.Kind);
        Assert.Equal("uvm_aio_aiodone: simple_lock", wait.Function);
        Assert.Single(k.Vm.PagesInFlight);
        Assert.True(pages[0].Page.Busy);
    }
}
