using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// <para><b>PR kern/31870: uvm_swapout_threads() asserts over l_cpu of a running LWP without
/// sched_lock.</b> After the fix of PR kern/23095 the pagedaemon's walk of alllwp skipped a running
/// LWP with <c>case LSONPROC: KDASSERT(l-&gt;l_cpu != curcpu()); continue;</c>. uvm_glue.c 1.90
/// (bouyer, 2005; netbsd-2-0 ticket #5965, doc/CHANGES-2.0.4) removed it: "l_stat is protected by
/// sched_lock, which isn't held here, so we can race with that lwp starting to run and see its
/// l_cpu not updated yet, as in PR 31870. we check l_stat again in uvm_swapout() while holding
/// sched_lock, so the race itself is harmless." The default kernel runs the later walk.</para>
/// <para><i>Setup</i> (scenario <c>swapout</c>): two CPUs running three LWPs while the pagedaemon,
/// short of memory, walks alllwp.</para>
/// <para><i>Interleaving</i>: an LWP last ran on the CPU the pagedaemon now runs on; the other
/// CPU's cpu_switch() picks it (l_stat = LSONPROC, then l_cpu = that CPU, the order of i386
/// locore.s) in the step right before the pagedaemon's walk, whose unlocked reads see the first
/// store and not yet the second (racy reads see a prefix of the last section's stores,
/// docs/detectors.md): LSONPROC with l_cpu == curcpu().</para>
/// <para><i>Violated</i>: the kernel's own assertion, as the PR reports it; no invariant of this
/// bug's own.</para>
/// </summary>
[Trait("PR", "kern/31870")]
public sealed class SwapoutWalkSeesLCpuNotYetUpdated
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// pr31870 --seed S [--engine coyote]</c>): in-process 7, 20, 5, 9, 37, 4, 2, 7, 24, 11; Coyote 18,
    /// 3, 19, 55, 5, 54, 7, 6, 34, 15 (worst 55).
    /// </summary>
    private const int Budget = 100;

    private static readonly KernelConfig PreFix = Switches.Configure(["pr31870"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheWalkSeesARunningLwpOnItsOwnCpu(EngineKind engine)
    {
        Search.AssertFound("swapout", PreFix, Budget, "panic uvm_swapout_threads", engine, cx =>
            Assert.Contains("KDASSERT(l->l_cpu != curcpu())", cx.Violation.Message));
    }

    /// <summary>The walk without the assertion (uvm_glue.c 1.90) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void FixedKernelSurvivesTheSameSearch(EngineKind engine)
    {
        Search.AssertClean("swapout", Budget, engine);
    }
}
