using Uvm.Model;
using Uvm.Model.Vm;
using Uvm.Properties;
using Uvm.Tests.Model;

namespace Uvm.Tests.Properties;

/// <summary>The link detector checks that both ends of each page-owner pointer agree (properties/LinkDetector.cs).</summary>
public sealed class LinkDetectorTests
{
    [Fact]
    public void OwnedPagesAndTheirOwnersAgree()
    {
        var k = VmFixture.Kernel(freePages: 4);
        VmFixture.AnonPage(k, PageQueue.Active);
        var o = AObjPager.Create(k, 2);
        var p = PageQueues.Alloc(k)!;
        o.Insert(p, 1);

        Assert.All(LinkDetector.All, d => Assert.Null(d.Check(k)));
    }

    [Fact]
    public void AZombieNamingAUareaAnotherLwpTookIsReported()
    {
        var k = KernelFixture.WithLwps(2);
        var self = new KernelFixture.TestThread(k);
        var (dead, other) = (k.Lwps[0], k.Lwps[1]);
        var u = dead.Uarea!;
        Assert.Null(LinkDetector.LwpAddrNamesItsOwnUarea.Check(k));

        k.Uareas.Free(self, u);     // uvm_uarea_free() without the l_addr = NULL after it
        dead.BecomeZombieUnlocked();
        Assert.Null(LinkDetector.LwpAddrNamesItsOwnUarea.Check(k)); // an exited LWP on its way out
        u.State = Uvm.Model.Exit.UareaState.InUse;                    // the next fork1() takes it
        u.Owner = other;

        Assert.Equal("lwp 1's l_addr names u-area 1, which lwp 2 uses", LinkDetector.LwpAddrNamesItsOwnUarea.Check(k));
    }

    [Fact]
    public void ARunningLwpNamingACachedUareaIsReported()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        k.Uareas.Free(new KernelFixture.TestThread(k), l.Uarea!);

        Assert.Equal("lwp 1's l_addr names u-area 1, which is cached", LinkDetector.LwpAddrNamesItsOwnUarea.Check(k));
    }

    [Fact]
    public void AFreedProcessLeftOnZombprocIsReported()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Lwps[0].Proc;
        Assert.Null(LinkDetector.ProcListsHoldOnlyLiveProcesses.Check(k));

        p.Stat = Uvm.Model.Exit.ProcStat.Zomb;
        p.Relist(k.ProcListLock, Uvm.Model.Sched.ProcList.ZombProc, hashed: false);
        Assert.Null(LinkDetector.ProcListsHoldOnlyLiveProcesses.Check(k));

        p.Free("proc_free"); // LIST_REMOVE(p, p_list) skipped
        Assert.Equal("pid 1 was freed by proc_free() but is still on zombproc", LinkDetector.ProcListsHoldOnlyLiveProcesses.Check(k));
    }

    [Fact]
    public void ARunningProcessOffAllprocIsReported()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Lwps[0].Proc;
        p.Relist(k.ProcListLock, Uvm.Model.Sched.ProcList.ZombProc, hashed: false);

        Assert.Equal("pid 1 is Active but on zombproc, unhashed", LinkDetector.ProcListsHoldOnlyLiveProcesses.Check(k));
    }

    [Fact]
    public void AnAnonPointingAtAFreedPageIsReported()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        PageQueues.Free(k, p);
        anon.Page = p; // an_page = NULL skipped

        Assert.Equal($"{anon}'s an_page is {p}, but {p}'s uanon is NULL", LinkDetector.AnonAndPageLinksAgree.Check(k));
    }

    [Fact]
    public void APageNamingAFreedAnonIsReported()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var (anon, p) = VmFixture.AnonPage(k, PageQueue.Active);
        anon.Free("uvm_anfree");

        Assert.Equal($"{p}'s uanon is {anon}, which is freed", LinkDetector.AnonAndPageLinksAgree.Check(k));
    }

    [Fact]
    public void AnObjectStillHoldingARemovedPageIsReported()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var o = AObjPager.Create(k, 2);
        var p = PageQueues.Alloc(k)!;
        o.Insert(p, 0);
        p.Object = null; // pg->uobject cleared, the object's entry left

        Assert.Equal($"{o} holds {p} at offset 0, but {p}'s uobject is NULL at offset 0", LinkDetector.ObjectAndPageLinksAgree.Check(k));
    }

    [Fact]
    public void APageNamingAnObjectThatDoesNotHoldItIsReported()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var o = AObjPager.Create(k, 2);
        var p = PageQueues.Alloc(k)!;
        o.Insert(p, 0);
        p.Index = 1; // offset changed without a uvm_pagerealloc

        Assert.StartsWith($"{o} holds {p} at offset 0, but {p}'s uobject is {o} at offset 1", LinkDetector.ObjectAndPageLinksAgree.Check(k));
    }

    [Fact]
    public void AnObjectPageBorrowedByAnAnonAgreesWithBoth()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var o = AObjPager.Create(k, 2);
        var p = PageQueues.Alloc(k)!;
        o.Insert(p, 0);
        var self = VmFixture.Actor(k);
        var anon = AnonPager.Alloc(k, self); // an O->A loan: the object owns the page, the anon borrows it
        anon.Page = p;
        p.Anon = anon;
        p.LoanCount = 1;

        Assert.All(LinkDetector.All, d => Assert.Null(d.Check(k)));
    }

    [Fact]
    public void APageNamingAFreedObjectIsReported()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var o = AObjPager.Create(k, 2);
        var p = PageQueues.Alloc(k)!;
        o.Insert(p, 0);
        o.Free("uao_free"); // freed with its page still linked

        Assert.Equal($"{p}'s uobject is {o}, which is freed", LinkDetector.ObjectAndPageLinksAgree.Check(k));
    }
}
