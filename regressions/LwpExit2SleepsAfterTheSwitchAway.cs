using Uvm.Model;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// <para><b>Exit rework (2004), model mutation <c>exit-sleep-after-switch</c>: lwp_exit2() blocks
/// after cpu_exit() switched away.</b> Not a historical PR: it reverses the rework's rule that
/// nothing after the switch away blocks — cpu_lwp_free() is "THE LAST BLOCKING OPERATION" and
/// uvm_lwp_exit() only caches the u-area. The mutation frees it the pre-rework way, with
/// uvm_km_free(), which sleeps on kernel_map's lock when another path holds it; on the idle PCB
/// there is no LWP to put to sleep.</para>
/// <para><i>Setup</i> (scenario <c>exit-reaperless</c>): two CPUs running a fork/exit/wait storm;
/// every exit1() frees its vmspace through uvm_km_free(), forks allocate u-areas with
/// uvm_km_alloc(), and drains free cached ones: all hold kernel_map's lock across a step.</para>
/// <para><i>Interleaving</i> (pinned schedule): both CPUs finish an exit; <c>cpu1: cpu_exit</c>;
/// <c>cpu1: uvm_km_free: u-area</c> holds kernel_map in cpu1's lwp_exit2(); <c>cpu0:
/// cpu_exit</c>; <c>cpu0: uvm_km_free: kernel_map locked</c> puts cpu0 itself to sleep.</para>
/// <para><i>Violated invariant</i>: <c>PathAfterSwitchAwayNeverSleeps</c>.</para>
/// </summary>
[Trait("PR", "exit rework (2004)")]
public sealed class LwpExit2SleepsAfterTheSwitchAway
{
    /// <summary>Per seed: measured median 2, worst 4 schedules to the invariant over the 10 seeds; 10 leaves room.</summary>
    private const int Budget = 10;

    private static readonly KernelConfig Mutated = Switches.Configure(["exit-sleep-after-switch"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void MutatedKernelSleepsOnKernelMapAfterSwitchingAway(EngineKind engine)
    {
        Search.AssertFound("exit-reaperless", Mutated, Budget, "invariant PathAfterSwitchAwayNeverSleeps", engine);
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("exit-reaperless", Budget, engine);
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug exit-sleep-after-switch</c> (seed 0, schedule 2, co-shrunk:
    /// workload size 24 -> 6, steps 66 -> 32). Re-pinned when kernel threads took a CPU to run (issue 17 item 5): the
    /// pagedaemon, proc0, aiodoned, the reaper and init now wait on the run queue for a CPU, which
    /// changed every schedule's steps; the interleaving of the story is the same. It prints:
    /// <code>
    /// BUG FOUND in schedule 2: [invariant PathAfterSwitchAwayNeverSleeps] A path that runs after the
    /// exiting LWP switched away (lwp_exit2, exit2) never sleeps. Violated: cpu0 sleeps on kernel_map
    /// after switching away from lwp 1. After cpu0: uvm_km_free: kernel_map locked.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-reaperless-exit-sleep-after-switch-PathAfterSwitchAwayNeverSleeps-seed0.json", "invariant PathAfterSwitchAwayNeverSleeps");
    }
}
