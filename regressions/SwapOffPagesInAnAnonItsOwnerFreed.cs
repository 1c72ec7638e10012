using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// anon-swap-off-unheld, found by this checker once swapctl -d ran against processes' anon memory
/// (scenario anon-swapoff; docs/fidelity.md, "Found by the checker"). Kernel: uvm_anon.c of 2002
/// (the 1.21 branch text), anon_swap_off() walks every anon, takes its an_lock and, if the slot is
/// in the range, calls anon_pagein(), whose uvmfault_anonget(NULL, NULL, anon) drops an_lock to wait
/// for a busy page and relocks it: nothing else holds the anon. With ufi == NULL anonget has no
/// amap to re-check the anon against, and anon_pagein()'s "VM_PAGER_REFAULT can only mean that the
/// anon was freed" covers only the case where anonget freed it itself. By the 2008 text the walk is
/// amap_swap_off() (uvm_amap.c), which holds the amap (AMAP_SWAPOFF) while it pages in its anons;
/// the default kernel has that effect (model/Pager/AnonPager.cs).
///
/// Setup (scenario anon-swapoff): a process writes 3 anon pages in 3 pages of memory; the
/// pagedaemon pages them out to the one swap slot; swapctl -d and -a run twice; the process exits.
///
/// Interleaving: the pagedaemon starts a pageout of anon 1's page; the process exits, and
/// amap_wipeout() drops an_ref to 0 and calls uvm_anfree(), which finds the page busy and marks it
/// PG_RELEASED (PR kern/23171's protocol: whoever un-busies it frees page and anon); swapctl -d walks
/// the anons, finds anon 1 with its slot in range, and waits for the busy page in anonget; aiodoned
/// completes the pageout and uvm_anon_release() frees the page and the anon; swapctl wakes, relocks
/// anon 1 and reads it.
///
/// Violated: the generic use-after-free detector (an anon after uvm_anon_release()), no invariant of
/// its own. In 2003-04 anons were static (the freed anon went to the free list and could be reused),
/// so the kernel went on to page a freed or reused anon in from its slot, 0 by then.
/// </summary>
public sealed class SwapOffPagesInAnAnonItsOwnerFreed
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// anon-swap-off-unheld --seed S [--engine coyote]</c>): in-process 62, 22, 84, 3, 72, 6, 15, 8,
    /// 8, 29; Coyote 9, 2, 23, 29, 1, 12, 3, 2, 8, 52 (worst 84).
    /// </summary>
    private const int Budget = 200;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["anon-swap-off-unheld"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void SwapOffTouchesTheFreedAnon(EngineKind engine)
    {
        Search.AssertFound("anon-swapoff", KernelOfTheText, Budget, "detector UseAfterFree", engine, cx =>
        {
            Assert.Contains("use after free: anon ", cx.Violation.Message);
            Assert.Contains("touched by swapctl", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug anon-swap-off-unheld</c> (seed 0, schedule
    /// 62, co-shrunk: workload size 10 -> 6, steps 46 -> 28): the pageout starts at step 15, the
    /// owner's uvm_anfree() marks the page PG_RELEASED at 20, swapctl waits for it in anonget at 24,
    /// aiodoned frees page and anon at 25, and swapctl touches the anon at 27:
    /// <code>
    /// BUG FOUND in schedule 62: [detector UseAfterFree] detector: UseAfterFree: use after free: anon 1
    /// freed by aiodoned in uvm_anon_release at step 39, touched by swapctl in Get (in swapctl)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("anon-swapoff-anon-swap-off-unheld-UseAfterFree-seed0.json", "detector UseAfterFree");
    }

    /// <summary>The default kernel (the walk holds the anon it pages in, as amap_swap_off() holds the amap) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelThatHoldsTheAnonSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("anon-swapoff", Budget, engine);
    }
}
