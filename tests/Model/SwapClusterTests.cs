using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Properties;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>Swap clusters in uvmpd_scan_inactive() and uvm_swap_alloc()/uvm_swap_markbad(), stepped by hand.</summary>
public sealed class SwapClusterTests
{
    private static Step RunPass(Kernel k, PageDaemon pd) => VmFixture.WakePagedaemon(k, pd);

    [Fact]
    public void SwapAllocGivesAContiguousRunOrOneSlotWhenLessIsOk()
    {
        var k = VmFixture.Kernel(freePages: 1, slots: 5);
        var self = VmFixture.Actor(k);
        Assert.Equal(1, k.Vm.Swap.Alloc(self));
        k.Vm.Swap.Free(self, 1, 1);
        int two = 2, third = 3;
        Assert.Equal(1, k.Vm.Swap.Alloc(self, ref two, lessok: false)); // slots 1-2
        Assert.Equal(3, k.Vm.Swap.Alloc(self, ref third, lessok: false)); // slots 3-5
        int more = 2;
        Assert.Equal(0, k.Vm.Swap.Alloc(self, ref more, lessok: true));
        k.Vm.Swap.Free(self, 4, 1);
        more = 2;
        Assert.Equal(4, k.Vm.Swap.Alloc(self, ref more, lessok: true)); // no run of 2: one slot
        Assert.Equal(1, more);
        Assert.Equal(5, k.Vm.Swap.InUse);
    }

    [Fact]
    public void MarkBadTakesThePagesOutOfSwpgonlyAndKeepsTheSlotsAllocated()
    {
        var k = VmFixture.Kernel(freePages: 1, slots: 4);
        var self = VmFixture.Actor(k);
        int n = 2;
        int slot = k.Vm.Swap.Alloc(self, ref n, lessok: false);
        k.Uvmexp.SwpgOnly = 3;

        k.Vm.Swap.MarkBad(self, slot, 2, k.Uvmexp);

        Assert.Equal(1, k.Uvmexp.SwpgOnly);
        Assert.True(k.Vm.Swap.IsBad(slot) && k.Vm.Swap.IsBad(slot + 1));
        Assert.Equal(2, k.Vm.Swap.InUse);
        Assert.Equal(2, k.Vm.Swap.Bad);
        var panic = Assert.Throws<KernelPanicException>(() => k.Vm.Swap.MarkBad(self, 0, 1, k.Uvmexp));
        Assert.Contains("KASSERT(sdp != NULL)", panic.Message);
    }

    [Fact]
    public void ThreeDirtyPagesGoOutAsAFullClusterThenAFinalOneWithItsTailFreed()
    {
        var k = VmFixture.Kernel(freePages: 3, slots: 6);
        k.Vm.ClusterPages = 2;
        var pages = Enumerable.Range(0, 3).Select(_ => VmFixture.AnonPage(k, PageQueue.Inactive)).ToArray();
        k.Uvmexp.FreeTarg = 4; // 4 * freetarg is never met: every dirty page is paged out
        var pd = PageDaemon.Start(k);
        AioDaemon.Start(k);

        var first = RunPass(k, pd);

        Assert.Equal("uvmpd_scan_inactive: uvm_swap_put", first.Function);
        var full = Assert.Single(k.Vm.PagesInFlight);
        Assert.Equal([pages[0].Page, pages[1].Page], full.Pages);
        Assert.Equal((1, 2), (pages[0].Anon.SwSlot, pages[1].Anon.SwSlot));
        Assert.Equal(2, k.Uvmexp.Paging);
        Assert.Equal("uvmpd_scan_inactive: uvm_swap_put", pd.Advance().Function); // end of queue: the final pageout
        Assert.Null(k.Vm.Cluster);
        Assert.Equal(2, k.Vm.PagesInFlight.Count);
        Assert.Equal(3, k.Vm.PagesInFlight[1].Slot);
        Assert.Equal(3, pages[2].Anon.SwSlot);
        Assert.Equal(3, k.Vm.Swap.InUse); // slot 4, the unused tail, was freed
        Assert.Equal(3, k.Uvmexp.Paging);
    }

    [Fact]
    public void AClusterStaysOpenWhileTheScanDropsThePageQueuesForPgoPut()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 4);
        k.Vm.ClusterPages = 2;
        var (anon, dirty) = VmFixture.AnonPage(k, PageQueue.Inactive);
        var vn = VnodePager.Create(k, 1);
        var file = PageQueues.Alloc(k)!;
        vn.Insert(file, 0);
        PageQueues.Unbusy(k, file);
        PageQueues.Deactivate(k, file);
        k.Uvmexp.FreeTarg = 4;
        var pd = PageDaemon.Start(k);

        Assert.Equal("uvmpd_scan_inactive: pgo_put", RunPass(k, pd).Function);

        Assert.Equal(1, anon.SwSlot);
        Assert.Equal([dirty], k.Vm.Cluster!.Pages);
        Assert.Equal(2, k.Vm.Swap.InUse);
        Assert.Null(SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
    }
}
