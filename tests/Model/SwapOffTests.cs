using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>swapctl -d: uao_swap_off / uao_pagein_page, stepped by hand, and the PR kern/22752 site.</summary>
public sealed class SwapOffTests
{
    /// <summary>
    /// An aobj page whose copy is in slot 1 is being read in by a fault (busy); swapctl -d sleeps
    /// on it in uao_get. The fault completes and the pagedaemon drops the slot before swapctl runs.
    /// </summary>
    private static (Kernel K, SwapCtl SwapCtl, AObj Obj) SwapoffAsleepOnAPageWhoseSlotIsThenDropped(KernelConfig config)
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 1, config);
        var faulter = VmFixture.Actor(k, "faulter");
        var obj = AObjPager.Create(k, 1);
        obj.SetSwslot(0, k.Vm.Swap.Alloc(faulter));
        var p = PageQueues.Alloc(k)!;
        obj.Insert(p, 0);
        var swapctl = new SwapCtl(k, [SwapCtlOp.Off]);

        Assert.Equal("swap_off: clear SWF_ENABLE", swapctl.Advance().Function);
        // The aobj comes first on uao_list (uao_create()'s LIST_INSERT_HEAD): kernel_object, made
        // at boot, is walked last.
        var sleep = swapctl.Advance();
        Assert.Equal("uao_get: page busy", sleep.Function);
        Assert.Equal(p.Channel, sleep.Channel);

        PageQueues.Unbusy(k, p); // the fault's pmap_enter: swapctl is woken
        p.Flags &= ~PageFlags.Clean;
        PageQueues.Activate(k, p);
        AObjPager.DropSwap(k, faulter, obj, 0); // the pagedaemon: uao_dropswap, then no swap
        Assert.Null(swapctl.SleepingOn);
        return (k, swapctl, obj);
    }

    [Fact]
    public void FixedPageinPageSkipsTheFreeOfAClearedSlot()
    {
        var (k, swapctl, obj) = SwapoffAsleepOnAPageWhoseSlotIsThenDropped(KernelConfig.Fixed);

        Assert.Equal("uao_pagein_page", swapctl.Advance().Function);

        Assert.Equal(0, k.Vm.Swap.InUse); // the pagedaemon freed slot 1; the fixed pagein frees nothing more
        Assert.False(k.Vm.Swap.IsInUse(1));
        var p = obj.PageAt(0)!;
        Assert.False(p.Busy);
        Assert.Equal(PageQueue.Inactive, p.Queue);
    }

    [Fact]
    public void BuggyPageinPageFreesSlotZero()
    {
        var (_, swapctl, _) = SwapoffAsleepOnAPageWhoseSlotIsThenDropped(KernelConfig.Fixed.With(Switches.Pr22752));

        var panic = Assert.Throws<KernelPanicException>(() => swapctl.Advance());

        Assert.Equal("uvm_swap_free", panic.Site);
    }

    [Fact]
    public void SwapoffPagesEverySwappedPageInAndRemovesTheDevice()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 2);
        var self = VmFixture.Actor(k);
        var obj = AObjPager.Create(k, 2);
        obj.SetSwslot(0, k.Vm.Swap.Alloc(self));
        obj.SetSwslot(1, k.Vm.Swap.Alloc(self));
        k.Uvmexp.SwpgOnly = 2;
        var swapctl = new SwapCtl(k, [SwapCtlOp.Off, SwapCtlOp.On]);

        var steps = new List<string>();
        while (!swapctl.Exited) steps.Add(swapctl.Advance().Function);

        Assert.Equal(2, steps.Count(s => s == "uao_get: uvm_swap_get"));
        Assert.Contains("swap_off: device removed", steps);
        Assert.Contains("swap_on", steps);
        Assert.Equal(0, k.Vm.Swap.InUse);
        Assert.Equal(0, k.Uvmexp.SwpgOnly);
        Assert.All([obj.PageAt(0)!, obj.PageAt(1)!], p => Assert.Equal(PageQueue.Inactive, p.Queue));
        Assert.Equal(1, obj.Refs);
    }

    /// <summary>
    /// swap_off() fails with EBUSY only while more slots are in use than are marked bad
    /// (`sdp->swd_npginuse > sdp->swd_npgbad`): a device whose only slots in use are those a failed
    /// pageout marked bad is removed, and they with it; configured again, it starts empty.
    /// </summary>
    [Fact]
    public void SwapoffRemovesADeviceWhoseOnlySlotsInUseAreBad()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 2);
        var self = VmFixture.Actor(k);
        int slot = k.Vm.Swap.Alloc(self);
        k.Uvmexp.SwpgOnly = 1;
        k.Vm.Swap.MarkBad(self, slot, 1, k.Uvmexp);
        Assert.Equal((1, 1), (k.Vm.Swap.InUse, k.Vm.Swap.Bad));
        var swapctl = new SwapCtl(k, [SwapCtlOp.Off, SwapCtlOp.On]);

        var steps = new List<string>();
        while (!swapctl.Exited) steps.Add(swapctl.Advance().Function);

        Assert.Contains("swap_off: device removed", steps);
        Assert.DoesNotContain("swap_off: EBUSY, slots still in use", steps);
        Assert.Contains("swap_on", steps);
        Assert.Equal((0, 0), (k.Vm.Swap.InUse, k.Vm.Swap.Bad));
        Assert.False(k.Vm.Swap.IsBad(slot));
        Assert.Equal(slot, k.Vm.Swap.Alloc(self));
    }
}
