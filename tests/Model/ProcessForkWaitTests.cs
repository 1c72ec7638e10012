using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Exit;
using Uvm.Model.Sched;
using Uvm.Model.Threads;

namespace Uvm.Tests.Model;

public sealed class ProcessForkWaitTests
{
    private static readonly IReadOnlyList<LwpOp> ForkOne = [new Fork([new Compute(1)])];

    [Fact]
    public void ForkReusesACachedUareaWithoutWiringIt()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ForkOne, [new Compute(1)]);
        var cached = ExitFixture.CacheUareaOf(k, k.Lwps[1]);
        int free = k.Uvmexp.Free;

        var steps = ExitFixture.RunUntil(cpu, "fork1");

        Assert.Equal(["cpu_switch", "fork1: SIDL", "uvm_uarea_alloc", "fork1"], steps);
        var child = k.Lwps.Last();
        Assert.Same(cached, child.Uarea);
        Assert.True(child.InMemory);
        Assert.Equal(free, k.Uvmexp.Free);
        Assert.Equal([child], k.RunQueue.Lwps);
    }

    [Fact]
    public void ForkWithAnEmptyCacheAllocatesAndWiresAFreshUarea()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ForkOne);
        int free = k.Uvmexp.Free;

        var steps = ExitFixture.RunUntil(cpu, "fork1");

        Assert.Equal(["cpu_switch", "fork1: SIDL", "uvm_km_alloc", "uvm_km_alloc: vm_map_unlock", "uvm_fault_wire: zero-fill", "uvm_fault_wire: zero-fill", "fork1"], steps);
        var child = k.Lwps.Last();
        Assert.True(child is { InMemory: true, UareaWired: true, Stat: LwpStat.Run });
        Assert.Equal(free - Uvmexp.UspacePages, k.Uvmexp.Free);
        Assert.Contains(child.Proc, k.Lwps[0].Proc.Children);
    }

    [Fact]
    public void ForkShortOfMemoryWaitsInUvmWaitAndWakesThePagedaemon()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ForkOne);
        k.Uvmexp.Free = 1;
        var parent = k.Lwps[0];

        var steps = ExitFixture.RunUntil(cpu, "uvm_wait: uao_getpage");

        Assert.Equal(LwpStat.Sleep, parent.Stat);
        Assert.Equal(Pageout.FreeMemory, parent.WChan);
        Assert.Null(cpu.Cpu.Current);
        Tsleep.Wakeup(k, new KernelFixture.TestThread(k), Pageout.FreeMemory);
        Assert.Equal([parent], k.RunQueue.Lwps);
    }

    /// <summary>
    /// kern_fork.c 1.111: PHOLD(l1) before newlwp()'s wiring, PRELE(l1) after setrunqueue, so a
    /// parent asleep for memory in the wiring is no swapout candidate, and is one again once forked.
    /// </summary>
    [Fact]
    public void AParentAsleepInForksWiringIsHeldAgainstSwapoutUntilTheChildRuns()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ForkOne);
        k.Uvmexp.Free = 1;
        var parent = k.Lwps[0];

        ExitFixture.RunUntil(cpu, "uvm_wait: uao_getpage");

        Assert.Equal(LwpStat.Sleep, parent.Stat);
        Assert.Equal(1, parent.HoldCount);
        Assert.False(Swapout.Swappable(k, parent));
        k.Uvmexp.Free = 4;
        Tsleep.Wakeup(k, new KernelFixture.TestThread(k), Pageout.FreeMemory);
        ExitFixture.RunUntil(cpu, "fork1");
        Assert.Equal(0, parent.HoldCount);
    }

    [Fact]
    public void TheReaperDesignHasNoUareaCache()
    {
        var (k, cpu) = ExitFixture.OneCpu(new KernelConfig { ExitDesign = ExitDesign.Reaper }, ForkOne, [new Compute(1)]);
        ExitFixture.CacheUareaOf(k, k.Lwps[1]);

        var steps = ExitFixture.RunUntil(cpu, "fork1");

        Assert.Contains("uvm_km_alloc", steps);
        Assert.Single(k.Uareas.FreeList);
    }

    [Fact]
    public void WaitWithoutChildrenReturnsEchildAndTheProgramGoesOn()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, [new Wait(), new Compute(1)]);

        var steps = ExitFixture.RunUntil(cpu, "preempt");

        Assert.Equal(["cpu_switch", "wait4: ECHILD", "preempt"], steps);
    }

    [Fact]
    public void WaitSleepsUntilTheChildIsAZombieThenDrainsAndFreesIt()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, [new Fork([]), new Wait()]);
        var parent = k.Lwps[0];
        ExitFixture.RunUntil(cpu, "fork1");

        Assert.Equal("find_stopped_child: tsleep", cpu.Advance().Function);
        Assert.Equal(LwpStat.Sleep, parent.Stat);
        var child = k.Lwps.Last().Proc;
        ExitFixture.RunUntil(cpu, "exit1: SZOMB");
        Assert.Equal(LwpStat.Run, parent.Stat);
        var rest = ExitFixture.RunUntil(cpu, "proc_free");

        Assert.Equal(["cpu_exit", "lwp_exit2", "cpu_switch", "find_stopped_child", "proc_free"], rest);
        Assert.True(child.Reaped);
        Assert.Empty(parent.Proc.Children);
    }

    [Fact]
    public void AnOrphanGoesToInitWhichCollectsIt()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, [new Fork([new Compute(3)])]);
        var init = k.ProcLists.Init!;

        KernelRunner.Run(k);

        Assert.All(k.Procs.Where(p => p != init), p => Assert.True(p.Reaped, $"{p} not reaped"));
        Assert.Empty(init.Children);
    }
}
