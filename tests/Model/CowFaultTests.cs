using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>Amaps, copy-on-write faults and fault relock (model/Cow): every path, without an explorer.</summary>
public sealed class CowFaultTests
{
    private static CowSpace Space(Kernel k, string name, int pages = 2)
    {
        var s = CowProcess.NewSpace(name, pages);
        k.Vm.CowSpaceList.Add(s);
        return s;
    }

    private static List<string> Touch(Kernel k, KernelThread self, CowSpace s, int page, bool write) =>
        KernelFixture.RunAll(CowFault.Touch(k, self, s, page, write));

    /// <summary>The pagedaemon's work, done by hand: the page's mappings go, the anon's page goes to swap and is freed.</summary>
    private static void PageOut(Kernel k, KernelThread self, Anon anon)
    {
        Pmap.PageProtectNone(k, anon.Page!);
        anon.SwSlot = k.Vm.Swap.Alloc(self);
        k.Uvmexp.SwpgOnly++;
        PageQueues.Free(k, anon.Page!);
    }

    private static string? Check(Kernel k) =>
        CowInvariants.All.Select(i => i.Check(k)).FirstOrDefault(v => v is not null);

    [Fact]
    public void FirstWriteCopiesTheNullAmapThenZeroFills()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var s = Space(k, "p");

        var steps = Touch(k, self, s, 0, write: true);

