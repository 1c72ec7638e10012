using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;
using Uvm.Properties;
using Uvm.Tests.Model;
using Xunit;

namespace Uvm.Tests.Properties;

/// <summary>The vnode pager's rules, the anon and file users' pmaps, and the bad-slot and open-cluster cases of the swap accounting, on hand-built states.</summary>
public sealed class VnodeInvariantsTests
{
    /// <summary>A kernel with one resident, idle, dirty page of a one-page file on the inactive queue.</summary>
    private static (Kernel K, AObj Vnode, Page Page) DirtyFilePage()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 2);
        var vn = VnodePager.Create(k, 1);
        var p = PageQueues.Alloc(k)!;
        vn.Insert(p, 0);
        PageQueues.Unbusy(k, p);
        p.Flags &= ~PageFlags.Clean;
        PageQueues.Deactivate(k, p);
        return (k, vn, p);
    }

    [Fact]
    public void EveryRuleHoldsOnAnIdleDirtyFilePageWithoutASwapCopy()
    {
        var (k, _, _) = DirtyFilePage();

        Assert.All(VnodeInvariants.All, i => Assert.Null(i.Check(k)));
        Assert.All(PageInvariants.All, i => Assert.Null(i.Check(k)));
        Assert.All(VnodeInvariants.Liveness, l => Assert.Null(l.Pending(k)));
    }

    [Fact]
    public void FreeingADirtyFilePageBreaksTheRuleWhereItIsFreed()
    {
        var (k, vn, p) = DirtyFilePage();

        PageQueues.Free(k, p);

        Assert.Equal($"page {p.Number} of vnode 1[0] is freed with changes its file ({vn}) does not hold",
            VnodeInvariants.DirtyFilePageIsNeverFreed.Check(k));
    }

    [Fact]
    public void AStoreThroughTheMappingIsAChangeTheFileLacksUntilPutpagesFoldsIt()
    {
        var (k, vn, p) = DirtyFilePage();
        p.Flags |= PageFlags.Clean;
        p.AccessedByMmu(store: true);

        Assert.False(p.IsClean);
        PageQueues.Free(k, p);
        Assert.Equal($"page {p.Number} of vnode 1[0] is freed with changes its file ({vn}) does not hold",
            VnodeInvariants.DirtyFilePageIsNeverFreed.Check(k));
    }

    [Fact]
    public void AFileMappingOfAFreedPageIsNamedAndPmapPageProtectRemovesIt()
    {
        var (k, vn, p) = DirtyFilePage();
        var pmap = new UserPmap("user", 1, k.Versions);
        k.Vm.UserPmapList.Add(pmap);
        pmap.Enter(0, vn, 0, p, writable: true);

        Assert.Null(CowInvariants.PmapMapsOnlyPagesItsMappingsOwn.Check(k));
        p.Flags |= PageFlags.Clean;
        PageQueues.Free(k, p);
        Assert.Equal($"pmap of user maps page 0 to {p}, which is free", CowInvariants.PmapMapsOnlyPagesItsMappingsOwn.Check(k));
        Uvm.Model.Cow.Pmap.PageProtectNone(k, p);
        Assert.Null(CowInvariants.PmapMapsOnlyPagesItsMappingsOwn.Check(k));
    }

    [Fact]
    public void AnAnonUsersMappingOfAPageItsAnonNoLongerHoldsIsNamed()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 2);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Inactive);
        var pmap = new UserPmap("anon user", 1, k.Versions) { Amap = [anon] };
        k.Vm.UserPmapList.Add(pmap);
        pmap.Enter(0, anon, p, writable: true);

        Assert.Null(CowInvariants.PmapMapsOnlyPagesItsMappingsOwn.Check(k));
        anon.Page = null; // the pageout freed it without pmap_page_protect()
        Assert.Equal($"pmap of anon user maps page 0 to {p} through {anon}, whose page is now none", CowInvariants.PmapMapsOnlyPagesItsMappingsOwn.Check(k));
        Uvm.Model.Cow.Pmap.PageProtectNone(k, p);
        Assert.Null(CowInvariants.PmapMapsOnlyPagesItsMappingsOwn.Check(k));
    }

    [Fact]
    public void AnAnonUsersWritableMappingOfASharedOrLoanedAnonIsNamedAndAFileUsersObjectPageIsNot()
    {
        var k = VmFixture.Kernel(freePages: 3, slots: 2);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        var heap = new UserPmap("anon user", 1, k.Versions) { Amap = [anon] };
        k.Vm.UserPmapList.Add(heap);
        heap.Enter(0, anon, p, writable: true);
        var vn = VnodePager.Create(k, 1);
        var fp = PageQueues.Alloc(k)!;
        vn.Insert(fp, 0);
        PageQueues.Unbusy(k, fp);
        var file = new UserPmap("file user", 1, k.Versions);
        k.Vm.UserPmapList.Add(file);
        file.Enter(0, vn, 0, fp, writable: true); // MAP_SHARED: case 2A keeps the entry's protection

        Assert.Null(CowInvariants.PrivateMappingWritesOnlyItsOwnAnon.Check(k));
        anon.RefCount = 2; // a loan to an anon (uvm_loananon()) that skipped pmap_page_protect(VM_PROT_READ)
        Assert.Equal($"pmap of anon user maps page 0 ({anon}, an_ref 2) writable: a shared anon is entered read-only (uvm_fault() case 1A: \"disallow writes\")",
            CowInvariants.PrivateMappingWritesOnlyItsOwnAnon.Check(k));
        anon.RefCount = 1;
        p.LoanCount = 1; // a loan to the kernel, likewise
        Assert.Contains("loan_count 1) writable: a loaned page is mapped read-only", CowInvariants.PrivateMappingWritesOnlyItsOwnAnon.Check(k));
        Uvm.Model.Cow.Pmap.PageProtectRead(k, p);
        Assert.Null(CowInvariants.PrivateMappingWritesOnlyItsOwnAnon.Check(k));
    }

    [Fact]
    public void APageInPageoutThatIsNotBusyIsNamed()
    {
        var (k, _, p) = DirtyFilePage();
        p.Flags |= PageFlags.Pageout;

        Assert.Equal($"page {p.Number} of vnode 1[0] is in pageout but not busy", VnodeInvariants.PageInPageoutIsBusy.Check(k));
        PageQueues.Busy(p, "genfs_putpages");
        Assert.Null(VnodeInvariants.PageInPageoutIsBusy.Check(k));
    }

    [Fact]
    public void ASleeperOnAPageThatIsNoLongerBusyIsPending()
    {
        var (k, _, p) = DirtyFilePage();
        var sleeper = new Sleeper(k, p.Channel);
        sleeper.Advance();

        Assert.Equal($"sleeper sleeps on page {p.Number}, but page {p.Number} of vnode 1[0] is not busy (a wakeup(pg) was missed)", SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));
        PageQueues.Busy(p, "genfs_putpages");
        // Busy, but the sleeper never set PG_WANTED: the un-busy will wake nobody.
        Assert.Equal($"sleeper sleeps on page {p.Number}, but page {p.Number} of vnode 1[0] is busy without PG_WANTED (the sleeper did not set it: the un-busy will wake nobody)", SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));
        p.Flags |= PageFlags.Wanted;
        Assert.Null(SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));
    }

    [Fact]
    public void BadSlotsAndTheOpenClusterCountAsReferencedButNothingElseDoes()
    {
        var k = VmFixture.Kernel(freePages: 1, slots: 6);
        var self = VmFixture.Actor(k);
        int two = 2, three = 3;
        int bad = k.Vm.Swap.Alloc(self, ref two, lessok: false);
        k.Uvmexp.SwpgOnly = 2;
        k.Vm.Swap.MarkBad(self, bad, 2, k.Uvmexp);
        k.Vm.Cluster = new SwapCluster(k.Vm.Swap.Alloc(self, ref three, lessok: false), 3);

        Assert.Null(SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
        k.Vm.Cluster = null;
        Assert.Equal("slot 3 is allocated but nothing references it (leaked)", SwapInvariants.AllocatedSlotsAreExactlyTheReferencedSlots.Check(k));
    }

    private sealed class Sleeper(Kernel kernel, WaitChannel channel) : KernelThread(kernel, "sleeper")
    {
        protected override IEnumerable<Step> Body()
        {
            yield return Step.Sleep("uvn_findpage: page busy (uvn_fp2)", channel);
        }
    }
}
