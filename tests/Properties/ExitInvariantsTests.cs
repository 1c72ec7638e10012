using Uvm.Model;
using Uvm.Model.Exit;
using Uvm.Model.Sched;
using Uvm.Model.Threads;
using Uvm.Properties;

namespace Uvm.Tests.Properties;

public sealed class ExitInvariantsTests
{
    private static readonly IReadOnlyList<LwpOp> ExitAtOnce = [];

    [Fact]
    public void EveryExitInvariantHoldsAlongACompleteExit()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, [new Fork([]), new Wait()]);

        KernelRunner.Run(k, check: kernel => ExitInvariants.All.Select(i => i.Check(kernel)).FirstOrDefault(v => v is not null));

        Assert.All(ExitInvariants.Liveness, p => Assert.Null(p.Pending(k)));
    }

    [Fact]
    public void UareaReusedByForkWhileTheCpuStillRunsOnItIsNamed()
    {
        var (k, cpu) = ExitFixture.OneCpu(Switches.Configure(["exit-free-uarea-before-switch"]), ExitAtOnce);
        var dying = k.Lwps[0];
        ExitFixture.RunUntil(cpu, "uvm_lwp_exit");
        var u = k.Uareas.TryPop(cpu)!;
        u.State = UareaState.InUse;
        u.Owner = new Lwp(99, dying.Proc, []) { Uarea = u };

        var violation = ExitInvariants.UareaIsNeverFreedOrReusedWhileItsLwpRuns.Check(k);

        Assert.Equal($"cpu0 runs {dying} on {u}, which fork gave to lwp 99", violation);
    }

    [Fact]
    public void ProcessCollectedWhileItsLastLwpIsStillAttachedIsNamed()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ExitAtOnce);
        ExitFixture.RunUntil(cpu, "exit1");
        var p = k.Lwps[0].Proc;
        p.Free("proc_free");

        var violation = ExitInvariants.ZombieIsReapedOnlyAfterLastLwpSwitchedAway.Check(k);

        Assert.Equal($"{p} was collected by wait4() while its lwp 1 is still attached and OnProc on cpu0", violation);
    }

    [Fact]
    public void ZombieThatStillHoldsItsVmspaceIsNamed()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ExitAtOnce);
        ExitFixture.RunUntil(cpu, "exit1");
        var p = k.Lwps[0].Proc;
        Assert.Null(ExitInvariants.ZombieHasFreedItsResources.Check(k));
        p.Stat = ProcStat.Zomb; // made a zombie before uvm_proc_exit()

        Assert.Equal($"{p} is SZOMB but still holds its reference to {p.Vmspace} (uvm_proc_exit() has not run)",
            ExitInvariants.ZombieHasFreedItsResources.Check(k));
    }

    [Fact]
    public void ZombieWithALiveLwpOnItsListIsNamed()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ExitAtOnce);
        ExitFixture.RunUntil(cpu, "exit1");
        var p = k.Lwps[0].Proc;
        p.VmspaceReleased = true;
        p.Stat = ProcStat.Zomb;

        Assert.Equal($"{p} is SZOMB but its lwp 1 is OnProc on p_lwps", ExitInvariants.ZombieHasFreedItsResources.Check(k));
    }

    [Fact]
    public void FreedVmspaceStillActiveOnACpuIsNamed()
    {
        var k = KernelFixture.WithLwps(1);
        Scheduler.CpuSwitch(k, k.Cpus[0]);
        k.Lwps[0].Proc.Vmspace.MarkFreed();

        Assert.Equal("cpu0 still has the vmspace of pid 1 active, which uvmspace_free() has freed",
            ExitInvariants.ZombieIsReapedOnlyAfterLastLwpSwitchedAway.Check(k));
    }

    [Fact]
    public void CpuAsleepAfterSwitchingAwayIsNamed()
    {
        var (k, cpu) = ExitFixture.OneCpu(Switches.Configure(["exit-sleep-after-switch"]), ExitAtOnce);
        ExitFixture.RunUntil(cpu, "cpu_exit");
        k.KernelMapLock.Acquire(new KernelFixture.TestThread(k));
        cpu.Advance();

        Assert.Equal("cpu0 sleeps on kernel_map after switching away from lwp 1",
            ExitInvariants.PathAfterSwitchAwayNeverSleeps.Check(k));
    }

    [Fact]
    public void UareaOfAFreedLwpIsALeak()
    {
        var k = KernelFixture.WithLwps(1);
        k.Lwps[0].Free("pool_put");

        Assert.Equal("u-area 1 belongs to lwp 1, which was freed without uvm_lwp_exit()", ExitInvariants.NoUareaIsLeaked.Check(k));
    }

    [Fact]
    public void UareaCachedTwiceIsNamed()
    {
        var k = KernelFixture.WithLwps(1);
        var self = new KernelFixture.TestThread(k);
        var u = k.Lwps[0].Uarea!;
        ProcessExit.UvmLwpExit(k, self, k.Lwps[0]);
        k.Uareas.Free(self, u);

        Assert.Equal("u-area 1 is cached but on the free list 2 times", ExitInvariants.NoUareaIsLeaked.Check(k));
    }

    [Fact]
    public void SwappedOutExitingLwpAndUnwiredCachedUareaAreNamed()
    {
        var k = KernelFixture.WithLwps(2);
        k.Lwps[0].Proc.Exiting = true;
        k.Lwps[0].InMemory = false;

        Assert.Equal("lwp 1 of exiting pid 1 is swapped out (L_INMEM clear) while Run", ExitInvariants.SwapoutNeverSelectsAnExitingLwp.Check(k));

        k.Lwps[0].Proc.Exiting = false;
        var u = k.Lwps[1].Uarea!;
        ProcessExit.UvmLwpExit(k, new KernelFixture.TestThread(k), k.Lwps[1]);
        u.Wired = false;
        Assert.Equal("cached u-area 2 is unwired", ExitInvariants.SwapoutNeverSelectsAnExitingLwp.Check(k));
    }

    [Fact]
    public void TheLaterUvmSwapoutBacksOffFromAnLwpWhoseProcessStartedToExit()
    {
        var k = KernelFixture.WithLwps(1, config: KernelConfig.Fixed);
        var l = k.Lwps[0];
        l.Proc.Exiting = true;

        var steps = KernelFixture.RunAll(Swapout.SwapoutLwp(k, new KernelFixture.TestThread(k), l));

        Assert.Equal(["uvm_swapout: LSONPROC, leave it"], steps);
        Assert.True(l.InMemory);
        Assert.Null(ExitInvariants.SwapoutNeverSelectsAnExitingLwp.Check(k));
    }

    [Fact]
    public void The2004UvmSwapoutSwapsOutAnLwpWhoseProcessStartedToExit()
    {
        var k = KernelFixture.WithLwps(1, config: Switches.Configure(["swapout-exited-lwp"]));
        var l = k.Lwps[0];
        l.Proc.Exiting = true;

        var steps = KernelFixture.RunAll(Swapout.SwapoutLwp(k, new KernelFixture.TestThread(k), l));

        Assert.Equal(["uvm_swapout", "uvm_fault_unwire"], steps);
        Assert.False(l.InMemory);
        Assert.NotNull(ExitInvariants.SwapoutNeverSelectsAnExitingLwp.Check(k));
    }

    [Fact]
    public void ProcessWhoseLwpsAllExitedWithoutExit1IsPendingLiveness()
    {
        var (k, cpu) = ExitFixture.OneCpuOneProcess(null, ExitAtOnce, ExitAtOnce);
        var p = k.Lwps[0].Proc;
        Assert.Equal(2, p.Lwps.Count);
        Assert.Null(ExitInvariants.ProcessWhoseLwpsAllExitedBecomesAZombie.Pending(k));

        // What two lwp_exit() paths leave when neither called exit1(): both LWPs dead, the process active.
        p.Lwps[0].Stat = LwpStat.Zomb;
        Assert.Null(ExitInvariants.ProcessWhoseLwpsAllExitedBecomesAZombie.Pending(k));
        p.Lwps[1].Stat = LwpStat.Dead;

        Assert.Equal($"every LWP of {p} has exited, but none called exit1(): {p} is Active, not a zombie",
            ExitInvariants.ProcessWhoseLwpsAllExitedBecomesAZombie.Pending(k));
    }

    [Fact]
    public void TwoLwpsExitingOnOneCpuLeaveTheLastToCallExit1()
    {
        var (k, cpu) = ExitFixture.OneCpuOneProcess(null, ExitAtOnce, ExitAtOnce);
        var p = k.Lwps[0].Proc;

        KernelRunner.Run(k);

        Assert.True(p.Exiting);
        Assert.All(ExitInvariants.Liveness, l => Assert.Null(l.Pending(k)));
    }

    [Fact]
    public void UnreapedZombieAndOwedDrainArePendingLiveness()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ExitAtOnce);
        ExitFixture.RunUntil(cpu, "lwp_exit2");
        k.Uareas.DrainWanted = true;

        Assert.Equal("pid 2 (Zomb) is not yet collected by pid 1", ExitInvariants.ExitedProcessIsEventuallyReaped.Pending(k));
        Assert.NotNull(ExitInvariants.ShortageDrainEventuallyShrinksFreeList.Pending(k));
    }
}
