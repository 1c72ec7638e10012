using Uvm.Model;
using Uvm.Model.Sched;

namespace Uvm.Tests.Model;

public sealed class SwapoutTests
{
    private static readonly KernelConfig Buggy = Switches.Configure(["pr23095"]);

    [Fact]
    public void FixedSwapoutBacksOffFromAnLwpThatIsNowRunning()
    {
        var k = KernelFixture.WithLwps(1);
        var self = new KernelFixture.TestThread(k);
        var l = Scheduler.CpuSwitch(k, k.Cpus[0])!;

        var steps = KernelFixture.RunAll(Swapout.SwapoutLwp(k, self, l));

        Assert.Equal(["uvm_swapout: LSONPROC, leave it"], steps);
        Assert.True(l.InMemory);
        Assert.True(l.UareaWired);
    }

    [Fact]
    public void PreFixSwapoutUnwiresTheUareaOfARunningLwp()
    {
        var k = KernelFixture.WithLwps(1, config: Buggy);
        var self = new KernelFixture.TestThread(k);
        var l = Scheduler.CpuSwitch(k, k.Cpus[0])!;

        var steps = KernelFixture.RunAll(Swapout.SwapoutLwp(k, self, l));

        Assert.Equal(["uvm_swapout", "uvm_fault_unwire"], steps);
        Assert.Equal(LwpStat.OnProc, l.Stat);
        Assert.False(l.InMemory);
        Assert.False(l.UareaWired);
    }

    [Fact]
    public void SwapoutOfARunnableLwpTakesItOffTheRunQueue()
    {
        var k = KernelFixture.WithLwps(1);
        var self = new KernelFixture.TestThread(k);
        var l = k.Lwps[0];
        int free = k.Uvmexp.Free, active = k.Uvmexp.Active;

        KernelFixture.RunAll(Swapout.SwapoutLwp(k, self, l));

        Assert.False(l.OnRunQueue);
        Assert.False(l.InMemory);
        // uvm_pageunwire(): the u-area's pages stay in memory, pageable on the active queue.
        Assert.Equal(free, k.Uvmexp.Free);
        Assert.Equal(active + Uvmexp.UspacePages, k.Uvmexp.Active);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void TheScanConsidersARunningLwpOnlyBeforeTheFix(bool buggy, bool expectSwapout)
    {
        var k = KernelFixture.WithLwps(1, config: buggy ? Buggy : KernelConfig.Fixed);
        var self = new KernelFixture.TestThread(k);
        var l = Scheduler.CpuSwitch(k, k.Cpus[0])!;
        l.SwTime = 5;
        k.Uvmexp.Free = 0;

        KernelFixture.RunAll(Swapout.SwapoutThreads(k, self));

        Assert.Equal(expectSwapout, !l.InMemory);
    }

    [Fact]
    public void ASwapinBeforeTheSwapoutUnwiresLeavesTheUareaWired()
    {
        var k = KernelFixture.WithLwps(1);
        var self = new KernelFixture.TestThread(k);
        var l = k.Lwps[0];
        k.Uvmexp.Free = 10;
        using var swapout = Swapout.SwapoutLwp(k, self, l).GetEnumerator();
        swapout.MoveNext();                          // uvm_swapout: L_INMEM cleared, not yet unwired

        KernelFixture.RunAll(UareaWiring.Wire(k, () => self, l.Uarea!)); // proc0: uvm_fault_wire, page by page
        Swapout.MakeResident(k, self, l);            // proc0: uvm_swapin
        swapout.MoveNext();                          // swapper: uvm_fault_unwire

        Assert.True(l.InMemory);
        Assert.True(l.UareaWired);
        Assert.Equal(1, l.UareaWireCount);
    }

    [Fact]
    public void SwapinRequeuesARunnableLwpAndMarksItResident()
    {
        var k = KernelFixture.WithLwps(1);
        var self = new KernelFixture.TestThread(k);
        var l = k.Lwps[0];
        KernelFixture.RunAll(Swapout.SwapoutLwp(k, self, l));

        Assert.Same(l, Swapout.PickSwapinCandidate(k));
        KernelFixture.RunAll(UareaWiring.Wire(k, () => self, l.Uarea!));
        Swapout.MakeResident(k, self, l);

        Assert.True(l.InMemory);
        Assert.True(l.OnRunQueue);
        Assert.Null(Swapout.PickSwapinCandidate(k));
    }
}
