using Uvm.Model;
using Uvm.Model.Vm;
using Uvm.Properties;
using Uvm.Tests.Model;

namespace Uvm.Tests.Properties;

/// <summary>The page-queue invariant and the pagedaemon's liveness, on hand-built good and bad states: each names what breaks it.</summary>
public sealed class PageInvariantsTests
{
    /// <summary>A kernel with anon pages 1 and 2 on the active queue and page 3 on the inactive queue.</summary>
    private static (Kernel K, Page P1, Page P2, Page P3) ThreePages()
    {
        var k = VmFixture.Kernel(freePages: 6);
        var (_, p1) = VmFixture.AnonPage(k, PageQueue.Active);
        var (_, p2) = VmFixture.AnonPage(k, PageQueue.Active);
        var (_, p3) = VmFixture.AnonPage(k, PageQueue.Inactive);
        return (k, p1, p2, p3);
    }

    [Fact]
    public void EveryPageInvariantHoldsOnQueuedAnonPages()
    {
        var (k, _, _, _) = ThreePages();

        Assert.All(PageInvariants.All, i => Assert.Null(i.Check(k)));
    }

    [Fact]
    public void APageQueuedTwiceIsNamedAtItsSecondLink()
    {
        var (k, p1, _, _) = ThreePages();
        k.Vm.ActiveQ.Add(p1);

        Assert.Equal("page 1 of anon 1 is on the Active queue twice", PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired.Check(k));
    }

    [Fact]
    public void TheFirstBadLinkOfAQueueIsNamedWhetherItIsADuplicateOrAMismatch()
    {
        var (k, p1, p2, _) = ThreePages();
        k.Vm.ActiveQ.Add(p1);
        p2.Queue = PageQueue.Inactive;

        Assert.Equal("page 2 of anon 2 is on the Active queue but says Inactive", PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired.Check(k));
    }

    [Fact]
    public void QueueLinksAreTheSamePageOnlyWhenTheyAreTheSameObject()
    {
        var (k, _, _, _) = ThreePages();
        var namesake = new Page(1) { Queue = PageQueue.Active };
        k.Vm.ActiveQ.Add(namesake);

        Assert.Equal("3 pages claim a queue but the queues hold 4", PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired.Check(k));
        var stray = new Page(42) { Queue = PageQueue.Active };
        k.Vm.ActiveQ.Add(stray);
        k.Vm.ActiveQ.Add(stray);
        Assert.Equal("page 42 is on the Active queue twice", PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired.Check(k));
    }

    [Fact]
    public void AnIdlePageOnNoQueueIsNamed()
    {
        var (k, _, _, p3) = ThreePages();
        k.Vm.InactiveQ.Remove(p3);
        p3.Queue = PageQueue.None;

        Assert.Equal("page 3 of anon 3 is neither busy, wired, loaned nor held but on no queue", PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired.Check(k));
    }

    [Fact]
    public void APageClaimingAQueueItIsNotOnIsCounted()
    {
        var (k, _, _, p3) = ThreePages();
        k.Vm.InactiveQ.Remove(p3);

        Assert.Equal("3 pages claim a queue but the queues hold 2", PageInvariants.PageIsOnExactlyOneQueueUnlessBusyOrWired.Check(k));
    }

    [Fact]
    public void AWiredPageWhoseAnonKeepsItsSlotIsNamedUnlessBusy()
    {
        var k = VmFixture.Kernel(freePages: 6);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active, slot: 2);
        PageQueues.Wire(k, p);
        p.Flags &= ~PageFlags.Clean; // uvm_fault()'s wiring: uvm_pagewire(), PG_CLEAN off, and (forgotten here) uvm_anon_dropswap()

        Assert.Equal("page 1 of anon 1 is wired (wire_count 1) but its owner keeps swap slot 2 for it", PageInvariants.WiredPageHoldsNoSwapSlot.Check(k));
        p.Flags |= PageFlags.Busy; // between the read that brought it in and the wiring that drops the slot
        Assert.Null(PageInvariants.WiredPageHoldsNoSwapSlot.Check(k));
        p.Flags &= ~PageFlags.Busy;
        anon.SwSlot = 0;
        Assert.Null(PageInvariants.WiredPageHoldsNoSwapSlot.Check(k));
    }

    [Fact]
    public void AReleasedPageThatIsNoLongerBusyIsNamed()
    {
        var (k, _, p2, _) = ThreePages();
        p2.Flags |= PageFlags.Busy | PageFlags.Released; // uvm_anfree() of an anon whose page is busy
        Assert.Null(PageInvariants.ReleasedPageIsBusy.Check(k));

        p2.Flags &= ~PageFlags.Busy; // un-busied by a path that did not free it

        Assert.Equal("page 2 of anon 2 is PG_RELEASED but not busy (flags Released): un-busied and never freed", PageInvariants.ReleasedPageIsBusy.Check(k));
    }

    [Fact]
    public void AThreadWaitingForMemoryIsPendingWhileACleanPageIsReclaimable()
    {
        var k = VmFixture.Kernel(freePages: 6, slots: 0);
        var (_, active) = VmFixture.AnonPage(k, PageQueue.Active);
        active.Flags |= PageFlags.Clean;
        VmFixture.AnonPage(k, PageQueue.Inactive);
        var (_, clean) = VmFixture.AnonPage(k, PageQueue.Inactive, slot: 1);
        var waiter = VmFixture.Actor(k, "lwp 7");
        var property = PageInvariants.MemoryShortageWithReclaimablePagesEventuallyEnds;
        Assert.Null(property.Pending(k));

        waiter.SleepingOn = Pageout.FreeMemory;

        Assert.Equal("lwp 7 waits for memory while page 3 of anon 3 could be reclaimed", property.Pending(k));
        clean.Flags &= ~PageFlags.Clean;
        Assert.Equal("lwp 7 waits for memory while page 1 of anon 1 could be reclaimed", property.Pending(k));
        active.Flags &= ~PageFlags.Clean;
        Assert.Null(property.Pending(k));
    }
}
