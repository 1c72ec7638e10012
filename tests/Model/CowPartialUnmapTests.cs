using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>Partial munmap() of a copy-on-write entry (model/Cow/CowMapOps.cs UnmapRange): clipping, ppref, wiperange.</summary>
public sealed class CowPartialUnmapTests
{
    private static CowSpace Space(Kernel k, string name, int pages)
    {
        var s = CowProcess.NewSpace(name, pages);
        k.Vm.CowSpaceList.Add(s);
        return s;
    }

    private static void Write(Kernel k, KernelThread self, CowSpace s, int page) =>
        KernelFixture.RunAll(CowFault.Touch(k, self, s, page, write: true));

    private static string? Check(Kernel k) =>
        CowInvariants.All.Select(i => i.Check(k)).FirstOrDefault(v => v is not null);

    [Fact]
    public void MunmapOfATailFreesItsAnonsAndKeepsTheHeadMapped()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var self = VmFixture.Actor(k);
        var s = Space(k, "p", 3);
        for (int p = 0; p < 3; p++) Write(k, self, s, p);
        var amap = s.Amap!;

        var steps = KernelFixture.RunAll(CowMapOps.UnmapRange(k, self, s, 1, 2));

        Assert.Equal(["uvm_unmap: uvm_map_clip_end, uvm_unmap_remove", "amap_wiperange: an_ref--, simple_unlock(an_lock)", "amap_wiperange: an_ref--, simple_unlock(an_lock)", "uvm_unmap: uvm_unmap_detach, amap_unref"], steps.Where(l => !l.StartsWith("uvm_anfree", StringComparison.Ordinal)));
        Assert.Equal((0, 1, 0), (s.EntryStart, s.EntryEnd, s.AmapOffset));
        Assert.Equal(1, amap.Ref);
        Assert.Equal([1, 0, 0], [amap.PprefAt(0), amap.PprefAt(1), amap.PprefAt(2)]);
        Assert.Equal(1, amap.NUsed);
        Assert.Single(k.Vm.Anons);
        Assert.Null(s.MappedAnon(1));
        Assert.True(s.MappedWritable(0));
        Assert.Null(Check(k));
    }

    [Fact]
    public void MunmapOfAHeadMovesThePageoffAndFaultsIndexTheAmapPastIt()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var self = VmFixture.Actor(k);
        var s = Space(k, "p", 3);
        Write(k, self, s, 2);
        var amap = s.Amap!;
        var anon = amap.Lookup(2);

        KernelFixture.RunAll(CowMapOps.UnmapRange(k, self, s, 0, 1));
        Write(k, self, s, 1);

        Assert.Equal((1, 3, 1), (s.EntryStart, s.EntryEnd, s.AmapOffset));
        Assert.Same(anon, s.AmapAnonAt(2));
        Assert.Same(amap.Lookup(1), s.AmapAnonAt(1));
        Assert.Equal(0, amap.PprefAt(0));
        Assert.Null(Check(k));
    }

    [Fact]
    public void AfterForkTheChildsReferenceKeepsTheUnmappedTailsAnons()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var self = VmFixture.Actor(k);
        var (parent, child) = (Space(k, "p", 2), Space(k, "c", 2));
        Write(k, self, parent, 0);
        Write(k, self, parent, 1);
        KernelFixture.RunAll(CowMapOps.Fork(k, self, parent, child));
        var amap = parent.Amap!;

        KernelFixture.RunAll(CowMapOps.UnmapRange(k, self, parent, 1, 1));

        Assert.Equal(2, amap.Ref);
        Assert.Equal([2, 1], [amap.PprefAt(0), amap.PprefAt(1)]);
        Assert.Equal(2, k.Vm.Anons.Count);
        Assert.Null(Check(k));

        KernelFixture.RunAll(CowMapOps.Unmap(k, self, child, "uvmspace_free")); // slot 1 drops to 0: wiped

        Assert.Equal([1, 0], [amap.PprefAt(0), amap.PprefAt(1)]);
        Assert.Single(k.Vm.Anons);
        Assert.Null(Check(k));
    }

    [Fact]
    public void AnAnonLeftInASlotNoEntryCoversViolatesAmapPprefCountsItsEntries()
    {
        var k = VmFixture.Kernel(freePages: 4);
        var self = VmFixture.Actor(k);
        var s = Space(k, "p", 2);
        Write(k, self, s, 0);
        Write(k, self, s, 1);
        s.EntryEnd = 1; // a bad state by hand: the entry no longer covers slot 1, whose anon and count stay

        var v = CowInvariants.AmapPprefCountsItsEntries.Check(k);

        Assert.NotNull(v);
        Assert.Contains("slot 1", v);
    }
}
