using Uvm.Model.Core;

namespace Uvm.Properties;

/// <summary>
/// The cycle detector: every fair schedule of the workload's finite programs ends. A user program
/// is a finite list of system calls and the kernel's daemons sleep once they have no work
/// (<see cref="SleeperDetector"/>), so an execution a fair scheduler can run forever is a
/// livelock or a memory deadlock: a retry that waits and wakes without progress (uvm_wait()
/// woken by a pagedaemon pass that frees nothing), a scan that re-activates every page it
/// deactivates, two paths that back off from each other forever. None of these ever stops, so
/// the judging at the end (<see cref="LivenessProperty.Pending"/>) never comes and every other
/// property holds at every step; a schedule cut off by <c>--max-steps</c> only warns.
/// The engine judges it instead, on the kernel's whole state (every field of every object
/// reachable from the kernel, each thread's program position and locals, as verify's state cache
/// keys it, less the clock's readings and ages, of which only what the kernel compares is kept):
/// when a schedule is back in a state it was in, and every thread that could run at
/// some point between the two visits ran between them (strong fairness: a thread a scheduler
/// may pick infinitely often is picked), the steps between can repeat forever under a fair
/// scheduler, and the execution need never end. Subsystem <c>detector</c>: judged in every scenario.
/// </summary>
public static class CycleDetector
{
    /// <summary>Every fair schedule ends: no reachable cycle of states in which every thread that can run runs.</summary>
    public static readonly LivenessProperty EveryFairScheduleEnds = new(
        nameof(EveryFairScheduleEnds),
        "Every fair schedule of finite programs ends: no schedule comes back to a state it was in after steps in which every thread that could run ran, for those steps can repeat forever under a fair scheduler (a livelock, or a memory deadlock: a retry woken by a pass that frees nothing).",
        Detector.Subsystem,
        // An execution that ended has no cycle; the engine judges the schedules that do not end
        // (StepCore.WatchCycles), where a pending text at the end is never asked for.
        _ => null);

    /// <summary>The id of its violation: files, shrinking and replay that reach it watch for cycles.</summary>
    public static string ViolationId { get; } = Violation.IdOf(ViolationKind.Liveness, EveryFairScheduleEnds.Name);

    /// <summary>The cycle detector's property.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [EveryFairScheduleEnds];
}
