using Uvm.Model;
using Uvm.Model.Vm;
using Uvm.Properties;
using Uvm.Tests.Model;

namespace Uvm.Tests.Properties;

/// <summary>The swap-slot invariants, on hand-built good and bad states: each names the slot and its owners.</summary>
public sealed class SwapInvariantsTests
{
    /// <summary>Anon 1 on slot 1, page 0 of aobj 1 on slot 2, slots 3 and 4 free.</summary>
    private static (Kernel K, Anon Anon, AObj Obj) TwoOwners()
    {
        var k = VmFixture.Kernel(freePages: 4, slots: 4);
        var self = VmFixture.Actor(k);
        var slots = VmFixture.AllocSlots(k, self, 2);
        var (anon, _) = VmFixture.AnonPage(k, PageQueue.Active, slots[0]);
        var obj = AObjPager.Create(k, 2);
        obj.SetSwslot(0, slots[1]);
        return (k, anon, obj);
    }

    [Fact]
    public void EverySwapInvariantHoldsWhenEachAllocatedSlotHasOneOwner()
    {
        var (k, _, _) = TwoOwners();

        Assert.All(SwapInvariants.All, i => Assert.Null(i.Check(k)));
    }

    [Fact]
    public void ADeviceRemovedWithSlotsInUseIsNamed()
    {
        var (k, _, _) = TwoOwners();
        Assert.Null(SwapInvariants.NoSwapSlotOutlivesItsDevice.Check(k));

        k.Vm.Swap.Configured = false;   // swap_off() without its EBUSY test

        Assert.Equal("the swap device is removed with 2 slot(s) still allocated", SwapInvariants.NoSwapSlotOutlivesItsDevice.Check(k));
    }

    [Fact]
    public void ADeviceLeftDisabledAfterSwapOffIsNamed()
    {
        var (k, _, _) = TwoOwners();
        k.Vm.Swap.Enabled = false; // swap_off() clears SWF_ENABLE
        k.Vm.Swap.OffRunning = true;
        Assert.Null(SwapInvariants.SwapDeviceIsEnabledUnlessSwapOffRuns.Check(k));

        k.Vm.Swap.OffRunning = false; // and returns EBUSY without setting it again

        Assert.Equal("the swap device is configured but SWF_ENABLE is clear, and no swap_off() is running", SwapInvariants.SwapDeviceIsEnabledUnlessSwapOffRuns.Check(k));
    }

    [Fact]
    public void ASlotRecordedByAnAnonAndAnAobjNamesBoth()
    {
        var (k, _, obj) = TwoOwners();
        obj.SetSwslot(1, 1);

        Assert.Equal("slot 1 is recorded by anon 1 and by aobj 1[1]", SwapInvariants.SwapSlotHasAtMostOneOwner.Check(k));
    }

    [Fact]
    public void ASlotRecordedTwiceInOneAobjNamesBothEntries()
    {
        var (k, _, obj) = TwoOwners();
        obj.SetSwslot(1, 2);

        Assert.Equal("slot 2 is recorded by aobj 1[0] and by aobj 1[1]", SwapInvariants.SwapSlotHasAtMostOneOwner.Check(k));
    }

    [Fact]
    public void OwnersOfASlotBeyondTheDeviceAreComparedToo()
    {
        var (k, anon, obj) = TwoOwners();
        anon.SwSlot = 99;
        Assert.Null(SwapInvariants.SwapSlotHasAtMostOneOwner.Check(k));

        obj.SetSwslot(1, 99);

        Assert.Equal("slot 99 is recorded by anon 1 and by aobj 1[1]", SwapInvariants.SwapSlotHasAtMostOneOwner.Check(k));
        Assert.Equal("anon 1 records slot 99, which is not allocated", SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
    }

    [Fact]
    public void AnOwnerOfAFreeSlotIsNamed()
    {
        var (k, _, obj) = TwoOwners();
        obj.SetSwslot(1, 3);

        Assert.Equal("aobj 1[1] records slot 3, which is not allocated", SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
    }

    [Fact]
    public void APageoutToAFreeSlotIsNamed()
    {
        var (k, anon, _) = TwoOwners();
        k.Vm.Pending.Add(new PageIo(anon.Page!, 4));

        Assert.Equal("the pageout of page 1 of anon 1 writes slot 4, which is not allocated", SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
    }

    [Fact]
    public void AnAllocatedSlotNothingReferencesIsALeakUnlessAPageoutWritesIt()
    {
        var (k, anon, _) = TwoOwners();
        int slot = k.Vm.Swap.Alloc(VmFixture.Actor(k));

        Assert.Equal($"slot {slot} is allocated but nothing references it (leaked)", SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
        k.Vm.Pending.Add(new PageIo(anon.Page!, slot));
        Assert.Null(SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
    }
}
