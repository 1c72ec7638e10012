using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Properties;
using Uvm.Scenarios;
using Uvm.Scenarios.Explain;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>
/// Issue 22, "Explain shows the cause", made exact (docs/explain.md, "Causes"): a step is a cause
/// when setting back a fact it last wrote changes the verdict, so exactly the writers of what the
/// property read are marked, and a step that wrote only other fields of the same entity is not.
/// </summary>
public sealed class ExactCauseTests
{
    private static Counterexample Committed(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Checker.sln")))
                return CounterexampleFile.Read(Path.Combine(dir.FullName, "regressions", "schedules", file));
        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>Each cause step with its facts, <c>2: lwp 1.Stat</c>.</summary>
    private static List<string> Causes(Explanation e) =>
        [.. e.Steps.Where(s => s.Causes.Count > 0).Select(s => $"{s.Index}: {string.Join(", ", s.Causes)}")];

    /// <summary>
    /// PR kern/23095: cpu_switch() (step 1) made lwp 1 LSONPROC on cpu1 (the report names l_cpu),
    /// uvm_swapout() (step 6) cleared L_INMEM. Step 6 also reset l_swtime and the clock (step 0)
    /// had set it: the invariant does not read it, so neither counts; nor does cpu1's curlwp or
    /// lwp 1's run-queue link, which step 1 also wrote. (Steps as re-pinned under the big lock, issue 18.)
    /// </summary>
    [Fact]
    public void Pr23095CausesAreTheSwitchToOnProcAndTheClearedInMem()
    {
        var e = Explanation.Of(Committed("swapout-pr23095-OnProcLwpIsInMemory-seed0.json"));

        Assert.Equal("invariant OnProcLwpIsInMemory", e.Violation!.Id);
        Assert.Equal(["1: lwp 1.Stat, lwp 1.Cpu", "6: lwp 1.InMemory"], Causes(e));
        Assert.Contains(e.Steps[6].Diff.Changes, c => c.Label == "lwp 1" && c.Fact == "SwTime");
        Assert.Contains(e.Steps[0].Diff.Changes, c => c.Label == "lwp 1" && c.Fact == "SwTime");
    }

    /// <summary>
    /// A constructed case: the same schedule judged by an invariant of the same name that reads
    /// only L_INMEM. Step 1 wrote lwp 1's l_stat, l_cpu and run-queue link (the entity the
    /// message names) but nothing this property reads, so it is not marked; under the former
    /// rule (every fact of a named entity) it was.
    /// </summary>
    [Fact]
    public void AStepThatWroteOnlyUnreadFieldsOfTheNamedEntityIsNotACause()
    {
        var inMemoryOnly = Invariant.ForAll(nameof(SchedInvariants.OnProcLwpIsInMemory), "Every LWP has L_INMEM set.", "test",
            k => k.Lwps, l => l.InMemory, l => $"{l} has L_INMEM clear");
        var e = Explanation.Of(Committed("swapout-pr23095-OnProcLwpIsInMemory-seed0.json"), new Catalogue([inMemoryOnly], []));

        Assert.Equal("invariant OnProcLwpIsInMemory", e.Violation!.Id);
        Assert.Contains("lwp 1", e.Named);
        Assert.Contains(e.Steps[1].Diff.Changes, c => c.Label == "lwp 1" && c.Fact == "Stat");
        Assert.Equal(["6: lwp 1.InMemory"], Causes(e));
    }

    /// <summary>
    /// PR kern/22752: uao_pagein_page() of swapctl -d slept on busy page 1; the fault un-busied it
    /// (step 35, pg_flags: the panicking step found it no longer busy) and the pagedaemon dropped
    /// its swap slot (step 41, u_swslots: the old slot uvm_swap_free() was handed is now 0). (Steps
    /// 41 and 44 before the file was re-pinned in session 32, when shmget() came to end a step at
    /// its malloc(); 38 and 41 before session 34's, when uao_create() came to put a new aobj at the
    /// head of uao_list.)
    /// </summary>
    [Fact]
    public void Pr22752CausesAreTheUnbusyAndTheDroppedSwapSlot()
    {
        var e = Explanation.Of(Committed("shm-swap-pr22752-uvm_swap_free-seed0.json"));

        Assert.Equal("panic uvm_swap_free", e.Violation!.Id);
        Assert.Equal(["35: page 1.Flags", "41: aobj 1.SwapSlots"], Causes(e));
        // Step 41 wrote the derived page 1.OwnerSlot too; the slot array it reads is the cause.
        Assert.Contains(e.Steps[41].Diff.Changes, c => c.Label == "page 1" && c.Fact == "OwnerSlot");
        Assert.Contains("Vm.Pages/page 1.OwnerSlot", e.CauseSearch.Unrevertable);
    }

    /// <summary>
    /// swapout-exited-lwp: uvm_swapout() (step 11) read l_addr of an LWP whose lwp_exit2() (step 10)
    /// had already cleared it, and its uvm_fault_unwire() (step 12) panics on that value. Nothing
    /// written before step 12 alone matters there (the value is the pagedaemon's own), so the state
    /// step 11 started from is tried: l_addr is the cause.
    /// </summary>
    [Fact]
    public void APanicOnAValueReadInThePreviousStepMarksItsWriter()
    {
        var e = Explanation.Of(Committed("swapout-swapout-exited-lwp-uvm_fault_unwire_locked-seed0.json"));

        Assert.Equal("panic uvm_fault_unwire_locked", e.Violation!.Id);
        Assert.Equal(["10: lwp 1.Uarea"], Causes(e));
    }

    /// <summary>A detector's counterexample found by exploring <paramref name="scenario"/> with <paramref name="bug"/> on (seed 0 finds it in a few schedules).</summary>
    private static Explanation Explored(string scenario, string bug, string? without = null, uint seed = 0)
    {
        var s = ScenarioCatalogue.Find(scenario)!;
        var properties = s.PropertiesFrom(Catalogue.BuiltIn);
        if (without is not null)
            properties = new Catalogue([.. properties.Invariants.Where(i => i.Name != without)], properties.Liveness);
        var request = new RunRequest(s.Name, s.DefaultWorkload(), Switches.Configure([bug]),
            new ExploreSettings { Engine = EngineKind.Direct, Iterations = 200, Seed = seed }) { Properties = properties };
        var cx = Explorer.Run(request).Counterexample ?? throw new InvalidOperationException($"{bug} not found in 200 schedules");
        return Explanation.Of(cx, without is null ? null : properties);
    }

    /// <summary>
    /// A use after free (lwp_wait1() touching the zombie it just pool_put()): the step that freed
    /// the LWP and the step that touched it are causes, by the step number the detector reports.
    /// </summary>
    [Fact]
    public void AUseAfterFreeMarksTheFreeAndTheTouch() =>
        AssertFreeAndTouchMarked(Explored("exit-reaperless", "lwp-wait-touches-freed-zombie"));

    /// <summary>
    /// The committed loan-shares-dying-anon finding: uvm_unloananon() by one LWP drops the anon's
    /// last reference, the other's uvm_loanzero() takes one from 0 (session 24's reference-count rule).
    /// </summary>
    [Fact]
    public void TheCommittedLoanShareMarksTheLastReferenceDroppedAndTheOneTaken()
    {
        var e = Explanation.Of(Committed("loan-share-loan-shares-dying-anon-UseAfterFree-seed3000009.json"));

        Assert.Equal("detector UseAfterFree", e.Violation!.Id);
        var drop = e.Steps.Single(s => s.Causes.Contains("drops the last reference of anon 1"));
        Assert.Equal("uvm_unloananon", drop.Function);
        Assert.Contains("references dying anon 1", e.Steps[^1].Causes);
        Assert.NotEqual(e.Steps[^1].Thread, drop.Thread);
    }

    /// <summary>A use after free still marks the free and the touch after the reference-count rule (a proc freed by wait4()'s proc_free(), read by the vfork parent).</summary>
    [Fact]
    public void AUseAfterFreeOfTheCommittedCorpusMarksTheFreeAndTheTouch() =>
        AssertFreeAndTouchMarked(Explanation.Of(Committed("vfork-vfork-waits-on-child-flag-UseAfterFree-seed5000015.json")));

    private static void AssertFreeAndTouchMarked(Explanation e)
    {
        var m = System.Text.RegularExpressions.Regex.Match(e.Violation!.Message, @"use after free: (\S+ \d+) freed by \S+ in \S+ at step (\d+)");
        Assert.True(m.Success, e.Violation.Message);
        var (obj, freedAt, touch) = (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), e.Steps.Count - 1);

        Assert.Equal("detector UseAfterFree", e.Violation.Id);
        Assert.Contains($"frees {obj}", e.Steps[freedAt].Causes);
        Assert.Contains($"touches freed {obj}", e.Steps[touch].Causes);
        Assert.Equal(new[] { freedAt, touch }.Distinct().Order(), e.Steps.Where(s => s.Causes.Any(c => c.Contains("free", StringComparison.Ordinal))).Select(s => s.Index).Distinct().Order());
    }

