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

        ExitFixture.RunUntil(cpu, "exit1");

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
