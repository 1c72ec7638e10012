using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Vm;
using Uvm.Properties;

namespace Uvm.Tests.Properties;

/// <summary>
/// The sleeper detector (properties/SleeperDetector.cs): once nothing more can run, a thread still
/// asleep is idle only on its own main-loop channel (<see cref="KernelThread.IdlesOn"/>); any other
/// sleeper is pending, named with the holder of the lock it waits for.
/// </summary>
public sealed class SleeperDetectorTests
{
    private static LivenessProperty P => SleeperDetector.EverySleeperIsEventuallyWoken;

    [Fact]
    public void AnLwpInLwpWait1WithAZombieSiblingMissedItsWakeup()
    {
        var k = KernelFixture.WithLwps(2);
        var (waiter, sibling) = (k.Lwps[0], k.Lwps[1]);
        waiter.Stat = LwpStat.Sleep;
        waiter.WChan = Uvm.Model.Exit.ProcLists.NlwpsOf(waiter.Proc); // exit_lwps(): lwp_wait1() found no zombie yet
        Assert.Null(SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));

        sibling.Stat = LwpStat.Zomb;                                   // lwp_exit2() without its wakeup(&p->p_nlwps)

        Assert.Equal($"lwp 1 sleeps on {waiter.WChan}, but lwp 2 of its process is a zombie (the wakeup(&p->p_nlwps) of lwp_exit2() or the reaper was missed)",
            SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));
    }

    [Fact]
    public void AThreadAsleepForMemoryAtTheEndIsPending()
    {
        var k = KernelFixture.WithLwps(1);
        new Sleeper(k, "faulter", Pageout.FreeMemory, idle: false).Advance();

        Assert.Equal("faulter sleeps on &uvmexp.free", P.Pending(k));
    }

    [Fact]
    public void ADaemonAsleepOnItsOwnChannelIsIdle()
    {
        var k = KernelFixture.WithLwps(1);
        new Sleeper(k, "daemon", Pageout.Pagedaemon, idle: true).Advance();

        Assert.Null(P.Pending(k));
    }

    [Fact]
    public void TheIdleChannelIsTheDaemonsOwnOnly()
    {
        var k = KernelFixture.WithLwps(1);
        new Sleeper(k, "daemon", Pageout.FreeMemory, idle: true).Advance();

        Assert.Equal("daemon sleeps on &uvmexp.free", P.Pending(k));
    }

    [Fact]
    public void AWaiterForALockNamesItsHolder()
    {
        var k = KernelFixture.WithLwps(1);
        var anon = new Anon(1, k);
        var holder = new KernelFixture.TestThread(k);
        anon.Lock.Acquire(holder);
        var waiter = new Waiter(k, anon.Lock);

        Assert.Equal(StepKind.Sleep, waiter.Advance().Kind);

        Assert.Equal("waiter sleeps on an_lock of anon 1, held by test", P.Pending(k));
    }

    [Fact]
    public void NobodyAsleepIsClean()
    {
        var k = KernelFixture.WithLwps(1);
        _ = new KernelFixture.TestThread(k);

        Assert.Null(P.Pending(k));
    }

    [Fact]
    public void AiodonedAsleepWithABufQueuedIsNotIdle()
    {
        var k = Uvm.Tests.Model.VmFixture.Kernel();
        var d = Uvm.Model.Threads.AioDaemon.Start(k);
        Assert.True(d.IdlesOn(Pageout.AioDone));

        var (_, p) = Uvm.Tests.Model.VmFixture.AnonPage(k, PageQueue.None);
        k.Vm.Pending.Add(new PageIo(p, 1));

        Assert.False(d.IdlesOn(Pageout.AioDone));
        Assert.Equal("aiodoned sleeps on &uvm.aio_done", P.Pending(k));
    }

    /// <summary>An idle CPU sleeps on sched_whichqs; with an LWP queued, cpu_switch() has work and the CPU is not idle.</summary>
    [Fact]
    public void ACpuAsleepWithAnLwpQueuedIsNotIdle()
    {
        var k = KernelFixture.WithLwps(1);
        var cpu = new Uvm.Model.Threads.CpuThread(k, k.Cpus[0]);
        var l = k.Lwps[0];
        Assert.True(l.OnRunQueue); // the fixture's process starts runnable
        Assert.False(cpu.IdlesOn(Scheduler.WhichQs));

        Scheduler.RemRunQueue(k, l);

        Assert.True(cpu.IdlesOn(Scheduler.WhichQs));
        Assert.False(cpu.IdlesOn(Pageout.FreeMemory));
    }

    /// <summary>The reaper idles on &amp;deadprocs only while neither dead list holds anything to reap.</summary>
    [Fact]
    public void TheReaperAsleepWithADeadLwpQueuedIsNotIdle()
    {
        var k = KernelFixture.WithLwps(1);
        var reaper = new Uvm.Model.Threads.ReaperThread(k);
        Assert.True(reaper.IdlesOn(Uvm.Model.Exit.ProcLists.Deadprocs));

        k.ProcLists.QueueDeadLwp(k.Lwps[0]);

        Assert.False(reaper.IdlesOn(Uvm.Model.Exit.ProcLists.Deadprocs));
    }

    [Fact]
    public void APageLeftBusyAtTheEndIsPending()
    {
        var k = Uvm.Tests.Model.VmFixture.Kernel();
        var (_, p) = Uvm.Tests.Model.VmFixture.AnonPage(k, PageQueue.Active);
        Assert.Null(SleeperDetector.NoPageStaysBusy.Pending(k));

        PageQueues.Busy(p, "uao_pagein_page");

        Assert.Equal($"{p} is still PG_BUSY (owner uao_pagein_page)", SleeperDetector.NoPageStaysBusy.Pending(k));
    }

    [Fact]
    public void APoolPageStaysBusyByDesign()
    {
        var k = Uvm.Tests.Model.VmFixture.Kernel();
        var pool = new Uvm.Model.Pool.Pool("testpl", itemsPerPage: 1, offPageHeaders: true);

        Assert.NotNull(k.Pools.AllocPage(k, pool));

        Assert.Null(SleeperDetector.NoPageStaysBusy.Pending(k));
    }

    /// <summary>A thread whose one step sleeps on <paramref name="channel"/>; a daemon when <paramref name="idle"/>, idle on <see cref="Pageout.Pagedaemon"/>.</summary>
    private sealed class Sleeper(Kernel k, string name, WaitChannel channel, bool idle) : KernelThread(k, name)
    {
        public override bool IdlesOn(WaitChannel c) => idle && c == Pageout.Pagedaemon;

        protected override IEnumerable<Step> Body()
        {
            yield return Step.Sleep("tsleep", channel);
        }
    }

    /// <summary>A thread that waits for <paramref name="l"/>.</summary>
    private sealed class Waiter(Kernel k, SimpleLock l) : KernelThread(k, "waiter")
    {
        protected override IEnumerable<Step> Body()
        {
            foreach (var s in Locks.Take(l, this, "uvmfault_lockanon")) yield return s;
        }
    }
}
