using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Tests.Model;

/// <summary>
/// The sleep-with-spin-lock detector (KernelThread.AssertMaySleep, model/Core/LockKind.cs): a step
/// that ends asleep, or where the kernel may sleep, with a simplelock or a spinlockmgr lock held is
/// a violation, as mi_switch()'s simple_lock_switchcheck()/spinlock_switchcheck() and
/// pool_get(PR_WAITOK)'s simple_lock_only_held() make it; a spin for a lock and a sleep lock held
/// across a sleep are not. Each step runs through <see cref="KernelThread.Advance"/>.
/// </summary>
public sealed class SleepWithSpinLockTests
{
    private static readonly WaitChannel Chan = new("&uvmexp.free");

    [Fact]
    public void SleepingWithASimpleLockHeldIsAViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var anon = new Anon(1, k);
        var t = new Path(k, self => Sleep(k, anon.Lock, self, keep: true));

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal(Detector.SleepWithSpinLock, e.Detector);
        Assert.Equal("path sleeps on &uvmexp.free in uvm_wait holding spin lock an_lock of anon 1", e.Detail);
    }

    [Fact]
    public void SleepingAfterTheUnlockIsClean()
    {
        var k = KernelFixture.WithLwps(1);
        var anon = new Anon(1, k);
        var t = new Path(k, self => Sleep(k, anon.Lock, self, keep: false));

        var step = t.Advance();

        Assert.Equal(StepKind.Sleep, step.Kind);
    }

    [Fact]
    public void HoldingASpinlockmgrLockWhereTheKernelMaySleepIsAViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var t = new Path(k, self => MaySleep(k.ProcListLock, self));

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal("path may sleep in pool_get holding spin lock proclist_lock", e.Detail);
    }

    [Fact]
    public void ASleepLockMayBeHeldAcrossASleep()
    {
        var k = KernelFixture.WithLwps(1);
        var t = new Path(k, self => Sleep(k, k.KernelMapLock, self, keep: true));

        Assert.Equal(StepKind.Sleep, t.Advance().Kind);
        Assert.Equal(t, k.KernelMapLock.Owner);
    }

    [Fact]
    public void SpinningForALockWhileHoldingAnotherIsClean()
    {
        var k = KernelFixture.WithLwps(1);
        var obj = new AObj(1, 1, noSwap: true, "aobj 1", k.Versions, k);
        var anon = new Anon(1, k);
        anon.Lock.Acquire(new KernelFixture.TestThread(k));
        var t = new Path(k, self => SpinFor(obj.Lock, anon.Lock, self));

        var step = t.Advance();

        Assert.Equal(StepKind.Sleep, step.Kind);
        Assert.True(step.Channel.Spin);
        Assert.Equal(t, obj.Lock.Owner);
    }

    [Fact]
    public void PoolGetWaitOkChecksOnEntryEvenWhenAnItemIsFree()
    {
        var k = KernelFixture.WithLwps(1);
        var anon = new Anon(1, k);
        var pool = new Uvm.Model.Pool.Pool("testpl", itemsPerPage: 1, offPageHeaders: true);
        var t = new Path(k, self => PoolGetLocked(k, pool, anon.Lock, self));

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal("path calls pool_get(PR_WAITOK) holding spin lock an_lock of anon 1", e.Detail);
    }

    [Fact]
    public void DetectorsOffLeaveTheSleepAlone()
    {
        var k = KernelFixture.WithLwps(1);
        k.Discipline.On = false;
        var anon = new Anon(1, k);
        var t = new Path(k, self => Sleep(k, anon.Lock, self, keep: true));

        Assert.Equal(StepKind.Sleep, t.Advance().Kind);
    }

    [Fact]
    public void SwitchingAnLwpOutWhileItsCpuHoldsASpinLockIsAViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var cpu = new KernelFixture.TestThread(k);
        new Anon(1, k).Lock.Acquire(cpu);

        var e = Assert.Throws<DetectorViolationException>(() => Uvm.Model.Sched.Tsleep.SleepLwp(k, cpu, k.Cpus[0], k.Lwps[0], Chan));

        Assert.Equal("test switches from lwp 1 asleep on &uvmexp.free holding spin lock an_lock of anon 1", e.Detail);
    }

    [Fact]
    public void AnLwpAsleepWithASleepLockKeepsItUntilACpuRunsItAgain()
    {
        // fork's uvm_km_alloc() sleeps in uvm_wait() with kernel_map locked (uvm_mapent_alloc).
        var k = KernelFixture.WithLwps(1);
        var cpu0 = new KernelFixture.TestThread(k);
        var cpu1 = new KernelFixture.TestThread(k);
        var l = k.Lwps[0];
        k.KernelMapLock.Acquire(cpu0);

        Uvm.Model.Sched.Tsleep.SleepLwp(k, cpu0, k.Cpus[0], l, Chan);

        Assert.True(k.KernelMapLock.Held);
        Assert.Null(k.KernelMapLock.Owner);
        Assert.Same(l, k.KernelMapLock.ParkedWith);
        Assert.False(k.KernelMapLock.TryAcquire(cpu1));
        Assert.Throws<KernelPanicException>(() => k.KernelMapLock.Release(k, cpu0));

        cpu1.UnparkLocks(l);

        Assert.Same(cpu1, k.KernelMapLock.Owner);
        Assert.Null(k.KernelMapLock.ParkedWith);
        k.KernelMapLock.Release(k, cpu1);
        Assert.False(k.KernelMapLock.Held);
    }

    [Fact]
    public void ExitingWithASpinLockHeldIsAViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var anon = new Anon(1, k);
        var t = new Path(k, self => ExitHolding(anon.Lock, self));

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal("path exits in kthread_exit holding spin lock an_lock of anon 1", e.Detail);
    }

    [Fact]
    public void AStepThatMaySleepAndThenSpinsIsStillChecked()
    {
        var k = KernelFixture.WithLwps(1);
        var anon = new Anon(1, k);
        var other = new Anon(2, k);
        other.Lock.Acquire(new KernelFixture.TestThread(k));
        var t = new Path(k, self => MaySleepThenSpin(anon.Lock, other.Lock, self));

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal("path may sleep in alloc holding spin lock an_lock of anon 1", e.Detail);
    }

    private static IEnumerable<Step> ExitHolding(SimpleLock l, KernelThread self)
    {
        l.Acquire(self);
        yield return Step.Exit("kthread_exit");
    }

    private static IEnumerable<Step> MaySleepThenSpin(SimpleLock held, SimpleLock busy, Path self)
    {
        held.Acquire(self);
        self.MarkMaySleep();
        yield return Step.Sleep("alloc", busy.Channel);
    }

    private static IEnumerable<Step> Sleep(Kernel k, SimpleLock l, KernelThread self, bool keep)
    {
        l.Acquire(self);
        if (!keep) l.Release(k, self);
        yield return Step.Sleep("uvm_wait", Chan);
    }

    private static IEnumerable<Step> MaySleep(SimpleLock l, Path self)
    {
        l.Acquire(self);
        self.MarkMaySleep();
        yield return Step.Ran("pool_get");
    }

    private static IEnumerable<Step> SpinFor(SimpleLock want, SimpleLock held, KernelThread self)
    {
        want.Acquire(self);
        foreach (var s in Locks.Take(held, self, "uvmfault_lockanon")) yield return s;
    }

    private static IEnumerable<Step> PoolGetLocked(Kernel k, Uvm.Model.Pool.Pool pool, SimpleLock l, KernelThread self)
    {
        l.Acquire(self);
        foreach (var s in Uvm.Model.Pool.PoolOps.Get(k, () => self, pool, waitOk: true, _ => { })) yield return s;
    }

    /// <summary>A kernel thread that runs one path.</summary>
    private sealed class Path(Kernel k, Func<Path, IEnumerable<Step>> path) : KernelThread(k, "path")
    {
        public void MarkMaySleep() => MaySleep();

        protected override IEnumerable<Step> Body() => path(this);
    }
}
