using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Tests.Model;

/// <summary>
/// What the store log of the racy-read detector (model/Core/Discipline.cs) adds to a step's
/// recorded footprint, for verify's reduction (docs/verify.md, "The store log"). A racy read may
/// half-see only the section right before it, so a section that stores l_stat or L_INMEM matters
/// to whichever step comes next, and must be dependent on every step; steps that store no racily
/// read field only read the log, and commute on it.
/// </summary>
public sealed class StoreLogFootprintTests
{
    [Fact]
    public void ASectionStoringLStatIsDependentEvenOnAStepThatTouchesNothing()
    {
        // Recorded from the same state: the section stores l_stat, the other step does nothing.
        var (section, idle) = (Footprint(StoresLStat, 0), Footprint(Idle, 1));

        Assert.Contains("detectors 0 store log write", section.Describe());
        Assert.True(section.ConflictsWith(idle));

        // Why: a racy reader right after the section may half-see it (two values of l_stat), but
        // not once the idle step came between. The two orders are different states.
        Assert.Equal([2], OfferedToReader(Idle, StoresLStat));
        Assert.Empty(OfferedToReader(StoresLStat, Idle));
    }

    [Fact]
    public void StepsStoringNoRacilyReadFieldCommuteOnTheStoreLog()
    {
        var (cpuOnly, idle) = (Footprint(StoresLBack, 0), Footprint(Idle, 1));

        // l_back (on a run queue) is stored under sched_lock but read racily nowhere: its store is logged, not recorded.
        Assert.Contains("detectors 0 store log read", cpuOnly.Describe());
        Assert.Contains("detectors 0 store log read", idle.Describe());
        Assert.False(cpuOnly.ConflictsWith(idle));
        // Either order leaves a reader nothing to half-see.
        Assert.Empty(OfferedToReader(StoresLBack, Idle));
        Assert.Empty(OfferedToReader(Idle, StoresLBack));
    }

    [Fact]
    public void AStepAfterASectionStoringLStatWritesTheLogItDrops()
    {
        var k = KernelFixture.WithLwps(1);
        k.Accesses = new AccessRecorder();
        Thread(k, "cpu", StoresLStat).Advance();
        var idle = Thread(k, "idle", Idle);
        idle.Advance();

        Assert.Contains("detectors 0 store log write", k.Accesses.Take().Describe());
    }

    [Fact]
    public void ARacyReadOfAFieldNotDeclaredRacyFails()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];

        Assert.Throws<InvalidOperationException>(() => Thread(k, "reader", (_, _) => k.Discipline.Racy(l, "l_back", 0)).Advance());
    }

    /// <summary>The section of <c>setrunnable()</c>-like code: l_stat stored under sched_lock.</summary>
    private static void StoresLStat(Kernel k, KernelThread self)
    {
        k.SchedLock.Acquire(self);
        k.Lwps[0].Stat = LwpStat.Sleep;
        k.SchedLock.Release(self);
    }

    /// <summary>cpu_switch()'s store of l_cpu under sched_lock; nothing reads l_cpu racily.</summary>
    private static void StoresLBack(Kernel k, KernelThread self)
    {
        k.SchedLock.Acquire(self);
        k.Lwps[0].OnRunQueue = !k.Lwps[0].OnRunQueue;
        k.SchedLock.Release(self);
    }

    private static void Idle(Kernel k, KernelThread self) { }

    /// <summary>The accesses <paramref name="step"/> records, run as the first step of a fresh kernel (thread <paramref name="index"/> of two).</summary>
    private static AccessSet Footprint(Action<Kernel, KernelThread> step, int index)
    {
        var k = KernelFixture.WithLwps(1);
        k.Accesses = new AccessRecorder();
        Thread(k, index == 0 ? "a" : "b", step).Advance();
        return k.Accesses.Take();
    }

    /// <summary>
    /// Runs <paramref name="first"/>, then <paramref name="second"/>, then a racy reader of l_stat,
    /// and returns the number of values each of the reader's choices offered.
    /// </summary>
    private static List<int> OfferedToReader(Action<Kernel, KernelThread> first, Action<Kernel, KernelThread> second)
    {
        var k = KernelFixture.WithLwps(1);
        var offered = new Offered();
        var reader = Thread(k, "swapper", (kk, _) => kk.Lwps[0].RacyStat("test"));
        Thread(k, "first", first).Advance();
        Thread(k, "second", second).Advance();
        k.Choice = offered;
        reader.Advance();
        return offered.Counts;
    }

    private static KernelThread Thread(Kernel k, string name, Action<Kernel, KernelThread> step) => new OneStep(k, name, step);

    /// <summary>A kernel thread whose one step runs <paramref name="step"/>.</summary>
    private sealed class OneStep(Kernel k, string name, Action<Kernel, KernelThread> step) : KernelThread(k, name)
    {
        protected override IEnumerable<Step> Body()
        {
            step(Kernel, this);
            yield return Step.Ran(Name);
        }
    }

    /// <summary>Answers 0 and records how many values each choice offered.</summary>
    private sealed class Offered : IChoice
    {
        public List<int> Counts { get; } = [];

        public bool Boolean()
        {
            Counts.Add(2);
            return false;
        }

        public int Integer(int maxExclusive)
        {
            Counts.Add(maxExclusive);
            return 0;
        }
    }
}
