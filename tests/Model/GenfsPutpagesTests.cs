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
}
