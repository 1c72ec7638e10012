using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>The vnode pager (genfs_getpages, genfs_putpages) and the pagedaemon's pgo_put branch, stepped by hand.</summary>
public sealed class VnodePagerTests
{
    private static List<string> Run(IEnumerable<Step> steps) => VmFixture.Run(steps);

    private static Page FaultedIn(Kernel k, AObj vn, int index, bool write) => VmFixture.FaultedIn(k, vn, index, write);

    [Fact]
    public void AWriteFaultReadsAnAbsentFilePageAndOnlySeedsThePmapModifiedBit()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 2);
        var user = VmFixture.Actor(k, "user");

        var steps = Run(VnodePager.Fault(k, user, vn, 1, write: true));

        Assert.Equal(["genfs_getpages: VOP_STRATEGY, biowait", "uvm_fault: vnode page, write"], steps);
        var p = vn.PageAt(1)!;
        Assert.Equal(PageQueue.Active, p.Queue);
        Assert.False(p.Busy);
        Assert.Equal(PageFlags.Clean, p.Flags & (PageFlags.Clean | PageFlags.Fake)); // uvm_fault() case 2 leaves PG_CLEAN alone
        Assert.True(p.PmapModified); // pmap_enter(..., access_type): the modified bit is seeded
        Assert.Same(vn.Block(1), p.Data); // no store inside the fault
        Assert.False(vn.Lock.Held);
        Assert.Equal(["uvm_fault: vnode page, read"], Run(VnodePager.Fault(k, user, vn, 1, write: false))); // resident: PGO_LOCKED
    }

    [Fact]
    public void GetpagesSleepsOnABusyPageWithPgWanted()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: false);
        PageQueues.Busy(p, "someone else");
        var user = VmFixture.Actor(k, "user");
        vn.Lock.Acquire(user);

        var sleep = VnodePager.Get(k, user, vn, 0, new Out<Page>()).First();

        Assert.Equal(StepKind.Sleep, sleep.Kind);
        Assert.Equal("uvn_findpage: page busy (uvn_fp2)", sleep.Function);
        Assert.True((p.Flags & PageFlags.Wanted) != 0);
        Assert.False(vn.Lock.Held);
    }

    [Fact]
    public void PutFreesACleanFilePageAtOnce()
    {
        var k = VmFixture.Kernel(freePages: 1, slots: 0);
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: false);
        var pd = VmFixture.Actor(k, "pagedaemon");
        vn.Lock.Acquire(pd);

        Assert.Equal(["genfs_putpages: uvm_pagefree"], Run(VnodePager.Put(k, pd, p)));

        Assert.Equal(PageQueue.Free, p.Queue);
        Assert.Null(vn.PageAt(0));
        Assert.False(vn.Lock.Held);
    }

    [Fact]
    public void PutWritesADirtyFilePageAndTheCompletionFreesIt()
    {
        var k = VmFixture.Kernel(freePages: 1, slots: 0);
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: true);
        var pd = VmFixture.Actor(k, "pagedaemon");
        var aio = AioDaemon.Start(k);
        vn.Lock.Acquire(pd);

        Assert.Equal(["genfs_putpages: simple_unlock before GOP_WRITE", "genfs_gop_write: v_numoutput += 2, pool_get", "genfs_gop_write: VOP_STRATEGY (B_ASYNC)", "genfs_putpages: GOP_WRITE"], Run(VnodePager.Put(k, pd, p)));

        Assert.True(p.Busy);
        Assert.Equal(PageFlags.Pageout | PageFlags.Clean, p.Flags & (PageFlags.Pageout | PageFlags.Clean));
        Assert.Equal(PageQueue.None, p.Queue);
        Assert.Equal(1, k.Uvmexp.Paging);
        Assert.Equal(0, Assert.Single(k.Vm.PagesInFlight).Slot);
        Assert.Equal("uvm_aio_aiodone", aio.Advance().Function);
        Assert.Equal(PageQueue.Free, p.Queue);
        Assert.Equal((0, 0), (k.Uvmexp.Paging, k.Uvmexp.SwpgOnly));
    }

    [Fact]
    public void AFailedFileWriteWithEnomemLeavesThePageDirtyAndActive()
    {
        var k = VmFixture.Kernel(freePages: 1, slots: 0);
        k.Vm.IoErrors[1] = PageoutError.Enomem;
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: true);
        var pd = VmFixture.Actor(k, "pagedaemon");
        var aio = AioDaemon.Start(k);
        vn.Lock.Acquire(pd);
        Run(VnodePager.Put(k, pd, p));

        aio.Advance();

        Assert.Equal(PageQueue.Active, p.Queue);
        Assert.Equal(PageFlags.None, p.Flags);
        Assert.Equal(0, k.Uvmexp.Paging);
    }

    [Fact]
    public void ThePagedaemonHandsADirtyFilePageToPgoPutAndRestartsAtTheHeadWhenNextpgLeft()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 2);
        var first = FaultedIn(k, vn, 0, write: true);
        var second = FaultedIn(k, vn, 1, write: false);
        k.Uvmexp.FreeTarg = 4;
        var pd = PageDaemon.Start(k);
        k.SleepQueues.Wakeup(Pageout.Pagedaemon);

        Assert.Equal("uvmpd_scan_inactive: pgo_put", pd.Advance().Function);
        Assert.Equal("genfs_putpages: simple_unlock before GOP_WRITE", pd.Advance().Function);
        var faulter = VmFixture.Actor(k, "faulter");
        k.Vm.PageQueueLock.Acquire(faulter);
        PageQueues.Activate(k, second); // nextpg leaves the inactive queue while the page queues are unlocked
        k.Vm.PageQueueLock.Release(faulter);
        Assert.Equal("genfs_gop_write: v_numoutput += 2, pool_get", pd.Advance().Function);
        Assert.Equal("genfs_gop_write: VOP_STRATEGY (B_ASYNC)", pd.Advance().Function);
        Assert.Equal("genfs_putpages: GOP_WRITE", pd.Advance().Function);

        // Restarted at the (now empty) head rather than at the active page: no second pgo_put;
        // the active scan then deactivates the page for the next pass.
        Assert.Equal(StepKind.Sleep, pd.Advance().Kind);
        Assert.True(first.Busy);
        Assert.Same(second, vn.PageAt(1));
        Assert.Equal(PageQueue.Inactive, second.Queue);
    }

    [Fact]
    public void AFileUsersStoreFollowsItsFaultThroughTheMappingAndRefaultsWhenTheMappingWent()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 1);
        var user = new FileUser(k, "file1", [vn], [new FileTouch(0, 0, Write: true)]);

        Assert.Equal("genfs_getpages: VOP_STRATEGY, biowait", user.Advance().Function);
        Assert.Equal("uvm_fault: vnode page, write", user.Advance().Function); // Advance sets Kernel.Running: the detector is on
        var p = vn.PageAt(0)!;
        Assert.Same(vn.Block(0), p.Data);
        Pmap.PageProtectNone(k, p); // the pagedaemon's genfs_putpages() before the user runs again
        Assert.Equal("uvm_fault: vnode page, write", user.Advance().Function); // the store faults again
        Assert.Equal("user store through the pmap (no fault)", user.Advance().Function);

        Assert.NotSame(vn.Block(0), p.Data);
        Assert.Same(vn.Written(0), p.Data);
        Assert.True(p.PmapModified);
        Assert.Equal(PageFlags.Clean, p.Flags & PageFlags.Clean);
    }

    [Fact]
    public void MappingAFilePageAfterTheUnlockOpensAWindowBeforePmapEnter()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0, config: KernelConfig.Fixed.With(Switches.FileFaultDirtiesAfterUnlock));
        var vn = VnodePager.Create(k, 1);
        var user = new FileUser(k, "file1", [vn], [new FileTouch(0, 0, Write: true)]);
        user.Advance();

        Assert.Equal("uvm_fault: simple_unlock before pmap_enter", user.Advance().Function);
        var p = vn.PageAt(0)!;
        Assert.False(p.Busy);
        Assert.False(p.PmapModified); // not mapped yet: the page is idle, unlocked and unmapped
        Assert.Equal("uvm_fault: vnode page, write", user.Advance().Function);
        Assert.True(p.PmapModified);
    }
}
