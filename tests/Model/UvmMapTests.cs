using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Maps;
using Uvm.Model.Threads;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>
/// Tests of model/Maps/UvmMap.cs and Exec.cs through their threads, stepped by hand: the map lock
/// sleeps and wakeups, exec's layout with finite and unlimited stack limits, and the pre-fix
/// top-down search under one interleaving of exec with another LWP's mmap.
/// </summary>
public sealed class UvmMapTests
{
    private static readonly ExecImage Image = new();

    /// <summary>A process map [1,32) holding the boot image with an 8-page stack limit and data limit 5.</summary>
    private static Vmspace BootedVmspace(Kernel k)
    {
        var vm = new Vmspace(1, new VmMap("pid 1", 1, 32, topDown: true));
        k.Vmspaces.Add(vm);
        Exec.LayOutAtBoot(k, vm, Image, stackLimit: 8, dataLimit: 5);
        return vm;
    }

    private static IReadOnlyList<(int, int)> Ranges(Vmspace vm) => [.. vm.Map.Entries.Select(e => (e.Start, e.End))];

    private static void RunToExit(KernelThread t)
    {
        while (!t.Exited) Assert.NotEqual(StepKind.Sleep, t.Advance().Kind);
    }

    [Fact]
    public void BootImageHasTheInterpreterBelowTheStackReservation()
    {
        var vm = BootedVmspace(new Kernel(KernelConfig.Fixed));

        Assert.Equal(24, vm.MaxSaddr);
        Assert.Equal(new[] { (8, 10), (10, 12), (21, 24), (30, 32) }, Ranges(vm));
    }

    [Fact]
    public void ExecWithAnUnlimitedStackMapsTheInterpreterBesideData()
    {
        var k = new Kernel(KernelConfig.Fixed);
        var vm = BootedVmspace(k);
        var exec = new ExecThread(k, "exec", vm, Image, stackLimit: null, dataLimit: 5);

        RunToExit(exec);

        Assert.Equal(15, vm.MaxSaddr);
        Assert.Equal(1, vm.ExecsDone);
        Assert.Equal(new[] { (8, 10), (10, 12), (12, 15), (30, 32) }, Ranges(vm));
    }

    [Fact]
    public void MmapSleepsOnTheMapLockWhileExecHoldsItAndRunsAfterTheUnlock()
    {
        var k = new Kernel(KernelConfig.Fixed);
        var vm = BootedVmspace(k);
        var exec = new ExecThread(k, "exec", vm, Image, stackLimit: null, dataLimit: 5);
        var lwp = new MmapThread(k, "lwp2", vm, [new Mmap(2)]);

        Assert.Equal("uvmspace_exec", exec.Advance().Function);
        Assert.Equal("uvm_map_findspace", exec.Advance().Function); // text: map lock held
        var blocked = lwp.Advance();
        Assert.Equal(StepKind.Sleep, blocked.Kind);
        Assert.Equal(vm.Map.Lock.Channel, blocked.Channel);
        Assert.Equal("uvm_map_entry_link", exec.Advance().Function);

        Assert.Contains(lwp, k.SleepQueues.Woken);
        Assert.Null(lwp.SleepingOn);
        Assert.Equal("uvm_map_findspace", lwp.Advance().Function);
        Assert.Equal(new MapInsert(13, 2, vm.Map.Entries[0], "lwp2", "lwp2 mmap#1"), vm.Map.Pending);
    }

    /// <summary>exec lays out text and data, lwp2 maps 2 pages at the new hint, then exec maps ld.elf_so.</summary>
    private static (ExecThread Exec, Vmspace Vm) ExecAfterAnotherLwpMapsBesideData(KernelConfig config)
    {
        var k = new Kernel(config);
        var vm = BootedVmspace(k);
        var exec = new ExecThread(k, "exec", vm, Image, stackLimit: null, dataLimit: 5);
        var lwp = new MmapThread(k, "lwp2", vm, [new Mmap(2)]);
        for (int i = 0; i < 5; i++) exec.Advance(); // uvmspace_exec, text, data
        lwp.Advance();
        lwp.Advance();
        Assert.Equal((13, 15), (vm.Map.Entries[2].Start, vm.Map.Entries[2].End));
        Assert.Equal("uvm_map_findspace", exec.Advance().Function); // ld.elf_so, hint 12
        return (exec, vm);
    }

    [Fact]
    public void PreFixExecPanicsWhenAnotherMappingLeavesTooSmallAGapAtTheHint()
    {
        var (exec, vm) = ExecAfterAnotherLwpMapsBesideData(KernelConfig.Fixed.With(Switches.TopdownFindspace));

        Assert.Equal(10, vm.Map.Pending?.Va);
        var panic = Assert.Throws<KernelPanicException>(() => exec.Advance());
        Assert.Equal("uvm_map_entry_link", panic.Site);
    }

    [Fact]
    public void FixedExecPutsTheInterpreterBelowTextWhenTheGapAtTheHintIsTooSmall()
    {
        var (exec, vm) = ExecAfterAnotherLwpMapsBesideData(KernelConfig.Fixed);

        RunToExit(exec);

        Assert.Equal(new[] { (5, 8), (8, 10), (10, 12), (13, 15), (30, 32) }, Ranges(vm));
    }

    [Fact]
    public void ExecRecordsTheLayoutWhenAVmcmdFindsNoSpace()
    {
        var k = new Kernel(KernelConfig.Fixed);
        var vm = BootedVmspace(k);
        var exec = new ExecThread(k, "exec", vm, Image with { InterpreterPages = 8 }, stackLimit: null, dataLimit: 5);

        RunToExit(exec);

        var failure = Assert.Single(vm.ExecFailures);
        Assert.Equal("ld.elf_so", failure.Vmcmd);
        Assert.Equal(new[] { (8, 10), (10, 12) }, failure.Layout);
        Assert.Equal(0, vm.ExecsDone);
    }

    [Fact]
    public void MunmapRemovesTheLatestMappingOfTheLwp()
    {
        var k = new Kernel(KernelConfig.Fixed);
        var vm = BootedVmspace(k);
        var lwp = new MmapThread(k, "lwp2", vm, [new Mmap(1), new Mmap(2), new Munmap()]);

        RunToExit(lwp);

        Assert.Equal(new[] { (8, 10), (10, 12), (20, 21), (21, 24), (30, 32) }, Ranges(vm));
        Assert.False(vm.Map.Lock.Held);
    }
}
