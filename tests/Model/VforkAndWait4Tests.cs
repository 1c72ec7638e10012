using Uvm.Model;
using Uvm.Model.Exit;
using Uvm.Model.Sched;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>vfork(): fork1(FORK_PPWAIT | FORK_SHAREVM), the "ppwait" loop and the child's execve() and exit1() that end it.</summary>
public sealed class VforkTests
{
    [Fact]
    public void TheChildSharesTheVmspaceUntilItsExecLetsTheParentGo()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, [new Vfork([new Exec(), new Compute(1)])]);
        var parent = k.Lwps.Single();
        var vm = parent.Proc.Vmspace;

        ExitFixture.RunUntil(cpu, "fork1: ppwait");
        var child = parent.Proc.Children.Single();
        Assert.Equal(LwpStat.Sleep, parent.Stat);
        Assert.Equal(ProcLists.ChannelOf(parent.Proc), parent.WChan);
        Assert.Same(child, parent.VforkChild);
        Assert.True(parent.VforkWaiting);
        Assert.True(child.PpWait);
        Assert.Same(vm, child.Vmspace);
        Assert.Equal(2, vm.RefCount);
        Assert.Null(SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));

        ExitFixture.RunUntil(cpu, "execve: P_PPWAIT");
        Assert.False(child.PpWait);
        Assert.False(parent.VforkWaiting);
        Assert.NotSame(vm, child.Vmspace);
        Assert.Equal(1, vm.RefCount);
        Assert.Equal(LwpStat.Run, parent.Stat);

        ExitFixture.RunUntil(cpu, "fork1: ppwait");
        Assert.Null(parent.VforkChild);
        Assert.Same(parent, cpu.Cpu.Current);
    }

    [Fact]
    public void AChildThatClearsPpwaitWithoutWakingItsParentIsALostWakeup()
    {
        var (k, cpu) = ExitFixture.OneCpu(Switches.Configure(["vfork-done-skips-wakeup"]), [new Vfork([])]);
        var parent = k.Lwps.Single();

        // The child's P_PPWAIT clear opens the step after exit1's P_WEXIT and pool_get() (for a lone LWP, fdfree).
        ExitFixture.RunUntil(cpu, "exit1: fdfree");

        Assert.Equal(LwpStat.Sleep, parent.Stat);
        Assert.Contains("in vfork(), but its child pid", SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));
    }

    [Fact]
    public void TheVforkingLwpAsleepBesideAZombieChildWaitsForItsVforkChildNotForTheZombie()
    {
        // A first child exits and becomes a zombie while its parent is asleep in the vfork loop,
        // on the channel wait4() uses: its SZOMB wakeup wakes the vforking LWP, which sleeps again.
        var (k, cpu) = ExitFixture.OneCpu(null, [new Fork([]), new Vfork([new Compute(2)])]);
        var parent = k.Lwps.Single();

        for (int i = 0; i < 100; i++)
        {
            cpu.Advance();
            var zombie = parent.Proc.Children.FirstOrDefault(c => c.Stat == ProcStat.Zomb);
            if (zombie is null || parent.Stat != LwpStat.Sleep || parent.VforkChild is null) continue;
            Assert.Null(SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));
            return;
        }
        Assert.Fail("the parent never slept in vfork() beside a zombie child");
    }
}

/// <summary>exit(2) beside a sibling in wait4(): the PCATCH sleep exit_lwps() interrupts (ltsleep()'s P_WEXIT test).</summary>
public sealed class Wait4InterruptionTests
{
    [Fact]
    public void ExitLwpsTakesTheWait4SleeperOffItsChannelAndWait4ReturnsEintr()
    {
        // lwp 1 forks a child that computes and waits for it; lwp 2 then calls exit(2).
        var (k, cpu) = ExitFixture.OneCpuOneProcess(null, [new Fork([new Compute(3)]), new Wait()], [new SysExit()]);
        var waiter = k.Lwps.First(l => l.Program.Count == 2);

        ExitFixture.RunUntil(cpu, "find_stopped_child: tsleep");
        Assert.Equal(LwpStat.Sleep, waiter.Stat);
        Assert.True(waiter.Sintr);
        Assert.NotNull(waiter.WChan);

        ExitFixture.RunUntil(cpu, "exit1");
        cpu.Advance(); // exit_lwps(): the wake loop, then lwp_wait1()'s sleep
        Assert.Equal(LwpStat.Run, waiter.Stat);
        Assert.Null(waiter.WChan);
        Assert.Null(LinkDetector.LwpWithAWaitChannelIsAsleep.Check(k));

        var rest = ExitFixture.RunUntil(cpu, "find_stopped_child: EINTR");
        Assert.Contains("find_stopped_child: EINTR", rest);
    }
}
