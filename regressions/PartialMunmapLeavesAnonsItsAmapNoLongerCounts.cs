using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// wiperange-slots-walk-1999: amap_wiperange() of uvm_amap.c 1.20 (1999) walks am_slots when the
/// range is at least as long as am_nused: <c>lcv = 0; stop = amap-&gt;am_nused; for (; lcv &lt; stop;
/// lcv++) { curslot = amap-&gt;am_slots[lcv]; if (curslot &lt; slotoff || curslot &gt;= stop) continue;
/// ...}</c>. It compares the slot number with a count, and as each removal moves the last slot in
/// use into the place it empties, the loop steps past that slot. The OpenBSD copy of 1.27 (2000)
/// and 1.82.16.2 (2007) test <c>curslot &gt;= slotend</c> (slotoff + slots) and drop <c>stop</c>
/// instead of advancing: the default kernel.
///
/// Setup (scenario cow-partial): a process of 4 pages writes pages 2 and 3 (am_slots = 2, 3;
/// am_nused 2), forks, and munmap()s pages 2-3, then page 0, and faults on page 1; its child reads
/// and writes the pages.
///
/// Interleaving: the munmap() of pages 2-3 clips the entry (amap_splitref(): ppref at am_ref for
/// every slot, am_ref + 1) and its amap_unref() after the unlock drops slots 2-3 by one. Their
/// count reaches 0 there if the child has already copied the amap (its first write: amap_copy()
/// drops its reference before the split, so the split finds am_ref 1), else later, at the child's
/// amap_copy() (its own amap_pp_adjref(-1), under the child's map lock) or exit. Then
/// amap_wiperange(2, 2) walks am_slots: slot 2 or 3 is at or above am_nused (2) and is skipped, or
/// is swapped into the place the other left and the loop steps past it. The shrunk counterexample
/// needs no fork: write(3), munmap(2,2).
///
/// Violated: AmapPprefCountsItsEntries: an anon stays in a slot no entry covers, its an_ref still
/// counting the slot, until the whole amap goes (a leak while the amap lives; at worst, with a
/// stale am_slots entry naming an emptied slot, a NULL anon's an_lock).
/// </summary>
public sealed class PartialMunmapLeavesAnonsItsAmapNoLongerCounts
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// wiperange-slots-walk-1999 --seed S [--engine coyote]</c>): in-process 9, 5, 2, 21, 7, 9, 4, 3,
    /// 2, 2; Coyote 2, 6, 7, 18, 12, 8, 2, 10, 5, 10 (worst 21; session 37).
    /// </summary>
    private const int Budget = 60;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["wiperange-slots-walk-1999"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void WiperangeOf1999LeavesAnAnonInAnUncoveredSlot(EngineKind engine)
    {
        Search.AssertFound("cow-partial", KernelOfTheText, Budget, "invariant AmapPprefCountsItsEntries", engine, cx =>
        {
            Assert.Contains("no entry covers it", cx.Violation.Message);
        });
    }

    /// <summary>The committed counterexample (shrunk: write(3) munmap(2,2), six steps) replays to the same violation.</summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("cow-partial-wiperange-slots-walk-1999-AmapPprefCountsItsEntries-seed0.json", "invariant AmapPprefCountsItsEntries");
    }

    /// <summary>The walk with slotend and stop-- survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void WiperangeWithSlotendSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("cow-partial", Budget, engine);
    }
}
