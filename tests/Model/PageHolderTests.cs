using Uvm.Model;
using Uvm.Model.Pool;
using Uvm.Model.Vm;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>
/// Declared page holders (model/Vm/PageHolder.cs): a path that keeps an ownerless page for its own
/// use declares itself its holder, and the page invariants accept the page for that reason alone,
/// never because the path pretends the page is wired. The pool allocator is the holding path of
/// 2003-04 (uvm_km_alloc_poolpage1 / uvm_km_free_poolpage1, uvm_km.c).
/// </summary>
public sealed class PageHolderTests
{
    private static readonly PageHolder Zeroer = new("test zeroer", "uvm_pageidlezero");

    /// <summary>A page taken off the free list, un-busied, with no owner, wiring or loan: only a holder can account for it.</summary>
    private static (Kernel K, Page P) BarePage()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var p = PageQueues.Alloc(k)!;
        PageQueues.Unbusy(k, p);
        return (k, p);
    }

    [Fact]
    public void AHeldPageIsNeitherLeakedNorMissingFromTheQueues()
    {
        var (k, p) = BarePage();

        p.Hold(Zeroer);

        Assert.Null(LoanInvariants.UnownedPageIsFreeWiredOrOnLoan.Check(k));
        Assert.Null(PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired.Check(k));
    }

    [Fact]
    public void APageTakenWithoutAHolderIsLeakedAndOnNoQueue()
    {
        var (k, p) = BarePage();
        p.Hold(Zeroer);

        p.Release(Zeroer);

        Assert.Equal("page 1 is neither free nor owned, wired, on loan or held by a declared holder (leaked)",
            LoanInvariants.UnownedPageIsFreeWiredOrOnLoan.Check(k));
        Assert.Equal("page 1 is neither busy, wired, loaned nor held but on no queue",
            PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired.Check(k));
    }

    [Fact]
    public void APageFreedWhileStillHeldIsCaught()
    {
        var (k, p) = BarePage();
        p.Hold(Zeroer);

        PageQueues.Free(k, p);

        Assert.Equal("page 1 is free with flags None, wire_count 0, loan_count 0, still held by test zeroer (uvm_pageidlezero)",
            PageInvariants.FreePageHasNoOwner.Check(k));
    }

    [Fact]
    public void APageHasOneHolderAndOnlyItCanReleaseIt()
    {
        var (_, p) = BarePage();
        p.Hold(Zeroer);
        var other = new PageHolder("pool procpl", "uvm_km_alloc_poolpage");

        Assert.Throws<InvalidOperationException>(() => p.Hold(other));
        Assert.Throws<InvalidOperationException>(() => p.Release(other));
        Assert.Same(Zeroer, p.Holder);
    }

    [Fact]
    public void APoolPageIsHeldByItsPoolUnwiredAndGoesBackFreeAndUnheld()
    {
        var k = VmFixture.Kernel(freePages: 4);
        k.Pools.Enabled = true;
        var self = VmFixture.Actor(k);
        var pp = k.Pools.Proc;
        int? item = null;

        KernelFixture.RunAll(PoolOps.Get(k, () => self, pp, waitOk: false, got => item = got));

        var page = k.Vm.Pages.Single(p => p.Queue != PageQueue.Free);
        Assert.Same(pp.PageHolder, page.Holder);
        Assert.Equal(0, page.WireCount);
        Assert.False(page.Owned);
        Assert.All(LoanInvariants.All.Concat(PageInvariants.All), i => Assert.Null(i.Check(k)));

        KernelFixture.RunAll(PoolOps.Put(k, () => self, pp, item!.Value));
        // pool_drain() reclaims one pool per call, round robin over pool_head: one full round reaches procpl.
        for (int i = 0; i < k.Pools.All.Count; i++) KernelFixture.RunAll(PoolOps.Drain(k, () => self));

        Assert.Equal(PageQueue.Free, page.Queue);
        Assert.Null(page.Holder);
        Assert.All(LoanInvariants.All.Concat(PageInvariants.All), i => Assert.Null(i.Check(k)));
    }
}
