using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// <para><b>The ordering rules of the exit rework (jdolecek, 2004-01-04; kern_exit.c, kern_lwp.c,
/// uvm_glue.c) and of the reaper design before it (kern_exit.c rev 1.121).</b> Not historical PRs:
/// each rule is reversed at its kernel site by one model mutation of the switch registry
/// (model/Switches/Exit.cs, which says the scenario and the property that must catch it), and each
/// gets the same three facts: the mutated kernel is caught on every seed within the rule's budget,
/// the fixed kernel of the same design survives the same search, and the pinned schedule replays.</para>
/// <para><i>Setup</i> (scenario <c>exit-reaperless</c>, or <c>exit-reaper</c> for the reaper
/// design): two CPUs; init and three processes that fork children (one child forks again) and wait
/// for them early, late or never; free memory below uvmexp.freetarg, so u-area wirings and proc0's
/// uvm_wait wake the pagedaemon's drain; UVM_NUAREA_MAX 1. exit1() frees its vmspace through
/// uvm_km_free(), forks allocate u-areas with uvm_km_alloc(), and drains free cached ones: all hold
/// kernel_map's lock across a step. The reaper design has no u-area cache: the reaper thread frees
/// u-areas and vmspaces, then marks the process SZOMB.</para>
/// </summary>
[Trait("PR", "exit rework (2004)")]
public sealed class ExitReworkOrderingRules
{
    /// <summary>
    /// One rule: the switch that reverses it; the schedules per seed, from the measured worst case
    /// over <see cref="Search.Seeds"/>; and the pinned schedule, whose interleaving the rule's
    /// comment tells.
    /// </summary>
    public sealed record Rule(string Switch, int Budget, string Pinned)
    {
        /// <summary>The registry's declaration of <see cref="Switch"/>.</summary>
        public KernelSwitch Declaration => Switches.Find(Switch)!;

        /// <summary>The kernel of the same exit design with every switch off.</summary>
        public KernelConfig Fixed => KernelConfig.Fixed with { ExitDesign = Switches.Configure([Switch]).ExitDesign };
    }

    /// <summary>
    /// uvm_lwp_exit() only links the still-wired u-area on the uvm_uareas free list, and runs in
    /// lwp_exit2(), which the MD cpu_exit() calls right after switching to the idle PCB. The mutation
    /// runs it in cpu_exit() before the switch. Measured median 1, worst 2 schedules per seed; since
    /// the exit scenarios have no swap device (no swapout walk): in-process 1, 1, 1, 2, 3, 1, 3, 1,
    /// 1, 1 and Coyote 1, 1, 1, 1, 1, 1, 1, 1, 1, 2. Since exit1()'s fdfree() may block (session 19):
    /// in-process 2, 1, 1, 1, 1, 1, 3, 1, 1, 1.
    /// Since exit1()'s pool_get() of the rusage may block (session 28): in-process 1, 3, 1, 1, 1, 1,
    /// 1, 1, 1, 1 and Coyote 1, 1, 2, 1, 3, 2, 1, 1, 1, 1.
    /// Pinned interleaving (<c>uvmcheck run --bug exit-free-uarea-before-switch --seed 0 --no-shrink</c>,
    /// schedule 1, 101 steps; re-pinned in session 28, seed 0 again having a step of the violating
    /// thread followed by another of its own, which tests/Scenarios/AlignedReplayTests.cs needs; seed
    /// 5 in sessions 19-27): cpu1: exit1 of lwp 6 (step 79), fdfree (88), frees its vmspace,
    /// cpu_lwp_free, SZOMB (97); cpu1: uvm_lwp_exit (98, in cpu_exit, after KERNEL_PROC_UNLOCK,
    /// before the switch) caches u-area 6 while cpu1 still runs on it; init: find_stopped_child
    /// (99) and uvm_uarea_drain (100) pops it to free it (in other schedules a fork1 takes it from
    /// the cache for its child); only then would cpu1: cpu_exit switch away.
    /// </summary>
    private static readonly Rule UareaCachedBeforeTheSwitchAway = new("exit-free-uarea-before-switch", 10,
        "exit-reaperless-exit-free-uarea-before-switch-UareaIsNeverFreedOrReusedWhileItsLwpRuns-seed0.json");

