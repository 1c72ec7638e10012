using Uvm.Model;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// <para><b>Reaper design (exit rework, 2004), model mutation <c>exit-reaper-before-switch</c>:
/// the reaper frees the u-area of an LWP still running on it.</b> Not a historical PR: it reverses
/// the ordering rule of the design before the rework (kern_exit.c rev 1.121), where the MD
/// cpu_exit() calls exit2() — which queues the process on deadprocs and the LWP on deadlwp and
/// wakes the reaper — only after switching to the idle PCB. The mutation calls it before.</para>
/// <para><i>Setup</i> (scenario <c>exit-reaper</c>): the <c>exit-reaperless</c> storm with the
/// reaper design: no u-area cache; the reaper thread frees u-areas (uvm_lwp_exit: uvm_km_free)
/// and vmspaces, then marks the process SZOMB.</para>
/// <para><i>Interleaving</i> (pinned schedule): <c>cpu0: lwp_exit</c> (an LWP that is not its
/// process's last); <c>cpu0: lwp_exit2</c> (the mutation, before <c>cpu_exit</c>) queues it on
/// deadlwp and wakes the reaper; <c>reaper: cpu_wait</c> takes it and <c>reaper: uvm_km_free:
/// u-area</c> frees the u-area cpu0 still runs on.</para>
/// <para><i>Violated invariant</i>: <c>UareaIsNeverFreedOrReusedWhileItsLwpRuns</c>.</para>
/// </summary>
[Trait("PR", "exit rework (2004)")]
public sealed class ReaperFreesTheUareaOfARunningLwp
{
    /// <summary>Per seed: measured median 1, worst 2 schedules to the invariant over the 10 seeds; 10 leaves room.</summary>
    private const int Budget = 10;

    private static readonly KernelConfig Mutated = Switches.Configure(["exit-reaper-before-switch"]);

    /// <summary>The reaper design with every mutation off.</summary>
    private static readonly KernelConfig Fixed = new() { ExitDesign = ExitDesign.Reaper };

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void MutatedKernelLetsTheReaperFreeARunningLwpsUarea(EngineKind engine)
    {
        Search.AssertFound("exit-reaper", Mutated, Budget, "invariant UareaIsNeverFreedOrReusedWhileItsLwpRuns", engine);
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("exit-reaper", Budget, engine, Fixed);
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug exit-reaper-before-switch</c> (seed 0, schedule 1, co-shrunk:
    /// workload size 24 -> 6, steps 43 -> 15). Re-pinned when kernel threads took a CPU to run (issue 17 item 5): the
    /// pagedaemon, proc0, aiodoned, the reaper and init now wait on the run queue for a CPU, which
    /// changed every schedule's steps; the interleaving of the story is the same. It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [invariant UareaIsNeverFreedOrReusedWhileItsLwpRuns] A u-area is never
    /// freed or given to another LWP while a CPU still runs its LWP on it. Violated: cpu1 runs lwp 1 on
    /// u-area 1, which uvm_km_free() has freed. After reaper: uvm_km_free: u-area.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("exit-reaper-exit-reaper-before-switch-UareaIsNeverFreedOrReusedWhileItsLwpRuns-seed0.json", "invariant UareaIsNeverFreedOrReusedWhileItsLwpRuns");
    }
}
