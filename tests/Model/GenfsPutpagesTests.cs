using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>genfs_putpages() for callers that are not the pagedaemon, and v_numoutput (model/Pager/GenfsPutpages.cs), stepped by hand.</summary>
public sealed class GenfsPutpagesTests
{
    private static List<string> Run(IEnumerable<Step> steps) => VmFixture.Run(steps);

    private static Page FaultedIn(Kernel k, AObj vn, int index, bool write) => VmFixture.FaultedIn(k, vn, index, write);

    [Fact]
    public void MsyncInvalidateWritesADirtyPageSynchronouslyAndFreesItAsReleased()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: true);
        var data = p.Data;
        var user = VmFixture.Actor(k, "msync");
        vn.Lock.Acquire(user);
        using var steps = GenfsPutpages.Putpages(k, user, vn, cleanIt: true, free: true, syncIo: true).GetEnumerator();

        Assert.True(steps.MoveNext());
        Assert.Equal("genfs_putpages: simple_unlock before GOP_WRITE", steps.Current.Function);
        Assert.Equal(PageFlags.Busy | PageFlags.Released | PageFlags.Clean, p.Flags & (PageFlags.Busy | PageFlags.Released | PageFlags.Clean | PageFlags.Pageout));
        Assert.Equal(0, k.Uvmexp.Paging); // not the pagedaemon: no PG_PAGEOUT, no uvmexp.paging
        Assert.True(steps.MoveNext());
        Assert.Equal("genfs_gop_write: v_numoutput += 2, pool_get", steps.Current.Function);
        Assert.Equal(2, vn.NumOutput);
        Assert.True(steps.MoveNext());
        Assert.Equal("genfs_gop_write: VOP_STRATEGY, biowait", steps.Current.Function);
        Assert.Equal(1, vn.NumOutput); // biodone()'s vwakeup()
        Assert.True(steps.MoveNext());
        Assert.Equal("uvm_aio_aiodone (synchronous write)", steps.Current.Function);
        Assert.False(steps.MoveNext());

        Assert.Equal(PageQueue.Free, p.Queue);
        Assert.Null(vn.PageAt(0));
        Assert.Equal(data, vn.Block(0));
        Assert.Equal(0, vn.NumOutput);
        Assert.Empty(vn.Outputs);
        Assert.False(vn.Lock.Held);
    }

    [Fact]
    public void FsyncSleepsGenputOnABusyPageWithPgWanted()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: true);
        PageQueues.Busy(p, "someone else");
        var user = VmFixture.Actor(k, "fsync");
        vn.Lock.Acquire(user);

        var sleep = GenfsPutpages.Putpages(k, user, vn, cleanIt: true, free: false, syncIo: true).First();

        Assert.Equal(StepKind.Sleep, sleep.Kind);
        Assert.Equal("genfs_putpages: page busy (genput)", sleep.Function);
        Assert.True((p.Flags & PageFlags.Wanted) != 0);
        Assert.False(vn.Lock.Held);
    }

    [Fact]
    public void TheSyncersWriteIsCompletedByAiodonedWhichUnbusiesThePage()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: true);
        var aio = AioDaemon.Start(k);
        var syncer = VmFixture.Actor(k, "syncer");
        vn.Lock.Acquire(syncer);

        Assert.Equal(["genfs_putpages: simple_unlock before GOP_WRITE", "genfs_gop_write: v_numoutput += 2, pool_get", "genfs_gop_write: VOP_STRATEGY (B_ASYNC)"],
            Run(GenfsPutpages.Putpages(k, syncer, vn, cleanIt: true, free: false, syncIo: false)));
        Assert.True(p.Busy);
        Assert.Equal(2, vn.NumOutput);
        Assert.Equal("uvm_aio_aiodone", aio.Advance().Function);

        Assert.False(p.Busy);
        Assert.Equal(PageQueue.Inactive, p.Queue); // un-busied, not freed: the pagedaemon's branch is not taken
        Assert.Equal(0, vn.NumOutput);
        Assert.Empty(vn.Outputs);
    }

    [Fact]
    public void FsyncWaitsGenputOnAPageInThePagedaemonsWrite()
    {
        // The default: a synchronous caller waits on the busy page (the later genfs_do_putpages()'s integrity sync).
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: true);
        var pd = VmFixture.Actor(k, "pagedaemon");
        vn.Lock.Acquire(pd);
        using var put = VnodePager.Put(k, pd, p).GetEnumerator();
        Assert.True(put.MoveNext()); // PG_PAGEOUT set, the object unlocked, v_numoutput not yet raised
        Assert.Equal(0, vn.NumOutput);
        var user = VmFixture.Actor(k, "fsync");
        vn.Lock.Acquire(user);

        var sleep = GenfsPutpages.Putpages(k, user, vn, cleanIt: true, free: false, syncIo: true).First();

        Assert.Equal("genfs_putpages: page busy (genput)", sleep.Function);
        Assert.Equal(p.Channel, sleep.Channel);
    }

    [Fact]
    public void FsyncWaitsGenput2ForThePagedaemonsWriteUntilAiodonedsVwakeup()
    {
        // The 1.101 text (sync-skips-pageout-in-flight): the PG_PAGEOUT page is skipped and genput2 waits for v_numoutput.
        var k = VmFixture.Kernel(freePages: 2, slots: 0, config: KernelConfig.Fixed.With(Switches.SyncSkipsPageoutInFlight));
        var vn = VnodePager.Create(k, 1);
        var p = FaultedIn(k, vn, 0, write: true);
        var pd = VmFixture.Actor(k, "pagedaemon");
        var aio = AioDaemon.Start(k);
        vn.Lock.Acquire(pd);
        Run(VnodePager.Put(k, pd, p));
        var user = VmFixture.Actor(k, "fsync");
        vn.Lock.Acquire(user);

        var sleep = GenfsPutpages.Putpages(k, user, vn, cleanIt: true, free: false, syncIo: true).First();

        Assert.Equal("genfs_putpages: v_numoutput (genput2)", sleep.Function); // the PG_PAGEOUT page is skipped, wasclean = FALSE
        Assert.Equal(vn.NumOutputChannel, sleep.Channel);
        Assert.True(vn.VbWait);
        Assert.Equal("uvm_aio_aiodone", aio.Advance().Function);
        Assert.Equal(0, vn.NumOutput);
        Assert.False(vn.VbWait); // vwakeup() cleared it as it woke &v_numoutput
    }

    [Fact]
    public void ThePagedaemonsWriteCarriesTheDirtyNeighboursAndFreesOnlyItsOwnPage()
    {
        var k = VmFixture.Kernel(freePages: 3, slots: 0);
        var vn = VnodePager.Create(k, 3);
        var pages = new[] { FaultedIn(k, vn, 0, write: true), FaultedIn(k, vn, 1, write: true), FaultedIn(k, vn, 2, write: true) };
        var data = pages.Select(p => p.Data).ToArray();
        var pd = VmFixture.Actor(k, "pagedaemon");
        var aio = AioDaemon.Start(k);
        vn.Lock.Acquire(pd);

        Run(VnodePager.Put(k, pd, pages[1]));

        var io = Assert.Single(k.Vm.PagesInFlight);
        Assert.Equal(pages, io.Pages); // uvn_findpages() backward, the page, then forward: one buf
        Assert.All(pages, p => Assert.True(p.Busy && p.IsClean));
        Assert.Equal(PageFlags.Pageout, pages[1].Flags & PageFlags.Pageout);
        Assert.Equal(PageQueue.None, pages[1].Queue);
        // Outside [off, off + PAGE_SIZE): no PG_PAGEOUT, no uvmexp.paging, no uvm_pagedequeue().
        Assert.All([pages[0], pages[2]], p => Assert.Equal((PageFlags.None, PageQueue.Inactive), (p.Flags & PageFlags.Pageout, p.Queue)));
        Assert.Equal(1, k.Uvmexp.Paging);

        Assert.Equal("uvm_aio_aiodone", aio.Advance().Function);

        Assert.Equal(PageQueue.Free, pages[1].Queue);
        Assert.All([pages[0], pages[2]], p => Assert.False(p.Busy));
        Assert.Equal([data[0], data[1], data[2]], [vn.Block(0), vn.Block(1), vn.Block(2)]);
        Assert.Equal((0, 0), (k.Uvmexp.Paging, vn.NumOutput));
    }

    [Fact]
    public void TheClusterStopsAtAnAbsentBusyOrCleanPageAndTakesAWiredOne()
    {
        var k = VmFixture.Kernel(freePages: 5, slots: 0);
        var vn = VnodePager.Create(k, 6);
        var clean = FaultedIn(k, vn, 0, write: false);
        var wired = FaultedIn(k, vn, 1, write: true);
        var pg = FaultedIn(k, vn, 2, write: true);
        var busy = FaultedIn(k, vn, 3, write: true);
        FaultedIn(k, vn, 5, write: true); // page 4 is absent
        var pd = VmFixture.Actor(k, "pagedaemon");
        k.Vm.PageQueueLock.Acquire(pd);
        PageQueues.Wire(k, wired);
        k.Vm.PageQueueLock.Release(pd);
        PageQueues.Busy(busy, "someone else");
        vn.Lock.Acquire(pd);
        PageQueues.Busy(pg, "genfs_putpages");

        var cluster = GenfsPutpages.Cluster(k, vn, pg, out int nback);

        Assert.Equal([wired, pg], cluster); // uvn_findpage() does not look at wire_count
        Assert.Equal(1, nback);
        Assert.True(wired.Busy && wired.IsClean && wired.WireCount == 1);
        Assert.False(clean.Busy);
        Assert.True(clean.IsClean); // UFP_DIRTYONLY: PG_CLEAN set, "dirtonly"
        Assert.Equal("someone else", busy.BusyOwner); // UFP_NOWAIT: not taken, not cleaned
        Assert.True(busy.PmapModified);
    }

    [Fact]
    public void MsyncInvalidateWritesTheClusterOnceAndReleasesEveryPageOfIt()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = VnodePager.Create(k, 2);
        var pages = new[] { FaultedIn(k, vn, 0, write: true), FaultedIn(k, vn, 1, write: true) };
        var data = pages.Select(p => p.Data).ToArray();
        var user = VmFixture.Actor(k, "msync");
        vn.Lock.Acquire(user);

        Assert.Equal(["genfs_putpages: simple_unlock before GOP_WRITE", "genfs_gop_write: v_numoutput += 2, pool_get", "genfs_gop_write: VOP_STRATEGY, biowait", "uvm_aio_aiodone (synchronous write)"],
            Run(GenfsPutpages.Putpages(k, user, vn, cleanIt: true, free: true, syncIo: true)));

        Assert.All(pages, p => Assert.Equal(PageQueue.Free, p.Queue));
        Assert.Equal([data[0], data[1]], [vn.Block(0), vn.Block(1)]);
        Assert.Equal(0, vn.NumOutput);
    }
}
