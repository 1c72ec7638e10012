using System.Text.RegularExpressions;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Scenarios.ModelCatalogue;

namespace Uvm.Tests.ModelCatalogue;

/// <summary>The step-label catalogue read from the model's IL: known labels, helpers, returns, and the source's every literal.</summary>
public sealed class StepCatalogueTests
{
    private static readonly StepCatalogue Catalogue = StepCatalogue.Model;

    [Theory]
    [InlineData("Swapout", "uvm_swapout", StepKind.Continue)]                 // a literal in an iterator's state machine
    [InlineData("PageDaemon", "uvm_pageout: pass done", StepKind.Sleep)]      // Step.Sleep with a channel argument after it
    [InlineData("AObjPager", "uao_detach: relock", StepKind.Sleep)]           // passed to Locks.Take, written in the caller
    [InlineData("Proclist", "exit1: proclist_lock_write", StepKind.Sleep)]    // two parts passed to Locks.Take, joined there
    [InlineData("KernelMem", "uvm_km_free: kernel_map locked", StepKind.Sleep)]
    [InlineData("CpuThread", "preempt", StepKind.Continue)]                    // returned by a helper (RunQuantum → Preempt)
    [InlineData("ReaperExit", "exit2", StepKind.Continue)]                     // a literal, and one side of a conditional "exit2" : "lwp_exit2"
    [InlineData("ReaperExit", "lwp_exit2", StepKind.Continue)]
    [InlineData("Pageout", "uvm_wait: loanzero", StepKind.Sleep)]             // $"uvm_wait: {msg}" with msg from a call site
    [InlineData("KernelThread", "(return)", StepKind.Exit)]                    // the end of every body
    public void TheCatalogueHoldsAKnownLabelWithItsDeclaringType(string type, string label, StepKind kind)
    {
        Assert.Contains(Catalogue.Labels(), l => l.Type == type && l.Label == label && l.Kind == kind);
    }

    [Fact]
    public void EveryLiteralStepLabelInTheModelSourceIsInTheCatalogue()
    {
        var literal = new Regex("""Step\.(Ran|Sleep|Exit)\("([^"]+)"[,)]""");
        var inSource = Directory.EnumerateFiles(Path.Combine(RepoRoot(), "model"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => literal.Matches(File.ReadAllText(f)).Select(m => m.Groups[2].Value))
            .Distinct().ToList();

        Assert.True(inSource.Count > 50, $"only {inSource.Count} labels found in the source");
        Assert.Empty(inSource.Except(Catalogue.LabelTexts()));
    }

    [Fact]
    public void PartsOfALabelPassedInOneCallAreNeverMixedWithAnotherCallsParts()
    {
        // Locks.Take(lock, selfOf, function, what) builds "{function}: {what}": Proclist passes
        // "proclist_lock_write", KernelMem "kernel_map locked", each with its own callers' functions.
        var proclist = Catalogue.Labels().Where(l => l.Label.EndsWith(": proclist_lock_write", StringComparison.Ordinal)).ToList();
        var kernelMap = Catalogue.Labels().Where(l => l.Label.EndsWith(": kernel_map locked", StringComparison.Ordinal)).ToList();

        Assert.Equal(["exit1", "fork1", "lwp_exit", "proc_free"], proclist.Select(l => l.Label.Split(':')[0]).Order(StringComparer.Ordinal));
        Assert.Equal(["uvm_io", "uvm_km_alloc", "uvm_km_free"], kernelMap.Select(l => l.Label.Split(':')[0]).Order(StringComparer.Ordinal));
        Assert.All(proclist, l => Assert.Equal("Proclist.LockWrite", $"{l.Type}.{l.Member}"));
        Assert.All(kernelMap, l => Assert.Equal("KernelMem.LockKernelMap", $"{l.Type}.{l.Member}"));
    }

    [Fact]
    public void LabelsBuiltAtRunTimeAreReportedAsTemplates()
    {
        // CpuThread.InLwpContext re-labels a path's sleep as a ran step: Step.Ran(step.Function).
        Assert.Contains(Catalogue.Templates(), l => l.Type == "CpuThread" && l.Label == "{Function}");
        Assert.All(Catalogue.Templates(), l => Assert.Contains("{", l.Label));
        Assert.All(Catalogue.Labels(), l => Assert.False(l.IsTemplate));
    }

    [Fact]
    public void TheCatalogueIsTheSameEachTimeItIsRead()
    {
        var again = StepCatalogue.Of(typeof(Kernel).Assembly);

        Assert.Equal(Catalogue.All, again.All);
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) return dir.FullName;
        throw new InvalidOperationException("Checker.sln not found above the test binaries");
    }
}
