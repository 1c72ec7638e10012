using Uvm.Model;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>The aobj slot table: uao_set_swslot, uao_dropswap, uao_detach/uao_free.</summary>
public sealed class AObjPagerTests
{
    [Fact]
    public void SetSwslotReturnsTheOldSlot()
    {
        var k = VmFixture.Kernel();
        var obj = AObjPager.Create(k, 2);

        Assert.Equal(0, obj.SetSwslot(1, 3));
        Assert.Equal(3, obj.SetSwslot(1, 0));
        Assert.Equal(0, obj.FindSwslot(1));
    }

    [Fact]
    public void DropSwapFreesOnlyANonzeroSlot()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var obj = AObjPager.Create(k, 2);
        int slot = k.Vm.Swap.Alloc(self);
        obj.SetSwslot(0, slot);

        AObjPager.DropSwap(k, self, obj, 0);
        AObjPager.DropSwap(k, self, obj, 1);

        Assert.Equal(0, k.Vm.Swap.InUse);
        Assert.False(k.Vm.Swap.IsInUse(slot));
        Assert.Equal(0, obj.FindSwslot(0));
    }

    [Fact]
    public void LastDetachFreesPagesAndSwap()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var self = VmFixture.Actor(k);
        var obj = AObjPager.Create(k, 2);
        var p = PageQueues.Alloc(k)!;
        obj.Insert(p, 0);
        PageQueues.Unbusy(k, p);
        PageQueues.Activate(k, p);
        obj.SetSwslot(1, k.Vm.Swap.Alloc(self));
        k.Uvmexp.SwpgOnly = 1;

        var steps = AObjPager.Detach(k, self, obj, "uao_detach").ToList();

        Assert.Single(steps);
        Assert.Equal(2, k.Uvmexp.Free);
        Assert.Equal(0, k.Vm.Swap.InUse);
        Assert.Equal(0, k.Uvmexp.SwpgOnly);
        Assert.DoesNotContain(obj, k.Vm.AObjs);
        Assert.False(obj.Lock.Held);
    }
}
