using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Vm;

namespace Uvm.Tests.Model;

/// <summary>
/// The lock-discipline and use-after-free detectors (model/Core/Discipline.cs): accessors of
/// protected fields check the lock during a step, racy reads see a prefix of the last critical
/// section, and a freed LWP is poisoned. Each step runs through <see cref="KernelThread.Advance"/>,
/// as the explorer runs it, so that <see cref="Kernel.Running"/> is set.
/// </summary>
public sealed class DisciplineTests
{
    [Fact]
    public void WritingLStatWithoutSchedLockIsALockDisciplineViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        var t = new OneStep(k, "cpu", () => l.Stat = LwpStat.Sleep);

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal(Detector.LockDiscipline, e.Detector);
        Assert.StartsWith("lock sched_lock of l_stat (lwp 1) not held by cpu in ", e.Detail);
        Assert.EndsWith("l_stat written while nobody holds it", e.Detail);
    }

    [Fact]
    public void WritingAMapEntryAnotherThreadHasBusyIsAViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var space = Uvm.Model.Threads.CowProcess.NewSpace("p", 1, k.Versions, k.Discipline);
        var wirer = new KernelFixture.TestThread(k);
        space.Busy = true; // uvm_map_pageable()'s vm_map_busy(), by the wiring thread
        space.BusyOwner = wirer;
        var t = new OneStep(k, "protect", () => space.EntryWritable = false);

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal(Detector.LockDiscipline, e.Detector);
        Assert.StartsWith("lock VM_MAP_BUSY of EntryWritable (vmspace of p) not held by protect in ", e.Detail);
        var own = new OneStep(k, "unbusied", () => space.EntryWritable = false);
        space.BusyOwner = null;
        own.Advance();
        Assert.False(space.EntryWritable);
    }

    [Fact]
    public void WritingLStatUnderSchedLockIsClean()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        OneStep? t = null;
        t = new OneStep(k, "cpu", () =>
        {
            k.SchedLock.Acquire(t!);
            l.Stat = LwpStat.Sleep;
            k.SchedLock.Release(t!);
        });

        t.Advance();

        Assert.Equal(LwpStat.Sleep, l.Stat);
    }

    [Fact]
    public void ReadingAFieldHeldByAnotherThreadIsAViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        var holder = new KernelFixture.TestThread(k);
        k.SchedLock.Acquire(holder);
        var t = new OneStep(k, "swapper", () => _ = l.InMemory);

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Contains("L_INMEM read while test holds it", e.Detail);
    }

    [Fact]
    public void DetectorsOffCheckNothing()
    {
        var k = KernelFixture.WithLwps(1, config: KernelConfig.Fixed with { Detectors = false });
        var l = k.Lwps[0];
        var t = new OneStep(k, "cpu", () => l.Stat = LwpStat.Sleep);

        t.Advance();

        Assert.Equal(LwpStat.Sleep, l.Stat);
    }

    [Theory]
    [InlineData(new[] { 0, 0 }, LwpStat.Sleep, false, new[] { 2, 2 })] // sees both stores
    [InlineData(new[] { 0, 1 }, LwpStat.Sleep, true, new[] { 2, 2 })]  // sees the first store only
    [InlineData(new[] { 1 }, LwpStat.Run, true, new[] { 2 })]           // sees neither: L_INMEM has one value left
    public void RacyReadSeesAPrefixOfTheLastCriticalSection(int[] answers, LwpStat stat, bool inMemory, int[] asked)
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        OneStep? writer = null;
        writer = new OneStep(k, "cpu", () =>
        {
            k.SchedLock.Acquire(writer!);
            l.Stat = LwpStat.Sleep;
            l.InMemory = false;
            k.SchedLock.Release(writer!);
        });
        (LwpStat, bool) seen = default;
        var reader = new OneStep(k, "swapper", () => seen = (l.RacyStat("test"), l.RacyInMemory("test")));
        writer.Advance();
        var choice = new Scripted(answers);
        k.Choice = choice;

        reader.Advance();

        Assert.Equal((stat, inMemory), seen);
        // Each read asks over the values the prefixes still possible give it, and no more.
        Assert.Equal(asked, choice.Asked);
    }

    [Fact]
    public void ARacyReadWithOneValuePossibleIsNoChoice()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        OneStep? writer = null;
        writer = new OneStep(k, "cpu", () =>
        {
            k.SchedLock.Acquire(writer!);
            l.Stat = LwpStat.Run; // stores the value it already had
            l.InMemory = false;
            k.SchedLock.Release(writer!);
        });
        (LwpStat, bool) seen = default;
        var reader = new OneStep(k, "swapper", () => seen = (l.RacyStat("test"), l.RacyInMemory("test")));
        writer.Advance();
        var choice = new Scripted([1]);
        k.Choice = choice;

        reader.Advance();

        // l_stat reads Run whatever the prefix; only L_INMEM has two values to choose from.
        Assert.Equal((LwpStat.Run, true), seen);
        Assert.Equal([2], choice.Asked);
    }

    [Fact]
    public void TheWriterSeesItsOwnStores()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        var choice = new Scripted([2]);
        k.Choice = choice;
        LwpStat seen = default;
        OneStep? t = null;
        t = new OneStep(k, "cpu", () =>
        {
            k.SchedLock.Acquire(t!);
            l.Stat = LwpStat.Sleep;
            k.SchedLock.Release(t!);
            seen = l.RacyStat("test");
        });

        t.Advance();

        Assert.Equal(LwpStat.Sleep, seen);
        Assert.Empty(choice.Asked);
    }

    [Fact]
    public void TouchingAFreedLwpIsAUseAfterFree()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        var freer = new OneStep(k, "cpu0", () => l.Free("lwp_exit2"));
        var toucher = new OneStep(k, "swapper", () => _ = l.RacyStat("test"));
        freer.Advance();

        var e = Assert.Throws<DetectorViolationException>(() => toucher.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith("use after free: lwp 1 freed by cpu0 in lwp_exit2 at step 0, touched by swapper in ", e.Detail);
    }

    [Fact]
    public void TouchingAProcAfterProcFreeIsAUseAfterFree()
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Lwps[0].Proc;
        new OneStep(k, "init", () => p.Free("proc_free")).Advance();
        var toucher = new OneStep(k, "swapper", () => _ = p.Exiting);

        var e = Assert.Throws<DetectorViolationException>(() => toucher.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith("use after free: pid 1 freed by init in proc_free at step 0, touched by swapper in ", e.Detail);
        Assert.True(p.Reaped);
    }

    /// <summary>p_lwps and p_children of a freed proc: a reaper or a reparenting walk that follows a stale pointer.</summary>
    [Theory]
    [InlineData("p_lwps")]
    [InlineData("p_children")]
    public void WalkingAFreedProcsListsIsAUseAfterFree(string list)
    {
        var k = KernelFixture.WithLwps(1);
        var p = k.Lwps[0].Proc;
        new OneStep(k, "init", () => p.Free("proc_free")).Advance();
        var toucher = new OneStep(k, "reaper", () => _ = list == "p_lwps" ? p.Lwps.Count : p.Children.Count);

        var e = Assert.Throws<DetectorViolationException>(() => toucher.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith("use after free: pid 1 freed by init in proc_free at step 0, touched by reaper in ", e.Detail);
    }

    /// <summary>
    /// A page on the free list is the allocator's: a write to it (here the un-busy a path owes a
    /// page it has freed) is a use after free; uvm_pagealloc() makes it live again.
    /// </summary>
    [Fact]
    public void WritingAPageAfterUvmPagefreeIsAUseAfterFree()
    {
        var k = VmFixture.Kernel(freePages: 1);
        Page p = null!;
        new OneStep(k, "faulting cpu", () => p = PageQueues.Alloc(k)!).Advance();
        new OneStep(k, "aiodoned", () => PageQueues.Free(k, p)).Advance();
        var toucher = new OneStep(k, "aiodoned", () => PageQueues.Unbusy(k, p));

        var e = Assert.Throws<DetectorViolationException>(() => toucher.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith($"use after free: {p} freed by aiodoned in uvm_pagefree at step ", e.Detail);
        new OneStep(k, "faulting cpu", () => Assert.Same(p, PageQueues.Alloc(k))).Advance();
        new OneStep(k, "faulting cpu", () => PageQueues.Unbusy(k, p)).Advance();
    }

    [Fact]
    public void TouchingAnAnonAfterUvmAnfreeIsAUseAfterFree()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, _) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        OneStep? freer = null;
        freer = new OneStep(k, "pagedaemon", () =>
        {
            anon.Lock.Acquire(freer!); // the last reference is dropped under an_lock, as amap_wipeout() does
            anon.RefCount = 0;
            Uvm.Model.AnonPager.Free(k, freer!, anon); // uvm_pagefree()'s caller holds the owner's lock
            anon.Lock.Release(k, freer!);
        });
        freer.Advance();
        var toucher = new OneStep(k, "cpu1", () => _ = anon.SwSlot);

        var e = Assert.Throws<DetectorViolationException>(() => toucher.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith("use after free: anon 1 freed by pagedaemon in uvm_anfree at step 0, touched by cpu1 in ", e.Detail);
    }

    [Fact]
    public void TouchingAnAobjAfterUaoFreeIsAUseAfterFree()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var obj = Uvm.Model.AObjPager.Create(k, 2);
        OneStep? freer = null;
        freer = new OneStep(k, "shmctl", () =>
        {
            obj.Lock.Acquire(freer!);
            foreach (var _ in Uvm.Model.AObjPager.DetachLocked(k, freer!, obj, "shmctl(IPC_RMID)")) { }
        });
        freer.Advance();
        var toucher = new OneStep(k, "swapctl", () => _ = obj.FindSwslot(0));

        var e = Assert.Throws<DetectorViolationException>(() => toucher.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith($"use after free: {obj} freed by shmctl in uao_free at step 0, touched by swapctl in ", e.Detail);
    }

    [Fact]
    public void TouchingAnAmapAfterItsLastUnrefIsAUseAfterFree()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var amap = Uvm.Model.Cow.AmapOps.Alloc(k, 2);
        OneStep? unref = null;
        unref = new OneStep(k, "exit", () =>
        {
            foreach (var _ in Uvm.Model.Cow.AmapOps.Unref(k, unref!, amap, 0, 2)) { }
        });
        unref.Advance();
        OneStep? toucher = null;
        toucher = new OneStep(k, "fork", () => _ = amap.RefUnlocked);

        var e = Assert.Throws<DetectorViolationException>(() => toucher.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith($"use after free: {amap} freed by exit in amap_wipeout → amap_free at step 0, touched by fork in ", e.Detail);
    }

    [Fact]
    public void DroppingAnAnonReferenceWithoutAnLockIsALockDisciplineViolation()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, _) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        var t = new OneStep(k, "loan1", () => anon.RefCount--);

        var detail = LockViolation(t);

        Assert.StartsWith("lock an_lock of anon 1 of an_ref (anon 1) not held by loan1 in ", detail);
        Assert.EndsWith("an_ref read while nobody holds it", detail);
    }

    [Fact]
    public void AnAnonsFieldsUnderAnLockAreClean()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, page) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        OneStep? t = null;
        t = new OneStep(k, "loan1", () =>
        {
            anon.Lock.Acquire(t!);
            anon.RefCount++;
            anon.SwSlot = 3;
            anon.Lock.Release(k, t!);
        });

        t.Advance();

        Assert.Equal((2, 3, page), (anon.RefCount, anon.SwSlot, anon.Page));
    }

    [Fact]
    public void TheThreadThatDroppedTheLastReferenceReadsTheAnonUnlocked()
    {
        // The caller of uvm_anfree() reads and clears an_page and an_swslot without an_lock: "anon
        // must be locked or have a reference count of 0" (uvm_anon_dropswap()).
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, page) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active, slot: 2);
        int slot = -1;
        OneStep? t = null;
        t = new OneStep(k, "loan1", () =>
        {
            anon.Lock.Acquire(t!);
            anon.RefCount--;
            anon.Lock.Release(k, t!);
            slot = anon.SwSlot;
            anon.SwSlot = 0;
        });

        t.Advance();

        Assert.Equal((2, 0, page), (slot, anon.SwSlot, anon.Page));
    }

    [Fact]
    public void AnotherThreadStillNeedsAnLockOnADyingAnon()
    {
        // A dying anon stays reachable through pg->uanon until uvm_anfree() has run.
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, _) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active, slot: 2);
        OneStep? dropper = null;
        dropper = new OneStep(k, "loan1", () =>
        {
            anon.Lock.Acquire(dropper!);
            anon.RefCount--;
            anon.Lock.Release(k, dropper!);
        });
        dropper.Advance();
        var other = new OneStep(k, "pagedaemon", () => anon.SwSlot = 0);

        var detail = LockViolation(other);

        Assert.EndsWith("an_swslot written while nobody holds it", detail);
    }

    [Fact]
    public void TakingAReferenceOnAnAnonWhoseLastReferenceWentIsAUseAfterFree()
    {
        // The 2003 uvm_loanuobj() sharing branch: an_ref++ on the anon whose last borrower has just
        // dropped it to 0 and will uvm_anfree() it (docs/detectors.md, loan-shares-dying-anon).
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, _) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        OneStep? dropper = null;
        dropper = new OneStep(k, "loan2", () =>
        {
            anon.Lock.Acquire(dropper!);
            anon.RefCount--;
            anon.Lock.Release(k, dropper!);
        });
        dropper.Advance();
        OneStep? taker = null;
        taker = new OneStep(k, "loan1", () =>
        {
            anon.Lock.Acquire(taker!);
            anon.RefCount++;
            anon.Lock.Release(k, taker!);
        });

        var e = Assert.Throws<DetectorViolationException>(() => taker.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith("reference taken on a dying object: an_ref of anon 1 went from 0 to 1, set by loan1 in ", e.Detail);
    }

    [Fact]
    public void DroppingAnAmapReferenceBelowZeroIsAUseAfterFree()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var amap = Uvm.Model.Cow.AmapOps.Alloc(k, 2);
        OneStep? t = null;
        t = new OneStep(k, "exit", () =>
        {
            amap.Lock.Acquire(t!);
            amap.Ref -= 2;
            amap.Lock.Release(k, t!);
        });

        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());

        Assert.Equal(Detector.UseAfterFree, e.Detector);
        Assert.StartsWith($"reference count underflow: am_ref of {amap} went from 1 to -1, set by exit in ", e.Detail);
    }

    [Fact]
    public void ReferencesMovedOutsideAStepOrAwayFromZeroAreClean()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, _) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        anon.RefCount = 0; // boot and tests set counts freely
        anon.RefCount = 1;
        OneStep? t = null;
        t = new OneStep(k, "fork", () =>
        {
            anon.Lock.Acquire(t!);
            anon.RefCount += 2;
            anon.RefCount -= 3;
            anon.Lock.Release(k, t!);
        });

        t.Advance();

        Assert.Equal(0, anon.RefCount);
    }

    [Theory]
    [InlineData(true, false, "lock an_lock of anon 1 of loan_count (page 1 of anon 1) not held by loan1 in ")]
    [InlineData(false, true, "lock uvm.pageqlock of loan_count (page 1 of anon 1) not held by loan1 in ")]
    [InlineData(true, true, null)]
    public void ALoanCountIsModifiedUnderTheOwnersLockAndThePageQueueLock(bool pageq, bool owner, string? violation)
    {
        // uvm_page.h: loan_count "to modify: [O _and_ P]".
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, page) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        OneStep? t = null;
        t = new OneStep(k, "loan1", () =>
        {
            if (owner) anon.Lock.Acquire(t!);
            if (pageq) k.Vm.PageQueueLock.Acquire(t!);
            page.LoanCount++;
        });

        if (violation is null)
        {
            t.Advance();
            Assert.Equal(1, page.LoanCount);
            return;
        }
        var detail = LockViolation(t);
        Assert.StartsWith(violation, detail);
        Assert.EndsWith("loan_count written while nobody holds it", detail);
    }

    [Theory]
    [InlineData(false, "lock vmobjlock of aobj 1 of u_swslots (aobj 1) not held by shm1 in ")]
    [InlineData(true, null)]
    public void AnAObjsSwapSlotsAreSetUnderVmobjlock(bool locked, string? violation)
    {
        // uao_set_swslot(): "object must be locked".
        var k = VmFixture.Kernel(freePages: 2);
        var obj = AObjPager.Create(k, 2);
        OneStep? t = null;
        t = new OneStep(k, "shm1", () =>
        {
            if (locked) obj.Lock.Acquire(t!);
            obj.SetSwslot(1, 3);
        });

        if (violation is null)
        {
            t.Advance();
            Assert.Equal(3, obj.FindSwslot(1));
            return;
        }
        var detail = LockViolation(t);
        Assert.StartsWith(violation, detail);
        Assert.EndsWith("u_swslots written while nobody holds it", detail);
    }

    [Fact]
    public void LookingUpAnAObjsPageWithoutVmobjlockIsAViolation()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var obj = AObjPager.Create(k, 2);
        var t = new OneStep(k, "shm1", () => _ = obj.PageAt(0));

        var detail = LockViolation(t);

        Assert.EndsWith("memq read while nobody holds it", detail);
    }

    [Fact]
    public void FillingAnAmapSlotWithoutAmLIsAViolation()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, _) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        var amap = Uvm.Model.Cow.AmapOps.Alloc(k, 2);
        var t = new OneStep(k, "cow1", () => amap.Add(0, anon, replace: false));

        var detail = LockViolation(t);

        Assert.StartsWith("lock am_l of amap 1 of am_anon (amap 1) not held by cow1 in ", detail);
        Assert.EndsWith("am_anon written while nobody holds it", detail);
    }

    [Fact]
    public void AmapCopyReadsAmRefAndFillsItsNewAmapUnlocked()
    {
        // amap_copy(): "we are reading am_ref with the amap unlocked", then it fills the amap it has
        // just made, which no other thread can reach yet, without that amap's am_l.
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, _) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        var src = Uvm.Model.Cow.AmapOps.Alloc(k, 2);
        var fresh = Uvm.Model.Cow.AmapOps.Alloc(k, 2);
        int seen = 0;
        var t = new OneStep(k, "cow1", () =>
        {
            seen = src.RefUnlocked;
            fresh.AddWhileUnpublished(1, anon, countUsed: true);
        });

        t.Advance();

        Assert.Equal((1, 1, anon), (seen, fresh.NUsed, fresh.Lookup(1)));
    }

    [Theory]
    [InlineData(false, "lock vm_map_lock(pid 1) of map entries (pid 1) not held by mmap1 in ")]
    [InlineData(true, null)]
    public void AMapsEntriesAreLinkedAndLookedUpUnderVmMapLock(bool locked, string? violation)
    {
        // uvm_map_entry_link() and uvm_map_lookup_entry(): "map must be locked".
        var k = KernelFixture.WithLwps(1);
        var map = new Uvm.Model.Maps.VmMap("pid 1", 1, 32, topDown: true, kernel: k);
        bool inside = false;
        OneStep? t = null;
        t = new OneStep(k, "mmap1", () =>
        {
            if (locked) map.Lock.Acquire(t!);
            map.Link(null, new Uvm.Model.Maps.MapEntry(4, 6, "anon"));
            map.Lookup(5, out inside);
        });

        if (violation is null)
        {
            t.Advance();
            Assert.True(inside);
            return;
        }
        var detail = LockViolation(t);
        Assert.StartsWith(violation, detail);
        Assert.EndsWith("map entries written while nobody holds it", detail);
    }

    [Fact]
    public void LookingUpAMapEntryWithoutVmMapLockIsAViolation()
    {
        var k = KernelFixture.WithLwps(1);
        var map = new Uvm.Model.Maps.VmMap("pid 1", 1, 32, topDown: true, kernel: k);
        var t = new OneStep(k, "mmap1", () => map.Lookup(5, out _));

        var detail = LockViolation(t);

        Assert.EndsWith("map entries read while nobody holds it", detail);
    }

    [Fact]
    public void InvariantsReadFreedObjectsFreely()
    {
        var k = KernelFixture.WithLwps(1);
        var l = k.Lwps[0];
        new OneStep(k, "cpu0", () => l.Free("lwp_exit2")).Advance();

        Assert.Equal(LwpStat.Run, l.Stat); // outside a step: no thread runs, nothing is checked
    }

    /// <summary>Runs <paramref name="t"/>'s step, which must break lock discipline, and returns the violation's detail.</summary>
    private static string LockViolation(OneStep t)
    {
        var e = Assert.Throws<DetectorViolationException>(() => t.Advance());
        Assert.Equal(Detector.LockDiscipline, e.Detector);
        return e.Detail;
    }

    /// <summary>A kernel thread whose one step runs <paramref name="step"/>.</summary>
    [Fact]
    public void PageFlagsWrittenWithoutTheOwnersLockAreReported()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (anon, p) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        OneStep? locked = null;
        locked = new OneStep(k, "cpu0", () =>
        {
            anon.Lock.Acquire(locked!);
            p.Flags |= Uvm.Model.Vm.PageFlags.Clean; // uvm_page.h: flags [O]
            anon.Lock.Release(k, locked!);
        });
        locked.Advance();
        var unlocked = new OneStep(k, "cpu1", () => p.Flags &= ~Uvm.Model.Vm.PageFlags.Clean);

        var e = Assert.Throws<DetectorViolationException>(() => unlocked.Advance());

        Assert.Equal(Detector.LockDiscipline, e.Detector);
        Assert.StartsWith("lock an_lock of anon 1 of flags (page 1 of anon 1) not held by cpu1", e.Detail);
    }

    [Fact]
    public void APageRenamedWithoutItsOwnersLockIsReported()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (_, p) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        var renamer = new OneStep(k, "cpu1", () => p.Index = 3); // uvm_page.h: offset (O,P)

        var e = Assert.Throws<DetectorViolationException>(() => renamer.Advance());

        Assert.Equal(Detector.LockDiscipline, e.Detector);
        Assert.StartsWith("lock an_lock of anon 1 of offset (page 1 of anon 1) not held by cpu1", e.Detail);
    }

    [Fact]
    public void WireCountWrittenWithoutThePageQueueLockIsReported()
    {
        var k = VmFixture.Kernel(freePages: 2);
        var (_, p) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.None);
        OneStep? locked = null;
        locked = new OneStep(k, "cpu0", () =>
        {
            k.Vm.PageQueueLock.Acquire(locked!);
            p.WireCount++; // uvm_page.h: wire_count [P]
            k.Vm.PageQueueLock.Release(locked!);
        });
        locked.Advance();
        var unlocked = new OneStep(k, "cpu1", () => p.WireCount--);

        var e = Assert.Throws<DetectorViolationException>(() => unlocked.Advance());

        Assert.Equal(Detector.LockDiscipline, e.Detector);
        Assert.StartsWith("lock uvm.pageqlock of wire_count (page 1 of anon 1) not held by cpu1", e.Detail);
    }

    [Fact]
    public void APageJustAllocatedTakesItsPqflagsWithoutThePageQueueLock()
    {
        var k = VmFixture.Kernel(freePages: 2);
        Uvm.Model.Vm.Anon? anon = null;
        OneStep? faulter = null;
        faulter = new OneStep(k, "cpu0", () => anon = Uvm.Model.AnonPager.New(k, faulter!, PageQueues.Alloc(k)!, null, null)); // uvm_pagealloc(.., anon, ..): PQ_ANON under uvm.fpageqlock

        faulter.Advance();

        Assert.True(anon!.Page!.PqAnon);
    }

    [Fact]
    public void APageWrittenUnderTheLockOfItsFormerOwnerIsReported()
    {
        var k = VmFixture.Kernel(freePages: 1);
        var (first, p) = VmFixture.AnonPage(k, Uvm.Model.Vm.PageQueue.Active);
        OneStep? freer = null;
        freer = new OneStep(k, "pagedaemon", () =>
        {
            first.Lock.Acquire(freer!);
            k.Vm.PageQueueLock.Acquire(freer!);
            PageQueues.Free(k, p);
            k.Vm.PageQueueLock.Release(freer!);
            first.Lock.Release(k, freer!);
        });
        freer.Advance();
        OneStep? taker = null;
        taker = new OneStep(k, "cpu1", () =>
        {
            var second = Uvm.Model.AnonPager.New(k, taker!, PageQueues.Alloc(k)!, null, null);
            Assert.Same(p, second.Page);
            second.Lock.Release(k, taker!);
        });
        taker.Advance();
        // A path that kept the page across a sleep and relocks the anon it remembers as the owner.
        OneStep? stale = null;
        stale = new OneStep(k, "cpu0", () =>
        {
            first.Lock.Acquire(stale!);
            p.Flags |= Uvm.Model.Vm.PageFlags.Clean;
        });

        var e = Assert.Throws<DetectorViolationException>(() => stale.Advance());

        Assert.Equal(Detector.LockDiscipline, e.Detector);
        Assert.StartsWith("lock an_lock of anon 2 of flags (page 1 of anon 2) not held by cpu0", e.Detail);
    }

    private sealed class OneStep(Kernel k, string name, Action step) : KernelThread(k, name)
    {
        protected override IEnumerable<Step> Body()
        {
            step();
            yield return Step.Ran(Name);
        }
    }

    /// <summary>Answers integer choices from a script (then 0) and records the ranges asked.</summary>
    private sealed class Scripted(int[] answers) : IChoice
    {
        public List<int> Asked { get; } = [];

        public bool Boolean() => false;

        public int Integer(int maxExclusive)
        {
            Asked.Add(maxExclusive);
            return Asked.Count <= answers.Length ? answers[Asked.Count - 1] : 0;
        }
    }
}
