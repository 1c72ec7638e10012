using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// anon-pagein-frees-slot-zero, found by this checker once swapctl -d ran against processes' anon
/// memory (scenario anon-swapoff; docs/fidelity.md, "Found by the checker"): the anon twin of PR
/// kern/22752. Kernel: anon_pagein() of uvm_anon.c (the 2002 and 2006 texts) ends
/// <c>uvm_swap_free(anon-&gt;an_swslot, 1); anon-&gt;an_swslot = 0;</c> unchecked, after
/// uvmfault_anonget() may have slept with the anon unlocked. The 2008 text (uvm_anon_pagein())
/// checks <c>if (anon-&gt;an_swslot &gt; 0)</c>; the default kernel does.
///
/// Setup (scenario anon-swapoff): a process writes 3 anon pages in 3 pages of memory; the
/// pagedaemon pages them out to the one swap slot, which is then full; swapctl -d and -a run twice.
///
/// Interleaving: swapctl -d waits in anonget for anon 1's page, busy in pageout; the process faults
/// the page back in; the pagedaemon, short of swap (every slot in use, not all only in swap), frees
/// the slot of the now resident page (uvmpd_scan()'s swap_shortage: <c>uvm_swap_free(anon-&gt;an_swslot, 1);
/// anon-&gt;an_swslot = 0</c>); swapctl relocks the anon, finds the page resident and frees slot 0.
///
/// Violated: uvm_swap_free(0, 1) panics (swapdrum_getsdp(0) == NULL), as in PR kern/22752.
/// </summary>
public sealed class SwapOffFreesSlotZeroOfAnAnon
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// anon-pagein-frees-slot-zero --seed S [--engine coyote]</c>): in-process 120, 22, 38, 115, 169,
    /// 6, 270, 8, 8, 125; Coyote 157, 2, 38, 13, 64, 9, 13, 2, 8, 54 (worst 270).
    /// </summary>
    private const int Budget = 600;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["anon-pagein-frees-slot-zero"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void SwapOffFreesSlotZero(EngineKind engine)
    {
        Search.AssertFound("anon-swapoff", KernelOfTheText, Budget, "panic uvm_swap_free", engine, cx =>
        {
            Assert.Contains("uvm_swap_free(0, 1)", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug anon-pagein-frees-slot-zero</c> (seed 0,
    /// schedule 120, co-shrunk: workload size 10 -> 7, steps 62 -> 32): swapctl waits for the busy
    /// page at step 19, the process faults it back at 22-23, the pagedaemon drops its slot at 27, and
    /// swapctl frees slot 0 at 31:
    /// <code>
    /// BUG FOUND in schedule 120: [panic uvm_swap_free] panic: uvm_swap_free: swapdrum_getsdp(0) == NULL:
    /// KASSERT(sdp != NULL) failed (uvm_swap_free(0, 1)) (in swapctl)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("anon-swapoff-anon-pagein-frees-slot-zero-uvm_swap_free-seed0.json", "panic uvm_swap_free");
    }

    /// <summary>The default kernel (the 2008 check) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelWithTheCheckSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("anon-swapoff", Budget, engine);
    }
}
