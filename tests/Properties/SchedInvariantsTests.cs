using Uvm.Model.Sched;
using Uvm.Properties;

namespace Uvm.Tests.Properties;

public sealed class SchedInvariantsTests
{
    [Fact]
    public void EverySchedulerInvariantHoldsOnAFreshKernel()
    {
        var k = KernelFixture.WithLwps(3);
        Scheduler.CpuSwitch(k, k.Cpus[0]);

        Assert.All(SchedInvariants.All, i => Assert.Null(i.Check(k)));
    }

    [Fact]
    public void OnProcLwpIsInMemoryNamesTheRunningSwappedOutLwp()
    {
        var k = KernelFixture.WithLwps(1);
        var l = Scheduler.CpuSwitch(k, k.Cpus[0])!;
        l.InMemory = false;

        var violation = SchedInvariants.OnProcLwpIsInMemory.Check(k);

        Assert.Equal("lwp 1 runs on cpu0 with L_INMEM clear and its u-area wired", violation);
    }

    [Fact]
    public void SystemLwpIsNeverSwappedOutNamesTheKernelThread()
    {
        var k = KernelFixture.WithLwps(1);
        var proc0 = new Uvm.Model.Threads.SchedulerThread(k);
        Assert.Null(SchedInvariants.SystemLwpIsNeverSwappedOut.Check(k));

        proc0.Lwp.InMemory = false;

        Assert.Equal("the lwp of proc0 (P_SYSTEM) has L_INMEM clear while Run", SchedInvariants.SystemLwpIsNeverSwappedOut.Check(k));
    }

    [Fact]
    public void HeldLwpIsNeverSwappedOutNamesTheHeldLwp()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        l.HoldCount = 1;
        Assert.Null(SchedInvariants.HeldLwpIsNeverSwappedOut.Check(k));

        l.InMemory = false;

        Assert.Equal("lwp 1 has l_holdcnt 1 but L_INMEM clear: it was swapped out while held", SchedInvariants.HeldLwpIsNeverSwappedOut.Check(k));
        l.HoldCount = 0;
        Assert.Null(SchedInvariants.HeldLwpIsNeverSwappedOut.Check(k));
    }

    [Fact]
    public void RunQueueHoldsOnlyRunnableInMemoryLwpsCatchesAQueuedSwappedOutLwp()
    {
        var k = KernelFixture.WithLwps(1);
        k.Lwps[0].InMemory = false;

        Assert.NotNull(SchedInvariants.RunQueueHoldsOnlyRunnableInMemoryLwps.Check(k));
    }

    [Fact]
    public void LwpIsOnAtMostOneRunQueueOrCpuCatchesARunningQueuedLwp()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        k.Cpus[0].Current = l;

        Assert.Equal("lwp 1 runs on cpu0 and is on the run queue", SchedInvariants.LwpIsOnAtMostOneRunQueueOrCpu.Check(k));
    }

    [Fact]
    public void CpuRunsAtMostOneLwpCatchesCurlwpDisagreeingWithLcpu()
    {
        var k = KernelFixture.WithLwps(2);
        var l = Scheduler.CpuSwitch(k, k.Cpus[0])!;
        k.Cpus[1].Current = l;

        Assert.NotNull(SchedInvariants.CpuRunsAtMostOneLwp.Check(k));
    }

    [Fact]
    public void TheSwapInLivenessPropertyIsPendingWhileARunnableLwpIsSwappedOut()
    {
        var k = KernelFixture.WithLwps(1);
        Scheduler.RemRunQueue(k, k.Lwps[0]);
        k.Lwps[0].InMemory = false;

        Assert.Equal("lwp 1 is LSRUN with L_INMEM clear", SchedInvariants.RunnableSwappedOutLwpIsEventuallySwappedIn.Pending(k));
    }
}
