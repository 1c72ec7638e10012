using Uvm.Model;
using Uvm.Scenarios;

namespace Uvm.Tests.Scenarios;

/// <summary>
/// A kernel that fails while it boots (model code at boot threw) is reported once, as a
/// <see cref="BootFailureException"/> with the kernel's message, before any engine runs a schedule:
/// Coyote would otherwise report it as an unhandled exception of its test, with a stack trace.
/// </summary>
public sealed class BootFailureTests
{
    /// <summary>exec-topdown's default with a text segment larger than the map: the boot image's layout fails.</summary>
    private static Workload NonBooting()
    {
        var w = ScenarioCatalogue.Find("exec-topdown")!.DefaultWorkload();
        var maps = w.Section<MapsWorkload>()!;
        return w.With(maps with { Image = maps.Image with { TextPages = 40 } });
    }

    [Fact]
    public void TheBuilderSaysTheKernelFailedAtBootWithItsMessage()
    {
        var e = Assert.Throws<BootFailureException>(() => KernelBuilder.Build(NonBooting(), KernelConfig.Fixed));

        Assert.StartsWith("the kernel failed at boot, before any step: InvalidOperationException: the boot image does not fit", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(EngineKind.Direct)]
    [InlineData(EngineKind.Coyote)]
    public void BothEnginesReportItBeforeAnySchedule(EngineKind engine)
    {
        var s = ScenarioCatalogue.Find("exec-topdown")!;
        var request = new RunRequest(s.Name, NonBooting(), KernelConfig.Fixed, new ExploreSettings { Engine = engine, Iterations = 3 })
        {
            Properties = s.PropertiesFrom(Uvm.Properties.Catalogue.BuiltIn),
        };

        var e = Record.Exception(() => Explorer.Run(request));

        Assert.IsType<BootFailureException>(e is AggregateException a ? a.InnerExceptions[0] : e);
    }
}