    /// <summary>
    /// Nothing after the switch away blocks: cpu_lwp_free() is "THE LAST BLOCKING OPERATION" and
    /// uvm_lwp_exit() only caches the u-area. The mutation frees it the pre-rework way, with
    /// uvm_km_free(), which sleeps on kernel_map's lock when another path holds it; on the idle PCB
    /// there is no LWP to put to sleep. Measured median 2, worst 4 schedules per seed; under the big
    /// lock with the process actors holding it through their calls (issue 18), in-process 5, 7, 1,
    /// 7, 12, 3, 3, 17, 5, 4 and Coyote 8, 4, 4, 3, 5, 14, 2, 5, 2, 1 (worst 17), so 25. Since the
    /// exit scenarios have no swap device: in-process 10, 1, 6, 6, 7, 2, 2, 1, 2, 13 and Coyote 2,
    /// 6, 8, 1, 2, 1, 2, 1, 5, 1 (worst 13). Since exit1()'s fdfree() may block (session 19):
    /// in-process 6, 1, 7, 2, 3, 1, 1, 1, 1, 5.
    /// Since exit1()'s pool_get() of the rusage may block (session 28): in-process 5, 1, 7, 2, 4, 3,
    /// 3, 10, 1, 1 and Coyote 2, 9, 6, 1, 2, 3, 1, 10, 7, 4.
    /// Pinned interleaving (seed 0, schedule 1, 94 steps; re-pinned twice in session 19, when the
    /// pagedaemon's and aiodoned's wakeups of the memory waiters came to reach LWPs and
    /// uvm_km_pgremove() stopped waking them itself, and when exit1()'s fdfree() came to be a point
    /// where it may block, in session 28, when exit1()'s pool_get() of the rusage did, and in
    /// session 37, when fork1()'s allocations after the child is linked did): cpu0's last LWP of
    /// pid 2, lwp 6, runs exit1 through SZOMB (step 90) and cpu_exit (91); cpu1's fork takes
    /// kernel_map in uvm_km_alloc() for the child's u-area (92); cpu0's uvm_km_free of the u-area
    /// after the switch, which runs without the big lock, finds kernel_map locked (uvm_km_free:
    /// kernel_map locked, step 93) and puts cpu0 itself to sleep.
    /// </summary>
    private static readonly Rule LwpExit2SleepsAfterTheSwitchAway = new("exit-sleep-after-switch", 25,
        "exit-reaperless-exit-sleep-after-switch-PathAfterSwitchAwayNeverSleeps-seed0.json");

    /// <summary>
    /// exit1() makes the process a zombie only after its last blocking operation (uvm_proc_exit,
    /// cpu_lwp_free), under the proclist write lock together with detaching the last LWP
    /// (L_DETACHED, off p_lwps), so that wait4()'s proc_free() never frees what that LWP still uses.
    /// The mutation sets SZOMB and wakes the parent where exit1() sets SDYING. Under the big lock
    /// (issue 18) init can take the zombie only once exit1() sleeps: in exit_lwps()' lwp_wait1 while
    /// another LWP of the process still runs. Measured over the ten seeds, with the process actors
    /// also holding the lock through their calls: in-process 84, 394, 112, 298, 223, 343, 880, 182,
    /// 171, 33; Coyote 77, 38, 70, 53, 210, 146, 6, 94, 48, 23 (worst 880; median 1 before the big
    /// lock). Since the exit scenarios have no swap device (the pagedaemon's passes no longer walk
    /// the LWPs for swapout): in-process 24, 13, 4, 15, 132, 23, 76, 38, 36, 58 and Coyote 38, 35,
    /// 29, 31, 146, 178, 178, 33, 16, 11 (worst 178). 400 leaves room. Since exit1()'s fdfree() may
    /// block (session 19): in-process 1, 1, 1, 1, 1, 2, 3, 4, 1, 2.
    /// Since exit1()'s fdfree() may block (session 19), the window no longer needs exit_lwps(): the
    /// mutated exit1 publishes the zombie before a point where the big lock goes.
    /// Since exit1()'s pool_get() of the rusage may block (session 28), the mutated publication
    /// comes after that point, at the start of the fdfree step: in-process 1, 4, 2, 1, 2, 1, 5, 2,
    /// 2, 1 and Coyote 7, 1, 2, 2, 5, 4, 1, 1, 4, 1.
    /// Since session 37 the rule's own statement judges the mutation where it happens:
    /// ZombieHasFreedItsResources (kern_exit.c 1.121 reaper(): "Once the resources are free, the
    /// process becomes a zombie") sees the SZOMB published before uvm_proc_exit(), at schedule 1 of
    /// each of the ten seeds in both engines; ZombieIsReapedOnlyAfterLastLwpSwitchedAway, which
    /// judged it at the parent's collection, keeps exit1-skips-pmap-deactivate as its mutant.
    /// Pinned interleaving (seed 0, schedule 1, 48 steps; re-pinned in sessions 28 and 37): cpu0:
    /// lwp 3 of pid 4 runs exit1 (step 46), which publishes pid 4 as a zombie in exit_lwps()'s
    /// first section (lwp_wait1, 47) while it still holds its vmspace.
    /// </summary>
    private static readonly Rule ZombieCollectedBeforeItsTeardown = new("exit-zombie-before-teardown", 400,
        "exit-reaperless-exit-zombie-before-teardown-ZombieHasFreedItsResources-seed0.json");