    /// <summary>A lock-discipline report marks the step that made the unlocked access.</summary>
    [Fact]
    public void ALockDisciplineReportMarksTheAccess()
    {
        var e = Explored("swapout", "swapout-remrunqueue-after-unlock");

        Assert.Equal("detector LockDiscipline", e.Violation!.Id);
        Assert.Contains("read l_back without sched_lock", e.Steps[^1].Causes);
        Assert.All(e.Steps.SkipLast(1), s => Assert.All(s.Causes, c => Assert.Contains(s.Diff.Changes, d => $"{d.Label}.{d.Fact}" == c)));
    }

    /// <summary>
    /// A liveness violation (exit1() without the reparenting to init): the process still pending
    /// at the end was marked P_WEXIT by its exit1() and made SZOMB by the reaper; those steps are
    /// marked, with the facts the pending report reads.
    /// </summary>
    [Fact]
    public void ALivenessViolationMarksTheWritersOfWhatIsStillPending()
    {
        // The orphans' p_pptr names their freed parent first (the link detector reports that step);
        // without that check the end of the execution shows what the orphans still wait for, unless
        // an orphan's own exit reads its freed parent first (a use after free): the first of ten
        // windows of 200 schedules whose first violation is the liveness one.
        var e = Enumerable.Range(0, 10)
            .Select(i => Explored("exit-reaper", "exit-skips-reparent", without: nameof(LinkDetector.ProcTreeLinksAgree), seed: (uint)i * 1000u))
            .First(x => x.Violation!.Id == "liveness ExitedProcessIsEventuallyReaped");
        var pid = System.Text.RegularExpressions.Regex.Match(e.Violation!.Message, @"Still pending at the end: (pid \d+)").Groups[1].Value;
        int LastWrite(string fact) => e.Steps.Last(s => s.Diff.Changes.Any(c => c.Label == pid && c.Fact == fact)).Index;

        Assert.Equal("liveness ExitedProcessIsEventuallyReaped", e.Violation.Id);
        Assert.Contains($"{pid}.Exiting", e.Steps[LastWrite("Exiting")].Causes);
        Assert.All(e.Steps.Where(s => s.Causes.Count > 0), s => Assert.All(s.Causes, c => Assert.StartsWith($"{pid}.", c)));
    }
}
