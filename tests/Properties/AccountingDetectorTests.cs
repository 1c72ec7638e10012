using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Vm;
using Uvm.Properties;
using Uvm.Tests.Model;

namespace Uvm.Tests.Properties;

/// <summary>The accounting detector recounts each counter from what it counts (properties/AccountingDetector.cs).</summary>
public sealed class AccountingDetectorTests
{
    [Fact]
    public void PagingCountWithNoPageInPageoutIsDrift()
    {
        var k = KernelFixture.WithLwps(1);
        Assert.Null(AccountingDetector.PagingCountMatchesPagesInPageout.Check(k));

        k.Uvmexp.Paging = 1;

        Assert.Equal("uvmexp.paging is 1 but 0 pages are being paged out", AccountingDetector.PagingCountMatchesPagesInPageout.Check(k));
    }

    [Fact]
    public void ASecondPreleIsNamedWhenItHappens()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        l.HoldCount++;
        l.HoldCount--;
        Assert.Null(AccountingDetector.HoldCountIsNeverNegative.Check(k));

        l.HoldCount--;

        Assert.Equal("lwp 1 has l_holdcnt -1: a PRELE without its PHOLD", AccountingDetector.HoldCountIsNeverNegative.Check(k));
    }

    [Fact]
    public void AnAttachmentNoLiveProcessHoldsIsNamed()
    {
        var k = KernelFixture.WithLwps(1);
        var seg = new Uvm.Model.Vm.ShmSegment(1, Uvm.Model.AObjPager.Create(k, 1));
        k.Vm.ShmList.Add(seg);
        Assert.Null(AccountingDetector.ShmNattchCountsAttachments.Check(k));

        seg.Nattch++;                                                 // an exit that skipped shmexit() leaves this

        Assert.Equal($"{seg} has shm_nattch 1 but 0 attachment(s) held by live processes", AccountingDetector.ShmNattchCountsAttachments.Check(k));
    }

    [Fact]
    public void LwpCountersCountTheProcesssLwps()
    {
        var k = KernelFixture.WithLwps(2);
        var p = k.Lwps[0].Proc;
        Assert.Equal((2, 2, 0), (p.Nlwps, p.Nrlwps, p.Nzlwps));
        Assert.Null(AccountingDetector.LwpCountsMatchTheirLwps.Check(k));

        p.Nzlwps++; // a zombie counted that is not one
        Assert.Equal("pid 1 has p_nlwps 2, p_nrlwps 2, p_nzlwps 1 but 2 LWP(s) on p_lwps, 2 running, 0 zombie(s)",
            AccountingDetector.LwpCountsMatchTheirLwps.Check(k));
    }

    [Fact]
    public void ASleepCountsTheLwpOutOfTheRunningOnes()
    {
        var k = KernelFixture.WithLwps(1);
        var cpu = k.Cpus[0];
        var l = Scheduler.CpuSwitch(k, cpu)!;
        var t = new KernelFixture.TestThread(k);
        Tsleep.SleepLwp(k, t, cpu, l, new WaitChannel("test"));

        Assert.Equal(0, l.Proc.Nrlwps);
        Assert.Null(AccountingDetector.LwpCountsMatchTheirLwps.Check(k));
        Tsleep.Wakeup(k, t, new WaitChannel("test"));
        Assert.Equal(1, l.Proc.Nrlwps);
        Assert.Null(AccountingDetector.LwpCountsMatchTheirLwps.Check(k));
    }

    [Fact]
    public void VmspaceRefCountCountsItsProcessAndItsReaders()
    {
        var k = KernelFixture.WithLwps(2);
        var vm = k.Lwps[0].Proc.Vmspace;
        Assert.Null(AccountingDetector.VmspaceRefCountMatchesItsReferences.Check(k));

        vm.RefCount++; // sysctl_procargs(): vm_refcnt++ with no reader to hold it
        Assert.Equal("vmspace of pid 1 has vm_refcnt 2 but 1 reference(s): 1 process(es), 0 reader(s)",
            AccountingDetector.VmspaceRefCountMatchesItsReferences.Check(k));

        k.Lwps[1].HeldVmspace = vm;
        Assert.Null(AccountingDetector.VmspaceRefCountMatchesItsReferences.Check(k));
    }

    [Fact]
    public void VmspaceOfAnExitedProcessCountsOnlyItsReaders()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Lwps[0].Proc;
        var vm = p.Vmspace;
        p.Vmspace = k.ProcLists.Proc0Vmspace;
        p.VmspaceReleased = true; // uvm_proc_exit() without uvmspace_free(): the old vmspace leaks

        Assert.Equal("vmspace of pid 1 has vm_refcnt 1 but 0 reference(s): 0 process(es), 0 reader(s)",
            AccountingDetector.VmspaceRefCountMatchesItsReferences.Check(k));
        vm.RefCount--;
        Assert.Null(AccountingDetector.VmspaceRefCountMatchesItsReferences.Check(k));
    }

    [Fact]
    public void Vmspace0KeepsProc0sReference()
    {
        var k = KernelFixture.WithLwps(1);
        k.ProcLists.Proc0Vmspace.RefCount--; // a stray uvmspace_free(p->p_vmspace) of a process that borrowed it

        Assert.Equal("vmspace of proc0 has vm_refcnt 0 but 1 reference(s): 0 process(es), 0 reader(s), 1 of proc0 and the kernel threads",
            AccountingDetector.VmspaceRefCountMatchesItsReferences.Check(k));
    }

    [Fact]
    public void PageInPageoutIsCounted()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Vm.Pages[0];
        p.Flags |= PageFlags.Busy | PageFlags.Pageout;

        Assert.Equal("uvmexp.paging is 0 but 1 pages are being paged out", AccountingDetector.PagingCountMatchesPagesInPageout.Check(k));
        k.Uvmexp.Paging = 1;
        Assert.Null(AccountingDetector.PagingCountMatchesPagesInPageout.Check(k));
    }

    [Fact]
    public void SwapOnlyCountWithNoSwappedOutPageIsDrift()
    {
        var k = KernelFixture.WithLwps(1);
        k.Uvmexp.SwpgOnly = 2;

        Assert.Equal("uvmexp.swpgonly is 2 but 0 pages are only in swap", AccountingDetector.SwapOnlyCountMatchesSwappedOutPages.Check(k));
    }

    [Fact]
    public void QueueCountersFollowEveryQueueChange()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var (_, a) = VmFixture.AnonPage(k, PageQueue.Active);
        var (_, b) = VmFixture.AnonPage(k, PageQueue.Inactive);
        Assert.Equal((1, 1), (k.Uvmexp.Active, k.Uvmexp.Inactive));

        PageQueues.Deactivate(k, a);
        Assert.Equal((0, 2), (k.Uvmexp.Active, k.Uvmexp.Inactive));
        PageQueues.Activate(k, b);
        PageQueues.Activate(k, b); // already active: counted once
        Assert.Equal((1, 1), (k.Uvmexp.Active, k.Uvmexp.Inactive));
        PageQueues.Free(k, a);
        Assert.Equal((1, 0), (k.Uvmexp.Active, k.Uvmexp.Inactive));
        Assert.All([AccountingDetector.ActiveCountMatchesActiveQueue, AccountingDetector.InactiveCountMatchesInactiveQueue],
            inv => Assert.Null(inv.Check(k)));
    }

    [Fact]
    public void WiringTakesAPageOffItsQueueAndCountsIt()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var (_, p) = VmFixture.AnonPage(k, PageQueue.Inactive);

        PageQueues.Wire(k, p);
        PageQueues.Wire(k, p);
        Assert.Equal((0, 1, PageQueue.None), (k.Uvmexp.Inactive, k.Uvmexp.Wired, p.Queue));
        Assert.False(PageQueues.Unwire(k, p));
        Assert.Equal(1, k.Uvmexp.Wired);
        PageQueues.Free(k, p); // uvm_pagefree() of a wired page: wired--
        Assert.Equal(0, k.Uvmexp.Wired);
        Assert.Null(AccountingDetector.WiredCountMatchesWiredPages.Check(k));
    }

    [Fact]
    public void QueueCounterDriftIsReported()
    {
        var k = VmFixture.Kernel(freePages: 4);
        VmFixture.AnonPage(k, PageQueue.Inactive);
        k.Uvmexp.Inactive = 2;
        k.Uvmexp.Active = 1;
        k.Uvmexp.Wired = 3;

        Assert.Equal("uvmexp.inactive is 2 but 1 pages are on the inactive queue", AccountingDetector.InactiveCountMatchesInactiveQueue.Check(k));
        Assert.Equal("uvmexp.active is 1 but 0 pages are on the active queue", AccountingDetector.ActiveCountMatchesActiveQueue.Check(k));
        Assert.Equal("uvmexp.wired is 3 but 0 pages are wired", AccountingDetector.WiredCountMatchesWiredPages.Check(k));
    }

    [Fact]
    public void EveryScenarioChecksTheDetectors()
    {
        foreach (var s in Uvm.Scenarios.ScenarioCatalogue.All)
        {
            var checkedHere = s.PropertiesFrom(Catalogue.BuiltIn).Invariants;
            Assert.All([.. AccountingDetector.All, .. LinkDetector.All], d => Assert.Contains(d, checkedHere));
            Assert.All([.. AccountingDetector.All, .. LinkDetector.All], d => Assert.Equal(Detector.Subsystem, d.Subsystem));
        }
    }
}