    /// <summary>
    /// The reaper design: the MD cpu_exit() calls exit2(), which queues the process on deadprocs and
    /// the LWP on deadlwp and wakes the reaper, only after switching to the idle PCB. The mutation
    /// calls it before. Measured median 1, worst 2 schedules per seed; under the big lock (issue 18)
    /// in-process 2, 3, 1, 3, 1, 5, 1, 2, 6, 1 and Coyote 1, 1, 1, 1, 1, 3, 1, 3, 11, 4 (worst 11), so 20.
    /// Since the exit scenarios have no swap device: in-process 5, 1, 1, 1, 3, 1, 6, 3, 4, 8 and
    /// Coyote 3, 2, 1, 2, 8, 5, 8, 3, 1, 6. Since exit1()'s fdfree() may block (session 19):
    /// in-process 2, 11, 17, 3, 1, 1, 5, 3, 2, 4 and Coyote 5, 1, 2, 7, 1, 4, 3, 3, 1, 4 (worst 17),
    /// so 40.
    /// Since exit1()'s pool_get() of the rusage may block (session 28): in-process 2, 4, 1, 8, 1, 7,
    /// 9, 1, 5, 2 and Coyote 11, 9, 1, 1, 1, 4, 19, 3, 3, 1 (worst 19). Since the reaper's
    /// uvm_lwp_exit() unwires the u-area before it frees it (session 35): in-process 6, 6, 6, 3, 1,
    /// 14, 1, 8, 3, 2 and Coyote 3, 9, 1, 4, 2, 15, 20, 6, 2, 12 (worst 20).
    /// Pinned interleaving (seed 0, schedule 9, 64 steps; re-pinned in sessions 19, 28, 35 and 37):
    /// cpu1: SDEAD of lwp 5, its process's last LWP (step 59), then exit2 (60, before cpu_exit)
    /// queues it on deadprocs/deadlwp and wakes the reaper; reaper: cpu_wait (61) takes it,
    /// uvm_fault_unwire (62), and uvm_km_free: u-area frees the u-area cpu1 still runs on (63).
    /// </summary>
    private static readonly Rule ReaperFreesTheUareaOfARunningLwp = new("exit-reaper-before-switch", 40,
        "exit-reaper-exit-reaper-before-switch-UareaIsNeverFreedOrReusedWhileItsLwpRuns-seed0.json");

    private static readonly IReadOnlyList<Rule> Rules =
        [UareaCachedBeforeTheSwitchAway, LwpExit2SleepsAfterTheSwitchAway, ZombieCollectedBeforeItsTeardown, ReaperFreesTheUareaOfARunningLwp];

    private static Rule Named(string id) => Rules.Single(r => r.Switch == id);

    /// <summary>Every rule, by its switch.</summary>
    public static TheoryData<string> RuleIds => [.. Rules.Select(r => r.Switch)];

    /// <summary>Every rule under every engine.</summary>
    public static TheoryData<string, EngineKind> RulesAndEngines
    {
        get
        {
            var data = new TheoryData<string, EngineKind>();
            foreach (var r in Rules)
                foreach (var e in Search.EngineKinds)
                    data.Add(r.Switch, e);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RulesAndEngines))]
    public void MutatedKernelIsCaughtByTheRulesProperty(string rule, EngineKind engine)
    {
        var r = Named(rule);
        Search.AssertFound(r.Declaration.Scenario, Switches.Configure([rule]), r.Budget, r.Declaration.Expected!, engine);
    }

    [Theory]
    [MemberData(nameof(RulesAndEngines))]
    public void FixedKernelSurvivesTheSameSearch(string rule, EngineKind engine)
    {
        var r = Named(rule);
        Search.AssertClean(r.Declaration.Scenario, r.Budget, engine, r.Fixed);
    }

    /// <summary>
    /// Each pinned schedule was found by <c>uvmcheck run --bug RULE --no-shrink</c>, seed 0; all
    /// four were re-pinned when the pagedaemon's swapout, scan and drain became one thread and again
    /// under the big lock held through every system call (issue 18), again when the exit scenarios
    /// lost the swapout walk (no swap device), again when exit1()'s fdfree() came to be a point
    /// where it may block (session 19), and again when its pool_get() of the rusage did (session
    /// 28), and two of them again when fork1()'s allocations after the child is linked did (session
    /// 37); the stories above follow the re-pinned schedules.
    /// </summary>
    [Theory]
    [MemberData(nameof(RuleIds))]
    public void PinnedScheduleReplaysToTheSameViolation(string rule)
    {
        var r = Named(rule);
        Search.AssertReplays(r.Pinned, r.Declaration.Expected!);
    }

    [Fact]
    public void EveryExitReworkMutationOfTheRegistryHasARule()
    {
        var mutations = Switches.All.Where(s => s.Origin == "exit rework (2004)").Select(s => s.Id);

        Assert.Equal(mutations.Order(), Rules.Select(r => r.Switch).Order());
    }
}
