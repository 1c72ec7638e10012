using Uvm.Model;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Regressions;

/// <summary>
/// <para><b>PR kern/23095: swapout of an LWP running on another CPU or on the run queue; panic in
/// setrunqueue.</b> NetBSD-current of 2003, sys/uvm/uvm_glue.c before and after cl@'s fix (git
/// 3448998b; the pre-fix code as in rev 1.44.2.2, the fixed as in rev 1.93).</para>
/// <para><i>Setup</i> (scenario <c>swapout</c>): two CPUs, two processes with three LWPs that
/// compute, sleep and exit; the clock ages l_swtime; the pagedaemon, short of memory (free 2 pages,
/// a u-area is 2) and with a swap device configured, calls uvm_swapout_threads() twice; proc0
/// swaps LWPs back in once the pagedaemon has paged their unwired u-area pages out.</para>
/// <para><i>Interleaving</i>: <c>clock: schedcpu</c> makes an LWP's l_swtime positive;
/// <c>cpuN: cpu_switch</c> (or <c>preempt</c>) puts it on a CPU; <c>pagedaemon:
/// uvm_swapout_threads</c> walks alllwp without sched_lock and, pre-fix, takes the LSONPROC (or a
/// LSRUN one that a CPU then picks) as <c>outl2</c>; <c>pagedaemon: uvm_swapout</c> clears L_INMEM
/// without re-checking l_stat. The LWP now runs on a CPU with its u-area about to be unwired. Left
/// to run, it is preempted onto the run queue while non-resident, proc0 finds it LSRUN and
/// !L_INMEM, and <c>uvm_swapin</c> calls setrunqueue() on an LWP already queued: the PR's panic.</para>
/// <para><i>Violated invariant</i>: <c>OnProcLwpIsInMemory</c>; with every invariant off, the
/// model's own kernel assertion <c>panic: setrunqueue</c>.</para>
/// </summary>
[Trait("PR", "kern/23095")]
public sealed class SwapoutOfLwpRunningOnAnotherCpu
{
    /// <summary>
    /// Per seed: measured median 1, worst 4 iterations to the invariant over 20 such seeds with Coyote,
    /// median 2, worst 3 over the ten seeds with the in-process engine. Since the pagedaemon is one
    /// thread (issue 18), over the ten seeds: in-process 2 6 3 8 2 5 2 7 4 4, Coyote 2 2 2 1 2 3 1
    /// 1 6 9 (measured with <c>uvmcheck run --bug pr23095 --seed S</c>); since the scenario has a
    /// swap device, freetarg 3 and pageable u-area pages, in-process 1 1 1 1 1 3 1 2 1 1, Coyote
    /// 1 1 1 1 1 2 1 1 1 1; 20 leaves room.
    /// </summary>
    private const int Budget = 20;

    private static readonly KernelConfig PreFix = Switches.Configure(["pr23095"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void PreFixKernelRunsAnLwpWhoseUareaIsSwappedOut(EngineKind engine)
    {
        Search.AssertFound("swapout", PreFix, Budget, "invariant OnProcLwpIsInMemory", engine);
    }

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("swapout", Budget, engine);
    }

    /// <summary>
    /// With no invariant watching, the pre-fix kernel runs on until its own DIAGNOSTIC check fires,
    /// the symptom reported in the PR. With Coyote, seed 0 reached it at schedule 283 (measured); since the scenario has a swap device,
    /// at schedule 99 with Coyote and 171 in-process (measured); 2,000 leaves room.
    /// </summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void WithoutInvariantsThePreFixKernelPanicsInSetrunqueue(EngineKind engine)
    {
        var s = ScenarioCatalogue.Find("swapout")!;
        // No invariants and no detectors: the kernel's own assertion is what fires.
        var request = new RunRequest(s.Name, s.DefaultWorkload(), PreFix with { Detectors = false }, new ExploreSettings { Engine = engine, Iterations = 2000, Seed = 0 })
        {
            Properties = new Catalogue([], []),
        };

        var result = Explorer.Run(request);

        Assert.True(result.FoundBug);
        Assert.Equal("panic setrunqueue", result.Counterexample!.Violation.Id);
        Assert.Contains("already on a run queue", result.Counterexample.Violation.Message);
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run --bug pr23095</c> (seed 0, schedule 3, co-shrunk:
    /// workload size 27 -> 7, steps 12 -> 7). Re-pinned when kernel threads took a CPU to run (issue 17 item 5): the
    /// pagedaemon, proc0, aiodoned, the reaper and init now wait on the run queue for a CPU, which
    /// changed every schedule's steps; and again when the swapper's scans became the one
    /// pagedaemon's passes (issue 18): the thread is <c>pagedaemon</c>, the clock's schedcpu now
    /// comes first; the interleaving of the story is the same; and again when the big kernel lock became the
    /// default and the process actors kept it through each system call (issue 18); and again when the
    /// scenario got its swap device (schedule 1, co-shrunk: workload size 27 -> 7, steps 71 -> 7). It prints:
    /// <code>
    /// BUG FOUND in schedule 1: [invariant OnProcLwpIsInMemory] An LWP running on a CPU has its u-area
    /// resident and wired (LSONPROC implies L_INMEM). Violated: lwp 1 runs on cpu0 with L_INMEM clear
    /// and its u-area wired. After pagedaemon: uvm_swapout.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("swapout-pr23095-OnProcLwpIsInMemory-seed0.json", "invariant OnProcLwpIsInMemory");
    }
}
