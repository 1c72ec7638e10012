using System.Text.Json;
using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Maps;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Tests.Scenarios;

/// <summary>Tests of scenarios/Maps/ExecTopdownScenario.cs, MapsWorkload.cs and MapsBuilder.cs.</summary>
public sealed class ExecTopdownScenarioTests
{
    [Fact]
    public void DefaultWorkloadIsValidAndBuildsExecAndTwoMmapLwps()
    {
        var w = ExecTopdownScenario.Default();

        Assert.Empty(w.Validate());
        var k = KernelBuilder.Build(w, KernelConfig.Fixed);
        Assert.Contains(k.Threads, t => t.Name == "lwp1 exec");
        Assert.Equal(2, k.Threads.Count(t => t.Name is "lwp2" or "lwp3"));
        Assert.Equal(4, Assert.Single(k.Vmspaces).Map.Entries.Count);
    }

    [Fact]
    public void GeneratedWorkloadsAreValid()
    {
        foreach (var w in ExecTopdownScenario.Generate().Sample(200, 10))
            Assert.Empty(w.Validate());
    }

    [Fact]
    public void MapsWorkloadRoundTripsThroughJson()
    {
        var w = ExecTopdownScenario.Default();

        var back = JsonSerializer.Deserialize<Workload>(JsonSerializer.Serialize(w, Json.Options), Json.Options)!;

        var (before, after) = (w.Section<MapsWorkload>()!, back.Section<MapsWorkload>()!);
        Assert.Null(after.StackLimit);
        Assert.Equal(before.Image, after.Image);
        Assert.Equal(before.Lwps.SelectMany(ops => ops), after.Lwps.SelectMany(ops => ops));
    }

    [Fact]
    public void ValidationNamesTheBadMapsFields()
    {
        var w = ExecTopdownScenario.Default().With(new MapsWorkload { StackLimit = 0, Lwps = [[new Mmap(0)]] });

        var errors = w.Validate();

        Assert.Contains(errors, e => e.StartsWith("maps.stackLimit:"));
        Assert.Contains(errors, e => e.StartsWith("maps.lwps[0][0].pages:"));
    }

    [Fact]
    public void ValidationRejectsABootImageThatDoesNotFit()
    {
        var w = ExecTopdownScenario.Default().With(new MapsWorkload { Image = new ExecImage(InterpreterPages: 12), BootStackLimit = 24 });

        Assert.Contains(w.Validate(), e => e.StartsWith("maps.image:"));
    }
}