        Assert.Equal(["uvm_fault: needs-copy, uvmfault_unlockmaps", "uvmfault_amapcopy: amap_copy", "uvm_fault: case 2B, zero-fill anon"], steps);
        Assert.False(s.NeedsCopy);
        Assert.Equal(1, s.Amap!.NUsed);
        Assert.Equal(1, s.Amap.Lookup(0)!.RefCount);
        Assert.True(s.MappedWritable(0));
        Assert.False(s.Lock.Held);
        Assert.Null(Check(k));
    }

    [Fact]
    public void ForkSharesTheAmapAndWriteProtectsTheParent()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var (parent, child) = (Space(k, "p"), Space(k, "c"));
        Touch(k, self, parent, 0, write: true);

        KernelFixture.RunAll(CowMapOps.Fork(k, self, parent, child));

        Assert.Same(parent.Amap, child.Amap);
        Assert.Equal(2, parent.Amap!.Ref);
        Assert.True(parent.NeedsCopy && child.NeedsCopy);
        Assert.False(parent.MappedWritable(0));
        Assert.True(parent.Timestamp > 0);
        Assert.Null(Check(k));
    }

    [Fact]
    public void WriteAfterForkCopiesTheAmapThenBreaksTheSharedAnon()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var (parent, child) = (Space(k, "p"), Space(k, "c"));
        Touch(k, self, parent, 0, write: true);
        var shared = parent.Amap!.Lookup(0)!;
        KernelFixture.RunAll(CowMapOps.Fork(k, self, parent, child));

        var steps = Touch(k, self, parent, 0, write: true);

        Assert.Equal("uvm_fault: case 1B, copy-on-write", steps[^1]);
        Assert.NotSame(parent.Amap, child.Amap);
        Assert.Equal(1, child.Amap!.Ref);
        Assert.Same(shared, child.Amap.Lookup(0));
        Assert.NotSame(shared, parent.Amap!.Lookup(0));
        Assert.Equal(1, shared.RefCount);
        Assert.True(parent.MappedWritable(0));
        Assert.Null(Check(k));
    }

    [Fact]
    public void ReadAfterForkMapsTheSharedAnonReadOnly()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var (parent, child) = (Space(k, "p"), Space(k, "c"));
        Touch(k, self, parent, 0, write: true);
        KernelFixture.RunAll(CowMapOps.Fork(k, self, parent, child));

        var steps = Touch(k, self, child, 0, write: false);

        Assert.Equal("uvm_fault: case 1A, pmap_enter", steps[^1]);
        Assert.Equal(2, child.Amap!.Lookup(0)!.RefCount);
        Assert.NotNull(child.MappedAnon(0));
        Assert.False(child.MappedWritable(0));
        Assert.Null(Check(k));
    }

    [Fact]
    public void AmapCopyTakesOverAnAmapWhoseOtherReferenceIsGone()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var (parent, child) = (Space(k, "p"), Space(k, "c"));
        Touch(k, self, parent, 0, write: true);
        var amap = parent.Amap!;
        KernelFixture.RunAll(CowMapOps.Fork(k, self, parent, child));
        KernelFixture.RunAll(CowMapOps.Unmap(k, self, child, "uvmspace_free"));

        Touch(k, self, parent, 0, write: true);

        Assert.Same(amap, parent.Amap);
        Assert.Equal(1, amap.Ref);
        Assert.True(parent.MappedWritable(0));
        Assert.Null(Check(k));
    }

    [Fact]
    public void LastAmapUnrefFreesItsAnonsAndPages()
    {
        var k = VmFixture.Kernel(freePages: 3);
        var self = VmFixture.Actor(k);
        var (parent, child) = (Space(k, "p"), Space(k, "c"));
        Touch(k, self, parent, 0, write: true);
        Touch(k, self, parent, 1, write: true);
        KernelFixture.RunAll(CowMapOps.Fork(k, self, parent, child));
        KernelFixture.RunAll(CowMapOps.Unmap(k, self, parent, "uvmspace_free"));
        Assert.Equal(2, k.Vm.Anons.Count);

        KernelFixture.RunAll(CowMapOps.Unmap(k, self, child, "uvmspace_free"));

        Assert.Empty(k.Vm.Anons);
        Assert.Equal(3, k.Uvmexp.Free);
        Assert.Null(child.DetachedAmap);
        Assert.Null(Check(k));
    }

    [Fact]
    public void FaultsOnAnUnmappedOrReadOnlyEntryFail()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var s = Space(k, "p");
        KernelFixture.RunAll(CowMapOps.Protect(k, self, s));

        Assert.Equal(["uvm_fault: EACCES"], Touch(k, self, s, 0, write: true));
        KernelFixture.RunAll(CowMapOps.Unmap(k, self, s, "uvm_unmap"));
        Assert.Equal(["uvm_fault: EFAULT"], Touch(k, self, s, 0, write: false));
    }

    /// <summary>
    /// pmap_page_protect(VM_PROT_NONE) is what keeps the pmaps from mapping a page that is freed:
    /// with it both sharers' mappings go; without it they stay, and the stale-mapping check names one.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void APageFreedWithoutPmapPageProtectStaysMapped(bool protect)
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var (parent, child) = (Space(k, "p"), Space(k, "c"));
        Touch(k, self, parent, 0, write: true);
        KernelFixture.RunAll(CowMapOps.Fork(k, self, parent, child));
        Touch(k, self, child, 0, write: false);
        var anon = parent.Amap!.Lookup(0)!;
        var page = anon.Page!;
        Assert.Same(anon, parent.MappedAnon(0));
        Assert.Same(anon, child.MappedAnon(0));

        if (protect) Pmap.PageProtectNone(k, page);
        anon.SwSlot = k.Vm.Swap.Alloc(self);
        k.Uvmexp.SwpgOnly++;
        PageQueues.Free(k, page);

        if (protect)
        {
            Assert.Null(parent.MappedAnon(0));
            Assert.Null(child.MappedAnon(0));
            Assert.Null(Check(k));
        }
        else
        {
            Assert.Same(page, parent.PmapEntry(0).Page);
            Assert.Equal($"vmspace of p maps page 0 to {page}, which is free", CowInvariants.PmapMapsOnlyPagesItsMappingsOwn.Check(k));
        }
    }

    [Fact]
    public void PageInFromSwapMapsTheAnonsPage()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var s = Space(k, "p");
        Touch(k, self, s, 0, write: true);
        var anon = s.Amap!.Lookup(0)!;
        PageOut(k, self, anon);

        var steps = Touch(k, self, s, 0, write: false);

        Assert.Equal(["uvmfault_anonget: uvm_swap_get", "uvm_fault: case 1A, pmap_enter"], steps);
        Assert.NotNull(anon.Page);
        Assert.True(s.MappedWritable(0));
        Assert.Null(Check(k));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MprotectDuringAPageInFailsTheRelockAndTheFaultRefaults(bool mutated)
    {
        var k = VmFixture.Kernel(config: mutated ? KernelConfig.Fixed.With(Switches.RelockIgnoresTimestamp) : null);
        var self = VmFixture.Actor(k);
        var s = Space(k, "p");
        Touch(k, self, s, 0, write: true);
        PageOut(k, self, s.Amap!.Lookup(0)!);
        using var fault = CowFault.Touch(k, self, s, 0, write: false).GetEnumerator();
        Assert.True(fault.MoveNext());
        Assert.Equal("uvmfault_anonget: uvm_swap_get", fault.Current.Function);

        KernelFixture.RunAll(CowMapOps.Protect(k, self, s));
        var rest = KernelFixture.RunRest(fault);

        if (mutated)
        {
            Assert.Equal(["uvm_fault: case 1A, pmap_enter"], rest);
            Assert.Contains("writable after mprotect", Check(k));
        }
        else
        {
            Assert.Equal(["uvmfault_anonget: relock failed or anon moved, ERESTART", "uvm_fault: case 1A, pmap_enter"], rest);
            Assert.False(s.MappedWritable(0));
            Assert.Null(Check(k));
        }
    }

    [Fact]
    public void UnmapDuringAPageInReleasesThePageAndTheFaultEndsInEfault()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var s = Space(k, "p");
        Touch(k, self, s, 0, write: true);
        var anon = s.Amap!.Lookup(0)!;
        PageOut(k, self, anon);
        using var fault = CowFault.Touch(k, self, s, 0, write: false).GetEnumerator();
        Assert.True(fault.MoveNext());
        var busy = anon.Page!;

        KernelFixture.RunAll(CowMapOps.Unmap(k, self, s, "uvm_unmap"));
        Assert.True((busy.Flags & PageFlags.Released) != 0); // uvm_anfree() on a busy page
        var rest = KernelFixture.RunRest(fault);

        Assert.Equal(["uvmfault_anonget: PG_RELEASED, uvm_anfree, ERESTART", "uvm_fault: EFAULT"], rest);
        Assert.Empty(k.Vm.Anons);
        Assert.Equal(PageQueue.Free, busy.Queue);
        Assert.Equal(0, k.Vm.Swap.InUse);
        Assert.Null(Check(k));
    }

    [Fact]
    public void AFaultOnABusyPageSleepsAndRetakesItsLocks()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var s = Space(k, "p");
        Touch(k, self, s, 0, write: true);
        var p = s.Amap!.Lookup(0)!.Page!;
        PageQueues.Busy(p, "uvmpd_scan_inactive");
        using var fault = CowFault.Touch(k, self, s, 0, write: false).GetEnumerator();
        Assert.True(fault.MoveNext());
        Assert.Equal("uvmfault_anonget: anonget2 (page busy)", fault.Current.Function);
        Assert.False(s.Lock.Held);

        PageQueues.Unbusy(k, p);
        var rest = KernelFixture.RunRest(fault);

        Assert.Equal(["uvm_fault: case 1A, pmap_enter"], rest);
        Assert.True(s.MappedWritable(0));
    }

    [Fact]
    public void AmapCopyWithoutAnonRefBreaksTheRefCountInvariant()
    {
        var k = VmFixture.Kernel(config: KernelConfig.Fixed.With(Switches.AmapCopySkipsAnonRef));
        var self = VmFixture.Actor(k);
        var (parent, child) = (Space(k, "p"), Space(k, "c"));
        Touch(k, self, parent, 0, write: true);
        KernelFixture.RunAll(CowMapOps.Fork(k, self, parent, child));

        Touch(k, self, child, 0, write: false);

        Assert.Contains("an_ref 1 but 2 amap slot(s)", CowInvariants.AnonRefEqualsAmapSlots.Check(k));
    }
}
