using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>
/// The pool half of the lock-discipline detector (model/Pool/Pool.cs): a step that changes a
/// pool's lists, counts or page headers holds its pr_slock, which is taken and dropped inside one
/// step, so no other check of the model can see an unlocked change (subr_pool.c 1.101: "don't
/// modify fields protected by the pool lock without actually holding it").
/// </summary>
public sealed class PoolDisciplineTests
{
    private static Kernel PooledKernel()
    {
        var k = new Kernel(KernelConfig.Fixed);
        k.Uvmexp.Free = 4;
        PhysMem.Boot(k, 4);
        k.Pools.Enabled = true;
        return k;
    }

    [Fact]
    public void AnItemTakenWithoutPrSlockIsALockDisciplineViolation()
    {
        var k = PooledKernel();
        var pp = k.Pools.Proc;
        var t = new PathThread(k, "fork", self => pp.TakeItem());

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal(Detector.LockDiscipline, e.Detector);
        Assert.StartsWith("lock pr_slock(procpl) of pool lists and counts (procpl) not held by fork in ", e.Detail);
    }

    [Fact]
    public void AnItemTakenUnderPrSlockPasses()
    {
        var k = PooledKernel();
        var pp = k.Pools.Proc;
        int page = k.Pools.AllocPage(k, pp)!.Value;
        int? item = null;
        var t = new PathThread(k, "fork", self =>
        {
            pp.Lock.Acquire(self);
            pp.PrimePage(page);
            item = pp.TakeItem();
            pp.Lock.Release(k, self);
        });

        t.Advance();

        Assert.NotNull(item);
        Assert.Equal(1, pp.NOut);
    }

    [Fact]
    public void WithTheDetectorsOffNothingIsChecked()
    {
        var k = new Kernel(KernelConfig.Fixed with { Detectors = false });
        var pp = k.Pools.Proc;
        var t = new PathThread(k, "fork", self => pp.TakeItem());

        t.Advance();

        Assert.Null(pp.CurPage);
    }

    /// <summary>A thread whose one step runs <paramref name="step"/>.</summary>
    private sealed class PathThread(Kernel k, string name, Action<KernelThread> step) : KernelThread(k, name)
    {
        protected override IEnumerable<Step> Body()
        {
            step(this);
            yield return Step.Ran(Name);
        }
    }
}
