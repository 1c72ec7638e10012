using Uvm.Model.Core;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>uvm_swap_alloc / uvm_swap_free: slot numbering and the kernel assertions.</summary>
public sealed class SwapSpaceTests
{
    [Fact]
    public void SwapSlotsStartAtOne()
    {
        var k = VmFixture.Kernel(slots: 2);
        var self = VmFixture.Actor(k);

        var slots = VmFixture.AllocSlots(k, self, 3);

        Assert.Equal([1, 2, 0], slots);
        Assert.Equal(2, k.Vm.Swap.InUse);
    }

    [Fact]
    public void FreeingSlotZeroPanicsInUvmSwapFree()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);

        var panic = Assert.Throws<KernelPanicException>(() => k.Vm.Swap.Free(self, 0, 1));

        Assert.Equal("uvm_swap_free", panic.Site);
        Assert.Contains("swapdrum_getsdp(0) == NULL", panic.Detail);
    }

    [Fact]
    public void FreeingASlotNotInUsePanics()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        VmFixture.AllocSlots(k, self, 1);
        k.Vm.Swap.Free(self, 1, 1);

        var panic = Assert.Throws<KernelPanicException>(() => k.Vm.Swap.Free(self, 1, 1));

        Assert.Equal("uvm_swap_free", panic.Site);
        Assert.Contains("not in use", panic.Detail);
    }

    [Fact]
    public void SwslotBadIsIgnored()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        VmFixture.AllocSlots(k, self, 1);

        k.Vm.Swap.Free(self, SwapSpace.SwslotBad, 1);

        Assert.Equal(1, k.Vm.Swap.InUse);
        Assert.True(k.Vm.Swap.IsInUse(1));
    }

    [Fact]
    public void DisabledDeviceAllocatesNothing()
    {
        var k = VmFixture.Kernel(slots: 2);
        var self = VmFixture.Actor(k);
        k.Vm.Swap.Enabled = false;

        Assert.Equal(0, k.Vm.Swap.Alloc(self));
        Assert.Equal(2, k.Vm.Swap.SwPages);
    }
}
