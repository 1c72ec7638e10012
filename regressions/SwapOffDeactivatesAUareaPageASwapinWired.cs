using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// pagein-deactivates-wired, found by this checker once uvm_pagedeactivate() kept its panic for a
/// wired page (docs/fidelity.md, "Found by the checker"). Kernel: sys/uvm/uvm_page_i.h rev 1.8.2.1
/// (and uvm_page.c of 2005 with a KASSERT), uvm_pagedeactivate(): "caller must check to make sure
/// page is not wired", <c>panic("uvm_pagedeactivate: caller did not check wire count")</c> under
/// DIAGNOSTIC; sys/uvm/uvm_aobj.c rev 1.39.2.6 (2002), uao_pagein_page(): <c>uvm_lock_pageq();
/// uvm_pagedeactivate(pg); uvm_unlock_pageq();</c> with no test of wire_count (anon_pagein() of the
/// same era alike). The later texts test it (<c>if (pg-&gt;wire_count == 0)
/// uvm_pagedeactivate(pg)</c>, uvm_anon.c of 2008), which the default kernel runs; the revision
/// that added the test was not found.
///
/// Setup (scenario swapout-swapctl): swapout's three LWPs on two CPUs, two free pages and a swap
/// slot for each u-area page, with swapctl -d and -a run twice beside them.
///
/// Interleaving: the pagedaemon swaps an LWP out and pages its u-area's kernel_object page out to
/// swap. swapctl -d's uao_swap_off() walks kernel_object, whose page still has its slot, and its
/// uao_get() sleeps on the page, busy in the pageout. proc0's uvm_swapin() reads the page back from
/// swap and uvm_fault_wire() wires it. swapctl wakes, takes the resident page, and
/// uao_pagein_page() deactivates it: wired.
///
/// Violated: the kernel's own assertion, as a panic at uvm_pagedeactivate (without DIAGNOSTIC the
/// wired page would sit on the inactive queue, which PageIsOnExactlyOneQueueUnlessBusyOrWired
/// forbids).
/// </summary>
public sealed class SwapOffDeactivatesAUareaPageASwapinWired
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// swapout-swapctl --bug pagein-deactivates-wired --seed S [--engine coyote]</c>): in-process 4,
    /// 8, 34, 25, 22, 22, 11, 5, 8, 10; Coyote 4, 6, 2, 5, 2, 17, 4, 1, 5, 2 (worst 34).
    /// </summary>
    private const int Budget = 100;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["pagein-deactivates-wired"]);

    [Fact]
    public void TheSwitchKeepsTheBigLock() => Assert.True(KernelOfTheText.BigLock);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void SwapOffDeactivatesAPageASwapinWired(EngineKind engine)
    {
        Search.AssertFound("swapout-swapctl", KernelOfTheText, Budget, "panic uvm_pagedeactivate", engine, cx =>
        {
            Assert.Contains("of kernel_object", cx.Violation.Message);
            Assert.Contains("caller did not check wire count", cx.Violation.Message);
            Assert.Contains("(in swapctl)", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s swapout-swapctl --bug pagein-deactivates-wired</c>
    /// (seed 0, schedule 4, co-shrunk: workload size 31 -> 9, steps 61 -> 26): the pagedaemon swaps
    /// an LWP out and starts the u-area page's pageout (steps 5-9); swapctl's uao_get() sleeps on the
    /// busy page (11); aiodoned finishes the pageout (16); proc0 reads the page back and wires it
    /// (19-22); swapctl's uao_pagein_page() deactivates the wired page (25). It prints:
    /// <code>
    /// BUG FOUND in schedule 4: [panic uvm_pagedeactivate] panic: uvm_pagedeactivate: page 1 of kernel_object[2] is wired (1): caller did not check wire count (in swapctl)
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("swapout-swapctl-pagein-deactivates-wired-uvm_pagedeactivate-seed0.json", "panic uvm_pagedeactivate", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Thread == "proc0" && s.Function == "uvm_fault_wire");
            Assert.Equal("swapctl", replay.Steps[^1].Thread);
        });
    }

    /// <summary>The default kernel (the later test of wire_count) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void DefaultKernelWithTheWireTestSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("swapout-swapctl", Budget, engine);
    }
}
