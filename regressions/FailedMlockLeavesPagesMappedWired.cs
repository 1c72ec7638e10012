using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// wire-failure-leaves-pmap-wired, found by this checker once the wiring paths were read against
/// uvm_fault.c 1.47 and 1.113 and uvm_map.c 1.86 and 1.335 (docs/fidelity.md, "Found by the
/// checker"). When a wiring fault of uvm_map_pageable()'s pass 2 fails, uvm_fault_wire() calls
/// uvm_fault_unwire(map, start, va), whose loop does <c>if (VM_MAPENT_ISWIRED(entry) == 0)
/// pmap_unwire(pmap, va); ... uvm_pageunwire(pg)</c> while the entry's wired_count is still 1 from
/// pass 1: the pages it wired are unwired, their mappings stay PMAP_WIRED. uvm_map_pageable() then
/// only drops the failed entry's wired_count (vm_map_upgrade(), which leaves the timestamp alone).
/// Every stored text through 2015 has both loops; no fix was found. The default kernel, once wired_count is
/// dropped, unwires every wired mapping of the entry (another LWP's fault during pass 2 entered its
/// page PMAP_WIRED too), and moves the timestamp.
///
/// Setup (scenario cow-wire-eio): a process writes its 3 pages and mlock()s them while another
/// process fills memory; the second pageout to complete fails with EIO.
///
/// Interleaving: the pagedaemon pages out two of the process's pages and the write of one fails
/// (uvm_swap_markbad(): its anon's slot becomes SWSLOT_BAD); pass 2 reads the first page back in
/// and wires it, and the wiring fault of the page with the bad slot fails (EIO); the unwind leaves
/// the first page mapped wired with wire_count 0.
///
/// Violated: WireCountEqualsWiredMappings, the model's count of wired mappings against wire_count;
/// nothing of this bug's own. In the kernel the pmap's wired count (pmap_wired_count(), which
/// sys_mlock() checks against RLIMIT_MEMLOCK) stays up until the mapping goes.
/// </summary>
public sealed class FailedMlockLeavesPagesMappedWired
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// cow-wire-eio --bug wire-failure-leaves-pmap-wired --seed S [--engine coyote]</c>): in-process
    /// 1, 13, 7, 2, 12, 18, 3, 17, 21, 12; Coyote 28, 4, 3, 18, 3, 7, 4, 40, 13, 22 (worst 40).
    /// </summary>
    private const int Budget = 200;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["wire-failure-leaves-pmap-wired"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheUnwindLeavesAPageMappedWiredWithNoWiring(EngineKind engine)
    {
        Search.AssertFound("cow-wire-eio", KernelOfTheText, Budget, "invariant WireCountEqualsWiredMappings", engine, cx =>
        {
            Assert.Contains("wire_count is 0 but 1 wired mapping(s) map it", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s cow-wire-eio --bug wire-failure-leaves-pmap-wired</c>
    /// (seed 0, schedule 1, co-shrunk: workload size 15 -> 10, steps 64 -> 34): the pagedaemon
    /// starts the pageouts of pages 0 and 1 (steps 21, 24); mlock()'s pass 1 wires the entry (22)
    /// and its first wiring fault waits for page 0's pageout (23); the second write fails (27: page
    /// 1's anon gets SWSLOT_BAD); page 0 is read back and wired (29, 30); the fault of page 1 fails
    /// (32); the unwind leaves page 0 mapped wired with wire_count 0 (33). It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [invariant WireCountEqualsWiredMappings] ... Violated: vmspace of cow1 maps page 0 wired to page 3 of anon 2, whose wire_count is 0 but 1 wired mapping(s) map it. After cow1: uvm_map_pageable: wiring failed, wired_count--.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("cow-wire-eio-wire-failure-leaves-pmap-wired-WireCountEqualsWiredMappings-seed0.json", "invariant WireCountEqualsWiredMappings", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Thread == "aiodoned" && s.Function == "uvm_aio_aiodone");
            Assert.Equal("uvm_map_pageable: wiring failed, wired_count--", replay.Steps[^1].Function);
        });
    }

    /// <summary>The default kernel (the unwind unwires every wired mapping of the entry) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void UnwindThatUnwiresTheMappingsSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("cow-wire-eio", Budget, engine);
    }
}
