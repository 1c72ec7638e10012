using Uvm.Model;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// <para><b>Exit rework (2004), model mutation <c>exit-zombie-before-teardown</c>: the parent
/// collects a process whose last LWP is still tearing it down.</b> Not a historical PR: it reverses
/// the rework's rule that exit1() makes the process a zombie only after its last blocking operation
/// (uvm_proc_exit, cpu_lwp_free), under the proclist write lock together with detaching the last
/// LWP (L_DETACHED, off p_lwps), so that wait4()'s proc_free() never frees what that LWP still
/// uses. The mutation sets SZOMB and wakes the parent where exit1() sets SDYING.</para>
/// <para><i>Setup</i> (scenario <c>exit-reaperless</c>): two CPUs, init and three processes that
/// fork children and wait for them early, late or never; init collects the workload's processes
/// and the orphans.</para>
/// <para><i>Interleaving</i> (pinned schedule): <c>cpu1: exit1</c> publishes pid 4 (two LWPs) as a
/// zombie and wakes init; while cpu1 is still collecting the other LWP (<c>lwp_wait1</c>),
/// <c>init: find_stopped_child</c> finds it and <c>init: proc_free</c> frees the proc under the
/// running, still attached LWP.</para>
/// <para><i>Violated invariant</i>: <c>ZombieIsReapedOnlyAfterLastLwpSwitchedAway</c>.</para>
/// </summary>
[Trait("PR", "exit rework (2004)")]
public sealed class ZombieCollectedBeforeItsTeardown
{
    /// <summary>Per seed: measured median 1, worst 1 schedule to the invariant over the 10 seeds; 10 leaves room.</summary>
    private const int Budget = 10;

    private static readonly KernelConfig Mutated = Switches.Configure(["exit-zombie-before-teardown"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void MutatedKernelLetsTheParentFreeAProcessStillInExit1(EngineKind engine)
    {
        Search.AssertFound("exit-reaperless", Mutated, Budget, "invariant ZombieIsReapedOnlyAfterLastLwpSwitchedAway", engine);
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("exit-reaperless", Budget, engine);
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug exit-zombie-before-teardown</c> (seed 0, schedule 1, co-shrunk:
    /// workload size 24 -> 6, steps 129 -> 11). Re-pinned when kernel threads took a CPU to run (issue 17 item 5): the
    /// pagedaemon, proc0, aiodoned, the reaper and init now wait on the run queue for a CPU, which
    /// changed every schedule's steps; the interleaving of the story is the same. It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [invariant ZombieIsReapedOnlyAfterLastLwpSwitchedAway] A zombie's
    /// resources (its proc and LWP structures, its vmspace) are released only after its last LWP has
    /// switched away from them. Violated: pid 2 was collected by wait4() while its lwp 1 is still
    /// attached and OnProc on cpu0. After init: proc_free.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-reaperless-exit-zombie-before-teardown-ZombieIsReapedOnlyAfterLastLwpSwitchedAway-seed0.json", "invariant ZombieIsReapedOnlyAfterLastLwpSwitchedAway");
    }
}
