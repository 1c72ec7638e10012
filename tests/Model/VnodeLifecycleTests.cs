using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>The vnode lifecycle of vfs_subr.c 1.222 (model/Pager/VnodeLifecycle.cs), stepped by hand.</summary>
public sealed class VnodeLifecycleTests
{
    private static List<string> Run(IEnumerable<Step> steps) => VmFixture.Run(steps);

    /// <summary>A vnode with one reference, as a file user's mapping holds it.</summary>
    private static AObj Referenced(Kernel k, int pages)
    {
        var vn = VnodePager.Create(k, pages);
        vn.UseCount = 1;
        k.Vm.DesiredVnodes = k.Vm.NumVnodes;
        return vn;
    }

    [Fact]
    public void TheLastVrelePutsTheVnodeOnTheFreeListAndRunsVopInactive()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = Referenced(k, 1);
        var user = VmFixture.Actor(k, "user");

        var steps = Run(VnodeLifecycle.Vrele(k, user, vn));

        Assert.Equal(["vrele: VOP_INACTIVE", "ufs_inactive: VOP_UNLOCK"], steps);
        Assert.Equal(0, vn.UseCount);
        Assert.True(vn.OnFreeList);
        Assert.Equal([vn], k.Vm.VnodeFreeList);
        Assert.False(vn.Lock.Held);
        Assert.False(vn.VnLock.Held);
    }

    [Fact]
    public void GetnewvnodeRecyclesAFreeVnodeWritingAndFreeingItsDirtyPage()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = Referenced(k, 1);
        var p = VmFixture.FaultedIn(k, vn, 0, write: true);
        var data = p.Data;
        var user = VmFixture.Actor(k, "user");
        Run(VnodeLifecycle.Vrele(k, user, vn));
        var namei = VmFixture.Actor(k, "namei");
        var got = new Out<AObj>();

        var steps = Run(VnodeLifecycle.Getnewvnode(k, namei, 7, got));

        Assert.Same(vn, got.Value);
        Assert.Equal("vclean: VXLOCK, VOP_LOCK(LK_DRAIN)", steps[0]);
        Assert.Contains("vinvalbuf: VOP_PUTPAGES", steps);
        Assert.Equal(["vclean: VOP_RECLAIM (UFS_UPDATE)", "vclean: VXLOCK cleared", "vgonel: VBAD", "getnewvnode: recycled"], steps[^4..]);
        Assert.Equal(PageQueue.Free, p.Queue);
        Assert.Null(vn.PageAt(0));
        Assert.Equal(data, Assert.Single(k.Vm.FileDisks).Blocks[0]); // the old file's disk keeps the write
        Assert.Equal(7, vn.FileId);
        Assert.Equal(1, vn.UseCount);
        Assert.False(vn.OnFreeList);
        Assert.False(vn.XLock);
        Assert.Empty(k.Vm.VnodeFreeList);
        Assert.Equal(1, k.Vm.NumVnodes);
    }

    [Fact]
    public void VgetOfAVnodeBeingCleanedSleepsWithVxwantAndFails()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = Referenced(k, 1);
        var namei = VmFixture.Actor(k, "namei");
        vn.Lock.Acquire(namei);
        vn.XLock = true;
        var ok = new Out<bool>();

        var steps = VnodeLifecycle.Vget(k, namei, vn, ok).ToList();

        Assert.Equal("vget: VXLOCK (vget)", Assert.Single(steps).Function);
        Assert.Equal(StepKind.Sleep, steps[0].Kind);
        Assert.Equal(vn.VnodeChannel, steps[0].Channel);
        Assert.False(ok.Value);
        Assert.True(vn.XWant);
        Assert.Equal(1, vn.UseCount);
    }

    [Fact]
    public void VrecycleOfAnUnlinkedFileFreesTheVnode()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 0);
        var vn = Referenced(k, 1);
        vn.Unlinked = true;
        var user = VmFixture.Actor(k, "user");

        var steps = Run(VnodeLifecycle.Vrele(k, user, vn));

        Assert.Equal("vgonel: pool_put", steps[^1]);
        Assert.True(vn.Freed);
        Assert.Empty(k.Vm.Vnodes);
        Assert.Empty(k.Vm.VnodeFreeList);
        Assert.Equal(0, k.Vm.NumVnodes);
    }
}
