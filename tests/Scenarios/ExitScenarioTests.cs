using FsCheck;
using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Properties;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

public sealed class ExitScenarioTests
{
    /// <summary>Every invariant of the exit scenarios, as one check for <see cref="KernelRunner"/>.</summary>
    private static string? AllInvariants(Kernel k)
    {
        foreach (var i in ExitScenario.Reaperless.PropertiesFrom(Catalogue.BuiltIn).Invariants)
            if (i.Check(k) is { } bad) return $"{i.Name}: {bad}";
        return null;
    }

    private static string? PendingLiveness(Kernel k)
    {
        foreach (var p in ExitScenario.Reaperless.PropertiesFrom(Catalogue.BuiltIn).Liveness)
            if (p.Pending(k) is { } pending) return $"{p.Name}: {pending}";
        return null;
    }

    /// <summary>
    /// 100 generated storms per design, each under one seeded random schedule without Coyote (a few
    /// ms each): every invariant holds after every step, the run ends, and nothing is left pending.
    /// </summary>
    [Theory]
    [InlineData(ExitDesign.Reaperless)]
    [InlineData(ExitDesign.Reaper)]
    public void GeneratedStormsRunCleanOnTheFixedKernel(ExitDesign design)
    {
        var cases = from w in ExitScenario.Generate(design) from seed in Gen.Choose(0, 1 << 20) select (w, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var k = KernelBuilder.Build(c.w, KernelConfig.Fixed);
            KernelRunner.Run(k, maxSteps: 20_000, seed: c.seed, check: AllInvariants);
            return PendingLiveness(k) is null && k.Procs.All(p => p.Reaped || p == k.ProcLists.Init);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void AnExitWorkloadRoundTripsThroughJsonWithItsForksAndWaits()
    {
        var w = ExitScenario.Default(ExitDesign.Reaper);

        var text = System.Text.Json.JsonSerializer.Serialize(w, Json.Options);
        var back = WorkloadFile.Parse(text, "w");

        Assert.Contains("\"op\": \"fork\"", text);
        Assert.Contains("\"design\": \"reaper\"", text);
        Assert.Equal(w.ToString(), back.ToString());
        Assert.Equal(ExitDesign.Reaper, back.Section<ExitWorkload>()!.Design);
    }

    [Fact]
    public void ValidationNamesTheFieldsOfNestedForksAndOfTheExitSection()
    {
        var w = new Workload
        {
            Processes = [new([[new Fork([new Fork([new Compute(0)])]), new Wait()]])],
            Sections = [new ExitWorkload { NuareaMax = -1 }],
        };

        Assert.Equal(
            ["processes[0].lwps[0][0].child[0].child[0].quanta: must be 1..64, is 0", "exit.nuareaMax: must be 0..16, is -1"],
            w.Validate());
    }

    [Fact]
    public void ForksNestedTooDeepAreRejected()
    {
        LwpOp op = new Compute(1);
        for (int i = 0; i < ExitWorkload.MaxForkDepth + 1; i++) op = new Fork([op]);

        var errors = new Workload { Processes = [new([[op]])] }.Validate();

        Assert.Contains(errors, e => e.Contains("forks nest more than 4 deep"));
    }

    [Fact]
    public void TheExitSectionBootsInitAsParentOfTheWorkloadsProcessesAndTheDesignsThreads()
    {
        var k = KernelBuilder.Build(ExitScenario.Default(ExitDesign.Reaper), KernelConfig.Fixed);

        var init = k.ProcLists.Init!;
        Assert.Equal(1, init.Pid);
        Assert.Equal(ExitDesign.Reaper, k.Config.ExitDesign);
        Assert.All(k.Procs.Where(p => p != init), p => Assert.Same(init, p.Parent));
        Assert.Contains(k.Threads, t => t.Name == "reaper");
        Assert.Contains(k.Threads, t => t.Name == "init");
        Assert.Contains(k.Threads, t => t.Name == "pagedaemon");
    }

    [Theory]
    [InlineData(ExitDesign.Reaperless)]
    [InlineData(ExitDesign.Reaper)]
    public void GeneratedStormsAreValidWorkloads(ExitDesign design) =>
        Prop.ForAll(ExitScenario.Generate(design).ToArbitrary(), w => w.Validate().Count == 0)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(200));
}
