using System.Text.Json;
using Uvm.Model;
using Uvm.Model.Vm;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// Tests of scenarios/Workloads/WorkloadSections.cs and the code that iterates it: every
/// registered section is read and written, validated with its field path, and shrunk.
/// </summary>
public sealed class WorkloadSectionTests
{
    public static TheoryData<string> Scenarios() => [.. ScenarioCatalogue.All.Select(s => s.Name)];

    public static TheoryData<string> Sections() => [.. WorkloadSections.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void EveryScenariosDefaultWorkloadRoundTripsThroughJson(string name)
    {
        var w = ScenarioCatalogue.Find(name)!.DefaultWorkload();

        var text = JsonSerializer.Serialize(w, Json.Options);
        var back = WorkloadFile.Parse(text, name);

        Assert.Equal(text, JsonSerializer.Serialize(back, Json.Options));
        Assert.Equal(w.ToString(), back.ToString());
        Assert.Equal(w.Sections.Select(s => s.GetType()), back.Sections.Select(s => s.GetType()));
        foreach (var section in w.Sections)
            Assert.Contains($"\"{WorkloadSections.Of(section.GetType())!.Name}\": {{", text);
    }

    [Fact]
    public void AFileWrittenBeforeASectionExistedLoadsWithoutIt()
    {
        var w = WorkloadFile.Parse("""{"cpus": 1, "maps": null, "paging": null, "exit": null, "loans": null}""", "old");

        Assert.Empty(w.Sections);
        Assert.Empty(w.Validate());
    }

    [Fact]
    public void AnInvalidSectionIsReportedWithItsFieldPath()
    {
        var w = LoanScenario.Default();
        var loans = w.Section<LoanWorkload>()!;
        w = w.With(loans with { Clients = [.. loans.Clients, new LoanClientSpec(20, [new LoanSend(0, 1)])] });

        Assert.Equal(["loans.clients[1].pages: must be 0..16, is 20"], w.Validate());
    }

    [Fact]
    public void AWorkloadFileNamesTheBadSectionFieldInOneLine()
    {
        var text = """{"cpus": 1, "paging": {"anonProcesses": [{"pages": 2, "touches": [{"page": 7, "write": true}]}]}}""";

        var e = Assert.Throws<InputException>(() => WorkloadFile.Parse(text, "w.json"));

        Assert.Equal("w.json: paging.anonProcesses[0].touches[0].page: must be 0..1", e.Message);
    }

    [Fact]
    public void AMalformedSectionNamesItsJsonPath()
    {
        var text = """{"cpus": 1, "paging": {}, "loans": {"clients": [{"pages": "two", "ops": []}]}}""";

        var e = Assert.Throws<InputException>(() => WorkloadFile.Parse(text, "w.json"));

        Assert.StartsWith("w.json: not valid at $.loans.clients[0].pages", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>
    /// For every section, the default workload of each scenario that has it shrinks it while a
    /// property fails on it; a section with nothing to shrink says so with a size of 0. A section
    /// that no scenario runs fails here.
    /// </summary>
    [Theory]
    [MemberData(nameof(Sections))]
    public void TheShrinkerShrinksEverySection(string name)
    {
        var section = WorkloadSections.All.Single(s => s.Name == name);
        var workloads = ScenarioCatalogue.All.Select(s => s.DefaultWorkload()).Where(w => section.Summary(w) is not null).ToList();
        Assert.NotEmpty(workloads);

        foreach (var w in workloads)
        {
            var shrunk = ShrinkWhile(w, c => section.Summary(c) is not null);

            Assert.True(section.Size(shrunk) < section.Size(w) || section.Size(w) == 0, $"{name} of {w} did not shrink: {shrunk}");
        }
    }

    [Fact]
    public void AFailureThatNeedsOneSendShrinksTheLoansToOneClientSendingOnce()
    {
        static bool SendsAPage(Workload w) => w.Section<LoanWorkload>()?.Clients.Any(c => c.Ops.Any(op => op is LoanSend)) == true;

        var shrunk = ShrinkWhile(LoanZeroScenario.Default(), SendsAPage);

        var client = Assert.Single(shrunk.Section<LoanWorkload>()!.Clients);
        Assert.IsType<LoanSend>(Assert.Single(client.Ops));
    }

    [Fact]
    public void AFailureThatNeedsTheReaperShrinksTheExitSectionAndKeepsTheDesign()
    {
        static bool RunsTheReaper(Workload w) => w.Section<ExitWorkload>()?.Design == ExitDesign.Reaper;

        var shrunk = ShrinkWhile(ExitScenario.Default(ExitDesign.Reaper), RunsTheReaper);

        var exit = shrunk.Section<ExitWorkload>()!;
        Assert.Equal(ExitDesign.Reaper, exit.Design);
        Assert.False(exit.Pagedaemon);
        Assert.Equal(0, exit.NuareaMax);
    }

    [Fact]
    public void SectionsKeepRegistrationOrderAndOneOfEachKind()
    {
        var w = new Workload { Sections = [new LoanWorkload(), new PagingWorkload()] };

        Assert.Equal([typeof(PagingWorkload), typeof(LoanWorkload)], w.Sections.Select(s => s.GetType()));
        Assert.Throws<ArgumentException>(() => new Workload { Sections = [new LoanWorkload(), new LoanWorkload()] });
        Assert.Throws<ArgumentException>(() => new Workload { Sections = ["not a section"] });
    }

    /// <summary>Takes the first smaller candidate on which <paramref name="fails"/> still holds, as the co-shrinker does, until none does.</summary>
    private static Workload ShrinkWhile(Workload w, Func<Workload, bool> fails)
    {
        Assert.True(fails(w));
        for (var next = w; next is not null; next = WorkloadShrinker.Candidates(w).FirstOrDefault(fails))
            w = next;
        return w;
    }
}
