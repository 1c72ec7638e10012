using Uvm.Model;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Properties;
using Uvm.Tests.Model;

namespace Uvm.Tests.Properties;

/// <summary>The data detector compares where the kernel put each page's data with what was last written to it (properties/DataDetector.cs, model/Vm/Content.cs).</summary>
public sealed class DataDetectorTests
{
    [Fact]
    public void AnAnonPagedOutAndBackHoldsItsData()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        Contents.Write(k, self, p);                  // the process stores to it
        int slot = k.Vm.Swap.Alloc(self);
        anon.SwSlot = slot;
        k.Vm.Swap.Store(slot, p.Data);               // uvm_swap_put() completed
        p.Flags |= PageFlags.Clean;

        Assert.All(DataDetector.All, d => Assert.Null(d.Check(k)));
        anon.Page = null;                            // the pagedaemon freed the clean page
        Assert.All(DataDetector.All, d => Assert.Null(d.Check(k)));
    }

    [Fact]
    public void AStoreThatLeavesPgCleanIsReported()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var (_, p) = VmFixture.AnonPage(k, PageQueue.Active, slot: 1);
        Assert.Null(DataDetector.CleanPageEqualsItsBackingStore.Check(k));

        Contents.Write(k, self, p);                  // a write fault that did not clear PG_CLEAN

        Assert.Equal($"{p} is clean but holds write 1 by test, and its swap slot 1 holds zeros", DataDetector.CleanPageEqualsItsBackingStore.Check(k));
    }

    [Fact]
    public void ASlotFreedUnderItsAnonLosesTheData()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        int slot = k.Vm.Swap.Alloc(self);
        var (anon, _) = VmFixture.AnonPage(k, PageQueue.Active, slot);
        anon.Page = null;                            // only in swap now
        Assert.Null(DataDetector.NoWriteIsLost.Check(k));

        k.Vm.Swap.Free(self, slot, 1);               // uvm_swap_free() while an_swslot still names the slot

        Assert.Equal("anon 1's data is zeros, but its swap slot 1 holds freed or never-filled memory", DataDetector.NoWriteIsLost.Check(k));
        anon.RefCount = 0;                           // a dying anon's data is nobody's
        Assert.Null(DataDetector.NoWriteIsLost.Check(k));
    }

    [Fact]
    public void AStoreToALoanedPageOrOntoDataItsOwnerNeverHadIsReported()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var (_, p) = VmFixture.AnonPage(k, PageQueue.Active);
        p.LoanCount = 1;                             // lent to the kernel: read-only until uvm_unloanpage()
        Contents.Write(k, self, p);
        Assert.Contains("which is on loan", DataDetector.EveryStoreLandsOnItsOwnersData.Check(k));

        var k2 = VmFixture.Kernel();
        var (_, q) = VmFixture.AnonPage(k2, PageQueue.Active);
        q.Data = Content.Unfilled;                   // a copy or zero-fill not made
        Contents.Write(k2, VmFixture.Actor(k2), q);
        Assert.Contains("which holds freed or never-filled memory, not anon 1's data (zeros)", DataDetector.EveryStoreLandsOnItsOwnersData.Check(k2));
    }

    [Fact]
    public void AProcessShownAnotherProcessWriteIsReported()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var parent = CowProcess.NewSpace("parent", 1);
        var (_, p) = VmFixture.AnonPage(k, PageQueue.Active);
        parent.Saw(0, p.Data);
        var child = CowProcess.NewSpace("child", 1);
        child.InheritView(parent);                    // fork(): the child's memory starts as the parent's
        child.Sees(k, self, 0, p);
        Assert.Null(DataDetector.NoProcessSeesAnotherProcessWrite.Check(k));

        Contents.Write(k, self, p);                   // the parent writes the anon they share in place
        child.Sees(k, self, 0, p);

        Assert.Equal($"test's fault of page 0 of vmspace of child maps {p}, which holds write 1 by test; the process last saw zeros there", DataDetector.NoProcessSeesAnotherProcessWrite.Check(k));
    }
}
