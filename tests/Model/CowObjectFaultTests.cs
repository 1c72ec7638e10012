using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>uvm_fault() case 2 with a vnode under a private entry (model/Cow/CowObjectFault.cs): 2A, the 2B promote, the relock after pgo_get.</summary>
public sealed class CowObjectFaultTests
{
    private static CowSpace FileSpace(Kernel k, int pages = 2)
    {
        var s = CowProcess.NewSpace("p", pages);
        s.Uobj = VnodePager.Create(k, pages);
        k.Vm.CowSpaceList.Add(s);
        return s;
    }

    private static List<string> Touch(Kernel k, KernelThread self, CowSpace s, int page, bool write) =>
        KernelFixture.RunAll(CowFault.Touch(k, self, s, page, write));

    private static string? Check(Kernel k) =>
        CowInvariants.All.Select(i => i.Check(k)).FirstOrDefault(v => v is not null);

    [Fact]
    public void ReadFaultReadsTheFilePageAndMapsItReadOnlyWithoutAnAmap()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var s = FileSpace(k);

        var steps = Touch(k, self, s, 0, write: false);

        Assert.Equal(["genfs_getpages: VOP_STRATEGY, biowait", "uvm_fault: pgo_get, uvm_pageactivate", "uvm_fault: case 2A, object page"], steps);
        Assert.True(s.NeedsCopy); // a read fault with a uobj does not amap_copy
        Assert.Null(s.Amap);
        var p = s.MappedObjectPage(0);
        Assert.Same(s.Uobj!.PageAt(0), p);
        Assert.False(p!.Busy);
        Assert.False(s.MappedWritable(0));
        Assert.False(s.Lock.Held);
        Assert.False(s.Uobj.Lock.Held);
        Assert.Null(Check(k));
    }

    [Fact]
    public void WriteFaultPromotesTheResidentObjectPageIntoANewAnon()
    {
        var k = VmFixture.Kernel();
        var self = VmFixture.Actor(k);
        var s = FileSpace(k);
        Touch(k, self, s, 0, write: false);
        var filePage = s.Uobj!.PageAt(0)!;

        var steps = Touch(k, self, s, 0, write: true);

        Assert.Equal(["uvm_fault: needs-copy, uvmfault_unlockmaps", "uvmfault_amapcopy: amap_copy", "uvm_fault: case 2B, promote object page"], steps);
        var anon = s.Amap!.Lookup(0)!;
        Assert.Equal(1, anon.RefCount);
        Assert.NotSame(filePage, anon.Page);
        Assert.Same(filePage, s.Uobj.PageAt(0)); // the object page stays
        Assert.False(filePage.Busy);
        Assert.True(s.MappedWritable(0));
        Assert.Null(s.MappedObjectPage(0));
        Assert.Null(Check(k));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadFaultOnACopyOnWriteEntryNoLongerNeedsCopyStillMapsTheFilePageReadOnly(bool mutated)
    {
        var k = VmFixture.Kernel(config: mutated ? KernelConfig.Fixed.With(Switches.CowObjectFaultMapsWritable) : null);
        var self = VmFixture.Actor(k);
        var s = FileSpace(k);
        Touch(k, self, s, 0, write: true); // amap_copy() clears needs-copy; the entry stays copy-on-write

        var steps = Touch(k, self, s, 1, write: false);

        Assert.Equal("uvm_fault: case 2A, object page", steps[^1]);
        Assert.False(s.NeedsCopy);
        Assert.Same(s.Uobj!.PageAt(1), s.MappedObjectPage(1));
        Assert.Equal(mutated, s.PmapEntry(1).Writable);
        if (mutated)
            Assert.Equal($"vmspace of p maps page 1 to the object's {s.Uobj.PageAt(1)} writable: a private mapping enters an object page read-only (uvm_fault() case 2, UVM_ET_ISCOPYONWRITE), so the process stores into the file's page", Check(k));
        else
            Assert.Null(Check(k));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnmapDuringPgoGetFailsTheRelockAndTheFaultEndsInEfault(bool mutated)
    {
        var k = VmFixture.Kernel(config: mutated ? KernelConfig.Fixed.With(Switches.ObjectFaultIgnoresRelock) : null);
        var self = VmFixture.Actor(k);
        var s = FileSpace(k);
        using var fault = CowFault.Touch(k, self, s, 1, write: false).GetEnumerator();
        Assert.True(fault.MoveNext());
        Assert.Equal("genfs_getpages: VOP_STRATEGY, biowait", fault.Current.Function);

        KernelFixture.RunAll(CowMapOps.Unmap(k, self, s, "uvm_unmap"));
        var rest = KernelFixture.RunRest(fault);

        if (mutated)
        {
            Assert.Equal(["uvm_fault: pgo_get, uvm_pageactivate", "uvm_fault: case 2A, object page"], rest);
            Assert.Contains("after munmap", Check(k));
        }
        else
        {
            Assert.Equal(["uvm_fault: pgo_get, uvm_pageactivate", "uvm_fault: case 2, relock failed, ReFault", "uvm_fault: EFAULT"], rest);
            Assert.Null(s.MappedObjectPage(1));
            Assert.False(s.Uobj!.PageAt(1)!.Busy);
            Assert.Null(Check(k));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASlotFilledDuringPgoGetSendsThePromoteBackToReFault(bool mutated)
    {
        var k = VmFixture.Kernel(freePages: 8, config: mutated ? KernelConfig.Fixed.With(Switches.PromoteSkipsSlotRecheck) : null);
        var self = VmFixture.Actor(k);
        var s = FileSpace(k);
        Touch(k, self, s, 1, write: true); // amap_copy: the entry has an amap now
        using var fault = CowFault.Touch(k, self, s, 0, write: true).GetEnumerator();
        Assert.True(fault.MoveNext());
        Assert.Equal("genfs_getpages: VOP_STRATEGY, biowait", fault.Current.Function);
        var other = PageQueues.Alloc(k)!; // another LWP's zero-fill, by hand
        var zeroFilled = AnonPager.New(k, self, other, null, null);
        zeroFilled.Lock.Release(k, self);
        s.Amap!.Add(0, zeroFilled, replace: false);
        k.Vm.PageQueueLock.Acquire(self);
        PageQueues.Unbusy(k, other);
        PageQueues.Activate(k, other);
        k.Vm.PageQueueLock.Release(self);

        if (mutated)
        {
            var panic = Assert.Throws<KernelPanicException>(() => KernelFixture.RunRest(fault));
            Assert.Contains("already in use", panic.Message);
        }
        else
        {
            var rest = KernelFixture.RunRest(fault);
            Assert.Equal(["uvm_fault: pgo_get, uvm_pageactivate", "uvm_fault: case 2, relock failed, ReFault", "uvm_fault: case 1A, pmap_enter"], rest);
            Assert.False(s.Uobj!.PageAt(0)!.Busy);
        }
    }
}
