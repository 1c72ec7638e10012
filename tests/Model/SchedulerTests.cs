using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Tests.Model;

public sealed class SchedulerTests
{
    [Fact]
    public void SetrunqueuePanicsWhenTheLwpIsAlreadyQueued()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];

        var panic = Assert.Throws<KernelPanicException>(() => Scheduler.SetRunQueue(k, l));

        Assert.Equal("setrunqueue", panic.Site);
    }

    [Fact]
    public void RemrunqueuePanicsWhenTheLwpIsNotQueued()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        Scheduler.RemRunQueue(k, l);

        var panic = Assert.Throws<KernelPanicException>(() => Scheduler.RemRunQueue(k, l));

        Assert.Equal("remrunqueue", panic.Site);
    }

    [Fact]
    public void CpuSwitchRunsTheHeadOfTheRunQueue()
    {
        var k = KernelFixture.WithLwps(2);

        var l = Scheduler.CpuSwitch(k, k.Cpus[1]);

        Assert.Same(k.Lwps[0], l);
        Assert.Equal(LwpStat.OnProc, l!.Stat);
        Assert.Same(k.Cpus[1], l.Cpu);
        Assert.Same(l, k.Cpus[1].Current);
        Assert.False(l.OnRunQueue);
        Assert.Equal([k.Lwps[1]], k.RunQueue.Lwps);
    }

    [Fact]
    public void SetrunnableOfASwappedOutLwpWakesProc0InsteadOfQueueing()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        Scheduler.RemRunQueue(k, l);
        l.Stat = LwpStat.Sleep;
        l.InMemory = false;

        Scheduler.SetRunnable(k, l);

        Assert.Equal(LwpStat.Run, l.Stat);
        Assert.False(l.OnRunQueue);
    }

    [Fact]
    public void SetrunnablePanicsOnARunningLwp()
    {
        var k = KernelFixture.WithLwps(1);
        var l = Scheduler.CpuSwitch(k, k.Cpus[0])!;

        Assert.Throws<KernelPanicException>(() => Scheduler.SetRunnable(k, l));
    }
}
