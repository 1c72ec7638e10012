using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Tests.Model;

/// <summary>
/// The big-lock half of the lock-discipline detector (model/Core/Discipline.cs BigLockWrite):
/// struct proc's process-context state and vm_refcnt, which the 2003-04 kernel protects by
/// kernel_lock alone, are written only by a step that holds it. Each step runs through
/// <see cref="KernelThread.Advance"/>, which decides whether the step holds the lock.
/// </summary>
public sealed class BigLockDisciplineTests
{
    [Fact]
    public void WritingPPptrWithoutTheBigLockIsALockDisciplineViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Lwps[0].Proc;
        var t = new Step1(k, "idle", needsBigLock: false, () => p.Parent = null);

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal(Detector.LockDiscipline, e.Detector);
        Assert.StartsWith($"lock kernel_lock of p_pptr ({p}) not held by idle in ", e.Detail);
        Assert.EndsWith("p_pptr written while nobody holds it", e.Detail);
    }

    [Fact]
    public void DroppingAVmspaceReferenceWhileAnotherCpuHoldsTheBigLockIsNamed()
    {
        var k = KernelFixture.WithLwps(1);
        var vm = k.Lwps[0].Proc.Vmspace;
        var holder = new Step1(k, "cpu1", needsBigLock: true, () => { });
        holder.Advance();
        k.BigLock.Holder = holder;
        var t = new Step1(k, "idle", needsBigLock: false, () => vm.RefCount++);

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.EndsWith("vm_refcnt written while cpu1 holds it", e.Detail);
    }

    [Fact]
    public void AShmAttachWithoutTheBigLockIsAViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var seg = new ShmSegment(7, AObjPager.Create(k, 1));
        var t = new Step1(k, "idle", needsBigLock: false, () => seg.Nattch++);

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.StartsWith($"lock kernel_lock of shm_nattch ({seg}) not held by idle", e.Detail);
    }

    [Fact]
    public void AStepThatTakesTheBigLockWritesTheProcessTree()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Lwps[0].Proc;
        var t = new Step1(k, "cpu0", needsBigLock: true, () =>
        {
            p.Parent = null;
            p.Exiting = true;
        });

        t.Advance();

        Assert.True(p.Exiting);
    }

    [Fact]
    public void TheClockInterruptCountsAsHoldingIt()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Lwps[0].Proc;
        var t = new Step1(k, "clock", needsBigLock: false, () => p.Exiting = true, timer: true);

        t.Advance();

        Assert.True(p.Exiting);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void NothingIsCheckedWithoutTheBigLockOrTheDetectors(bool bigLock, bool detectors)
    {
        var k = KernelFixture.WithLwps(1, config: KernelConfig.Fixed with { BigLock = bigLock, Detectors = detectors });
        var p = k.Lwps[0].Proc;
        var t = new Step1(k, "idle", needsBigLock: false, () => p.Exiting = true);

        t.Advance();

        Assert.True(p.Exiting);
    }

    [Fact]
    public void AStepThatRanWithoutTheBigLockDoesNotTakeItOverFromItsHolder()
    {
        // The reaper's unlocked list step under reaper-two-sections, or an LWP's hook step, asks to
        // keep the lock afterwards; it must spin for it at its next step instead.
        var k = KernelFixture.WithLwps(1);
        var holder = new Step1(k, "cpu1", needsBigLock: true, () => { });
        holder.Advance();
        k.BigLock.Holder = holder;
        var t = new Step1(k, "reaper", needsBigLock: false, () => { }, keeps: true);

        t.Advance();

        Assert.Same(holder, k.BigLock.Holder);
    }

    [Fact]
    public void AStepThatHeldTheBigLockKeepsItWhenStillInTheKernel()
    {
        var k = KernelFixture.WithLwps(1);
        var t = new Step1(k, "cpu0", needsBigLock: true, () => { }, keeps: true);

        t.Advance();

        Assert.Same(t, k.BigLock.Holder);
    }

    /// <summary>A kernel thread of one step, which needs the big lock or not (the idle loop, lwp_exit2()).</summary>
    private sealed class Step1(Kernel k, string name, bool needsBigLock, Action step, bool timer = false, bool keeps = false) : KernelThread(k, name)
    {
        public override bool IsTimer => timer;

        protected internal override bool NeedsKernelLock => needsBigLock;

        protected internal override bool KeepsKernelLock() => keeps;

        protected override IEnumerable<Step> Body()
        {
            step();
            yield return Step.Ran(Name);
            yield return Step.Ran(Name);
        }
    }
}
