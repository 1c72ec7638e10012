using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// <para>
/// <b>Top-down uvm_map_findspace() returns space already in use</b> (NetBSD uvm_map.c, 2003, after
/// VM_MAP_TOPDOWN was added; no PR number known, and the pre-fix code is reconstructed as
/// docs/kernel-sources.md, map free-space search, says). On kernels with top-down VM, exec failed when the stack limit was
/// unlimited: the search took <c>min(hint, entry->next->start - len)</c> in the gap at the hint
/// without checking it against <c>entry->end</c>, so a gap smaller than the request gave a range
/// overlapping the entry below it.
/// </para>
/// <para>
/// <i>Setup</i> (scenario <c>exec-topdown</c>): process 1's top-down map [1,32) holds text [8,10),
/// data [10,12), ld.elf_so and the stack from a boot with an 8-page stack limit. LWP 1 execs the
/// program again under <c>ulimit -s unlimited</c> and data limit 5, so vm_maxsaddr drops to 15
/// and VM_DEFAULT_ADDRESS for the 3-page interpreter is 12, right above data. LWPs 2 and 3 each
/// mmap() and munmap() one and two pages, twice, on the same map.
/// </para>
/// <para>
/// <i>Interleaving</i> (pinned schedule): lwp1 <c>uvmspace_exec</c> (the old program is
/// unmapped, vm_maxsaddr = 15); lwp1 maps text (<c>uvm_map_findspace</c>,
/// <c>uvm_map_entry_link</c>); exec may sleep between two vmcmds (the next vmcmd's vnode work),
/// which releases the big lock (issue 18), and lwp2's mmap(2), hinted at 15 - 2 = 13, maps
/// [13,15) and returns to user mode; lwp1 maps data, then its <c>uvm_map_findspace</c> for
/// ld.elf_so starts in the 1-page gap [12,13) at its hint and takes 13 - 3 = 10 unchecked. Had
/// lwp2 mapped later, or unmapped first, the gap would have had room. (Before the big lock,
/// seed 0's schedule 2 had lwp1 and lwp3 sleep in <c>vm_map_lock</c> while lwp2 held it.)
/// </para>
/// <para>
/// <i>Violated invariant</i>: <see cref="MapInvariants.FoundSpaceIsFree"/>: [10,13) for ld.elf_so
/// intersects data [10,12). The next step would panic in uvm_map_entry_link
/// (<c>KASSERT(entry->end &lt;= va)</c>). The fixed search walks down to [5,8), below text.
/// </para>
/// </summary>
[Trait("PR", "none (uvm_map.c 2003, topdown-findspace)")]
public sealed class ExecWithUnlimitedStackMapsTheInterpreterOverData
{
    /// <summary>
    /// Schedules per seed. Over 30 seeds k * 1_000_003 (k = 0..29) the buggy kernel was caught in
    /// schedule 1 to 11 (median 2); under the big lock (issue 18) over the ten seeds in-process 3,
    /// 2, 1, 7, 4, 8, 1, 1, 5, 2 and Coyote 1, 3, 1, 3, 1, 1, 6, 1, 5, 1; so 100 leaves a margin over the worst seed seen; the fixed
    /// kernel must come through all of them. About 25 kernel steps (~100 Coyote decisions) a schedule.
    /// </summary>
    private const int Budget = 100;

    private static readonly KernelConfig Buggy = Switches.Configure(["topdown-findspace"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void PreFixExplorationFindsTheInterpreterMappedOverUsedSpace(EngineKind engine)
    {
        Search.AssertFound("exec-topdown", Buggy, Budget, "invariant FoundSpaceIsFree", engine);
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug topdown-findspace</c> (seed 0, schedule 3, co-shrunk:
    /// workload size 11 -> 3, steps 18 -> 9). Re-pinned when kernel threads took a CPU to run (issue 17 item 5): the
    /// pagedaemon, proc0, aiodoned, the reaper and init now wait on the run queue for a CPU, which
    /// changed every schedule's steps; the interleaving of the story is the same. Re-pinned again when the big kernel lock became the default and the process actors kept it
    /// through each system call (issue 18). It prints:
    /// <code>
    /// BUG FOUND in schedule 3: [invariant FoundSpaceIsFree] A range uvm_map_findspace() returns as
    /// free lies inside the map and intersects no map entry. Violated: vmspace of pid 1: [10,13) for
    /// ld.elf_so by lwp1 exec intersects [10,12) data in map [1,32) topdown: [8,10) text [10,12) data
    /// [13,15) lwp2 mmap#1. After lwp1 exec: uvm_map_findspace.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReproducesTheOverlap()
    {
        Search.AssertReplays("exec-topdown-topdown-findspace-FoundSpaceIsFree-seed0.json", "invariant FoundSpaceIsFree",
            replay => Assert.Contains("[10,13) for ld.elf_so", replay.Violation!.Message));
    }

    /// <summary>The same search, same seeds and budget, against the fixed kernel: every invariant holds.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("exec-topdown", Budget, engine);
    }
}
