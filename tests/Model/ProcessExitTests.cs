using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Exit;
using Uvm.Model.Sched;
using Uvm.Model.Threads;
using Uvm.Properties;

namespace Uvm.Tests.Model;

public sealed class ProcessExitTests
{
    private static readonly IReadOnlyList<LwpOp> ExitAtOnce = [];

    [Fact]
    public void ReaperlessExitFreesTheVmspaceFirstAndCachesTheUareaOnlyAfterTheSwitch()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ExitAtOnce);
        var l = k.Lwps.Single();
        var u = l.Uarea!;
        var vm = l.Proc.Vmspace;

        var steps = ExitFixture.RunUntil(cpu, "cpu_exit");

        Assert.Equal(["cpu_switch", "exit1", "exit1: fdfree", "uvm_proc_exit", "uvm_km_free: uvmspace_free", "uvm_km_free: vm_map_unlock",
                      "cpu_lwp_free", "exit1: SZOMB", "cpu_exit"], steps);
        Assert.True(vm.Freed);
        Assert.Equal(ProcStat.Zomb, l.Proc.Stat);
        Assert.True(l.Detached);
        Assert.DoesNotContain(l, l.Proc.Lwps);
        Assert.Equal(UareaState.InUse, u.State);
        Assert.Null(cpu.Cpu.Stack);
        Assert.Same(l, cpu.Cpu.Exiting);

        Assert.Equal("lwp_exit2", cpu.Advance().Function);
        Assert.Equal(UareaState.Cached, u.State);
        Assert.True(l.Freed);
    }

    [Fact]
    public void BeforeTheSwitchTheCpuStillRunsOnTheUareaWithProc0sVmspace()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ExitAtOnce);
        var l = k.Lwps.Single();

        ExitFixture.RunUntil(cpu, "exit1: SZOMB");

        Assert.Same(l.Uarea, cpu.Cpu.Stack);
        Assert.Same(k.ProcLists.Proc0Vmspace, cpu.Cpu.Vmspace);
        Assert.Null(cpu.Cpu.Current);
        Assert.Equal(LwpStat.Dead, l.Stat);
    }

    [Fact]
    public void LwpExit2NeverSleepsEvenWhileKernelMapIsHeld()
    {
        var (k, cpu) = ExitFixture.OneCpu(null, ExitAtOnce);
        ExitFixture.RunUntil(cpu, "cpu_exit");
        k.KernelMapLock.Acquire(new KernelFixture.TestThread(k));

        var step = cpu.Advance();

        Assert.Equal(("lwp_exit2", StepKind.Continue), (step.Function, step.Kind));
    }

    [Fact]
    public void WithTheSleepAfterSwitchMutationLwpExit2BlocksTheCpuOnKernelMap()
    {
        var (k, cpu) = ExitFixture.OneCpu(Switches.Configure(["exit-sleep-after-switch"]), ExitAtOnce);
        ExitFixture.RunUntil(cpu, "cpu_exit");
        k.KernelMapLock.Acquire(new KernelFixture.TestThread(k));

        var step = cpu.Advance();

        Assert.Equal(StepKind.Sleep, step.Kind);
        Assert.Equal(k.KernelMapLock.Channel, cpu.SleepingOn);
        Assert.True(cpu.Cpu.Exiting!.SwitchedAway);
    }

    [Fact]
    public void WithTheFreeBeforeSwitchMutationTheUareaIsCachedWhileTheCpuRunsOnIt()
    {
        var (k, cpu) = ExitFixture.OneCpu(Switches.Configure(["exit-free-uarea-before-switch"]), ExitAtOnce);

        ExitFixture.RunUntil(cpu, "uvm_lwp_exit");

        var u = Assert.Single(k.Uareas.FreeList);
        Assert.Same(u, cpu.Cpu.Stack);
        Assert.Equal("cpu_exit", cpu.Advance().Function);
        Assert.Equal("lwp_exit2", cpu.Advance().Function);
        Assert.Single(k.Uareas.FreeList);
    }

    [Fact]
    public void WithTheZombieBeforeTeardownMutationTheParentCanCollectBeforeTheTeardown()
    {
        var (k, cpu) = ExitFixture.OneCpu(Switches.Configure(["exit-zombie-before-teardown"]), ExitAtOnce);
        var p = k.Lwps.Single().Proc;

        // The zombie is published where SDYING is set: after exit1's P_WEXIT and pool_get(), at the
        // start of the lone LWP's fdfree step, before uvm_proc_exit().
        ExitFixture.RunUntil(cpu, "exit1: fdfree");

        Assert.Equal(ProcStat.Zomb, p.Stat);
        Assert.Contains(k.Lwps.Single(), p.Lwps);
    }

    [Fact]
    public void TheLastOfTwoLwpsCallsExit1AndCollectsTheFirstAsAZombie()
    {
        var k = KernelFixture.WithLwps(2, cpus: 1);
        k.Lwps[0].Pc = k.Lwps[1].Pc = 1;
        var cpu = new CpuThread(k, k.Cpus[0]);
        var p = k.Procs.Single();

        var first = ExitFixture.RunUntil(cpu, "lwp_exit2");
        var second = ExitFixture.RunUntil(cpu, "lwp_wait1");

        Assert.Equal(["cpu_switch", "lwp_exit", "cpu_exit", "lwp_exit2"], first);
        Assert.Equal(["cpu_switch", "exit1", "lwp_wait1"], second);
        Assert.True(k.Lwps[0].Freed);
        Assert.Equal([k.Lwps[1]], p.Lwps);
        Assert.Single(k.Uareas.FreeList);
    }

    /// <summary>
    /// Each mutation is harmless when nothing interleaves: run one thread at a time until it sleeps,
    /// the exiting CPU first, and every exit invariant that judges harm holds. Exploration must find
    /// the interleaving. ZombieHasFreedItsResources judges an order, not its harm (the zombie
    /// published before its teardown, kern_exit.c 1.121 reaper()): exit-zombie-before-teardown
    /// reverses exactly that order, so that rule sees it here without any interleaving, and only it.
    /// </summary>
    [Theory]
    [InlineData("exit-free-uarea-before-switch", false)]
    [InlineData("exit-sleep-after-switch", false)]
    [InlineData("exit-zombie-before-teardown", true)]
    [InlineData("exit-reaper-before-switch", false)]
    public void EachMutationNeedsAnInterleavingToDoHarm(string bug, bool reversesTheZombieOrder)
    {
        var (k, _) = ExitFixture.OneCpu(Switches.Configure([bug]), [new Fork([]), new Wait()]);
        var harm = ExitInvariants.All.Where(i => i != ExitInvariants.ZombieHasFreedItsResources).ToList();
        bool orderSeen = false;

        for (bool progress = true; progress;)
        {
            progress = false;
            foreach (var t in k.Threads)
                while (!t.Exited && t.SleepingOn is null)
                {
                    t.Advance();
                    k.SleepQueues.TakeWoken([]);
                    progress = true;
                    Assert.All(harm, i => Assert.Null(i.Check(k)));
                    orderSeen |= ExitInvariants.ZombieHasFreedItsResources.Check(k) is not null;
                }
        }

        Assert.Equal(reversesTheZombieOrder, orderSeen);
        Assert.All(k.Procs.Where(p => p != k.ProcLists.Init), p => Assert.True(p.Reaped));
    }

    [Fact]
    public void ReaperExitLeavesUareaAndVmspaceToTheReaperAfterTheSwitch()
    {
        var (k, cpu) = ExitFixture.OneCpu(new KernelConfig { ExitDesign = ExitDesign.Reaper }, ExitAtOnce);
        var l = k.Lwps.Single();
        var (u, vm) = (l.Uarea!, l.Proc.Vmspace);
        var reaper = k.Threads.OfType<ReaperThread>().Single();
        Assert.Equal(StepKind.Sleep, reaper.Advance().Kind);

        var steps = ExitFixture.RunUntil(cpu, "exit2");

        Assert.Equal(["cpu_switch", "exit1", "exit1: fdfree", "exit1: SDEAD", "cpu_exit", "exit2"], steps);
        Assert.Equal(ProcStat.Dead, l.Proc.Stat);
        Assert.Equal(UareaState.InUse, u.State);
        Assert.Equal(reaper.OnRunQueue, reaper.SleepingOn); // woken: LSRUN, waiting for a CPU
        Assert.Equal("cpu_switch", cpu.Advance().Function);  // the CPU picks the reaper's LWP
        Assert.Equal(cpu.Cpu.Lent, cpu.SleepingOn);
        var reaped = ExitFixture.RunWhileRunnable(reaper);
        Assert.Equal(["reaper: cpu_wait", "uvm_fault_unwire", "uvm_km_free: u-area", "uvm_km_free: vm_map_unlock", "reaper: LSZOMB",
                      "reaper: uvm_proc_exit", "uvm_km_free: uvmspace_free", "uvm_km_free: vm_map_unlock", "reaper: SZOMB", "reaper"], reaped);
        Assert.Equal(UareaState.Freed, u.State);
        Assert.True(vm.Freed);
        Assert.Equal(ProcStat.Zomb, l.Proc.Stat);
        Assert.True(l.Freed);
    }
}
