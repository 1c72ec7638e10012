using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Tests.Model;

/// <summary>
/// The lock-order detector (model/Core/LockOrder.cs): a blocking acquire while holding a lock of
/// another class records the order; the opposite order later in the schedule is a reversal. A
/// simple_lock_try() records nothing, and two locks of one class are not ordered. Each step runs
/// through <see cref="KernelThread.Advance"/>.
/// </summary>
public sealed class LockOrderTests
{
    [Fact]
    public void TakingTwoClassesInBothOrdersIsAReversal()
    {
        var (k, anon, obj) = Kernel();
        new Path(k, "loan", self => Nest(k, self, obj.Lock, anon.Lock)).Advance();
        var t = new Path(k, "unloan", self => Nest(k, self, anon.Lock, obj.Lock));

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal(Detector.LockOrder, e.Detector);
        Assert.Equal("lock order reversal: unloan takes vmobjlock of aobj 1 while holding an_lock of anon 1, but loan took an_lock of anon 1 "
            + "while holding vmobjlock of aobj 1 at step 0: vmobjlock before an_lock there, after it here", e.Detail);
    }

    [Fact]
    public void OneOrderTwiceIsClean()
    {
        var (k, anon, obj) = Kernel();
        new Path(k, "loan", self => Nest(k, self, obj.Lock, anon.Lock)).Advance();

        Assert.Equal(StepKind.Continue, new Path(k, "loan2", self => Nest(k, self, obj.Lock, anon.Lock)).Advance().Kind);
    }

    [Fact]
    public void ATryLockAgainstTheOrderRecordsNothing()
    {
        var (k, anon, obj) = Kernel();
        new Path(k, "loan", self => Nest(k, self, obj.Lock, anon.Lock)).Advance();
        var t = new Path(k, "pagedaemon", self => TryNest(k, self, anon.Lock, obj.Lock));

        Assert.Equal(StepKind.Continue, t.Advance().Kind);
    }

    [Fact]
    public void TwoLocksOfOneClassAreNotOrdered()
    {
        var (k, anon, _) = Kernel();
        var other = new Anon(2, k);
        new Path(k, "a", self => Nest(k, self, anon.Lock, other.Lock)).Advance();

        Assert.Equal(StepKind.Continue, new Path(k, "b", self => Nest(k, self, other.Lock, anon.Lock)).Advance().Kind);
    }

    [Fact]
    public void AWaitForTheSecondLockOrdersItWhenTaken()
    {
        var (k, anon, obj) = Kernel();
        new Path(k, "loan", self => Nest(k, self, obj.Lock, anon.Lock)).Advance();
        var holder = new KernelFixture.TestThread(k);
        obj.Lock.Acquire(holder);
        var t = new Path(k, "unloan", self => NestWaiting(self, anon.Lock, obj.Lock));
        Assert.Equal(StepKind.Sleep, t.Advance().Kind); // waits for the object, an_lock held

        obj.Lock.Release(k, holder);

        Assert.Throws<DetectorViolationException>(() => t.Advance());
    }

    private static (Kernel, Anon, AObj) Kernel()
    {
        var k = KernelFixture.WithLwps(1);
        return (k, new Anon(1, k), new AObj(1, 1, noSwap: true, "aobj 1", k.Versions, k));
    }

    private static IEnumerable<Step> Nest(Kernel k, KernelThread self, SimpleLock first, SimpleLock second)
    {
        first.Acquire(self);
        second.Acquire(self);
        second.Release(k, self);
        first.Release(k, self);
        yield return Step.Ran("nest");
    }

    private static IEnumerable<Step> TryNest(Kernel k, KernelThread self, SimpleLock first, SimpleLock second)
    {
        first.Acquire(self);
        if (second.TryAcquire(self)) second.Release(k, self);
        first.Release(k, self);
        yield return Step.Ran("try");
    }

    private static IEnumerable<Step> NestWaiting(KernelThread self, SimpleLock first, SimpleLock second)
    {
        first.Acquire(self);
        foreach (var s in Locks.Take(second, self, "wait")) yield return s;
        yield return Step.Ran("nest");
    }

    /// <summary>A kernel thread that runs one path.</summary>
    private sealed class Path(Kernel k, string name, Func<KernelThread, IEnumerable<Step>> path) : KernelThread(k, name)
    {
        protected override IEnumerable<Step> Body() => path(this);
    }
}
