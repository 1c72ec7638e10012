using System.Text.Json;
using System.Text.Json.Nodes;
using Uvm.Model;

namespace Uvm.Tests.Model;

/// <summary>The switch registry: ids that files store, lookup, and the configuration it builds.</summary>
public sealed class SwitchesTests
{
    /// <summary>Every id a counterexample file, a regression or a script may name; none may be renamed.</summary>
    private static readonly string[] KnownIds =
    [
        "pr23095", "topdown-findspace", "pr22752", "exit-free-uarea-before-switch", "exit-sleep-after-switch",
        "exit-zombie-before-teardown", "exit-reaper-before-switch", "loan-recheck-after-sleep", "loan-zero-page-unqueued",
        "loan-kernel-page-queued", "swapout-skips-remrunqueue", "swapin-skips-setrunqueue", "scan-skips-swappable",
        "swapout-without-sched-lock", "setrunnable-skips-proc0-wakeup", "cpu-switch-skips-remrunqueue", "proc0-never-swaps-in",
        "pageout-keeps-old-swap-slot", "pagefree-keeps-object", "pagefree-skips-free-count", "pagedequeue-skips-inactive-removal",
        "unloan-leaks-ownerless-page", "uarea-drain-drops-uarea", "loan-to-kernel-skips-loan-count", "findspace-topdown-stops-at-first-gap",
    ];

    [Fact]
    public void EveryKnownIdStillNamesASwitch()
    {
        Assert.All(KnownIds, id => Assert.Equal(id, Switches.Find(id)?.Id));
    }

    [Fact]
    public void EveryBugOfTheCommittedSchedulesIsInTheRegistry()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) dir = dir.Parent;
        var files = Directory.GetFiles(Path.Combine(dir!.FullName, "regressions", "schedules"), "*.json");

        Assert.NotEmpty(files);
        var bugs = files.SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["bugs"]!.AsArray().Select(b => b!.GetValue<string>())).ToList();
        Assert.NotEmpty(bugs);
        Assert.All(bugs, b => Assert.NotNull(Switches.Find(b)));
    }

    [Fact]
    public void AnUnknownIdIsRejectedWithTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Switches.Configure(["pr1"]));

        Assert.StartsWith("unknown bug 'pr1'; known bugs and mutations: ", e.Message);
        Assert.Contains("pr23095", e.Message);
    }

    [Fact]
    public void ASwitchIsOnOnlyWhereItWasTurnedOn()
    {
        var config = Switches.Configure(["pr23095", "pagefree-keeps-object"]);

        Assert.True(config.Has(Switches.Pr23095));
        Assert.True(config.Has(Switches.PagefreeKeepsObject));
        Assert.False(config.Has(Switches.Pr22752));
        Assert.False(KernelConfig.Fixed.Has(Switches.Pr23095));
        Assert.Equal(["pr23095", "pagefree-keeps-object"], Switches.EnabledIn(config).OrderByDescending(id => id == "pr23095"));
    }

    [Fact]
    public void TheOrderSwitchesAreTurnedOnInDoesNotMatter()
    {
        var a = Switches.Configure(["pr23095", "pagefree-keeps-object", "pr23095"]);
        var b = Switches.Configure(["pagefree-keeps-object", "pr23095"]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(KernelConfig.Fixed, a);
    }

    [Fact]
    public void ASwitchThatNeedsTheReaperSelectsIt()
    {
        var config = Switches.Configure(["exit-reaper-before-switch"]);

        Assert.Equal(ExitDesign.Reaper, config.ExitDesign);
        Assert.Equal(ExitDesign.Reaperless, KernelConfig.Fixed.ExitDesign);
    }

    [Fact]
    public void AConfigurationSurvivesJson()
    {
        var config = Switches.Configure(["exit-reaper-before-switch", "uarea-drain-drops-uarea"]);

        var back = JsonSerializer.Deserialize<KernelConfig>(JsonSerializer.Serialize(config));

        Assert.Equal(config, back);
        Assert.True(back!.Has(Switches.UareaDrainDropsUarea));
    }
}
