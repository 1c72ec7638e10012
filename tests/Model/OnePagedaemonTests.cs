using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Scenarios;

namespace Uvm.Tests.Model;

/// <summary>
/// One pagedaemon (issue 18): uvm_pageout() scans, swaps out from uvmpd_scan() and drains the
/// u-area cache in one thread, doing what the workload asks of it (model/Threads/PagedaemonJobs.cs).
/// </summary>
public sealed class OnePagedaemonTests
{
    /// <summary>Advances the pagedaemon until it sleeps; returns the functions of its steps.</summary>
    private static List<string> RunToSleep(PageDaemon pd)
    {
        var steps = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            var step = pd.Advance();
            steps.Add(step.Function);
            if (step.Kind == StepKind.Sleep) return steps;
        }
        throw new InvalidOperationException("the pagedaemon never slept");
    }

    [Fact]
    public void TheExitScenarioBootsOnePagedaemonThatSwapsOutAndDrains()
    {
        var k = KernelBuilder.Build(ExitScenario.Default(ExitDesign.Reaperless), KernelConfig.Fixed);

        var pd = Assert.Single(k.Threads.OfType<PageDaemon>());
        Assert.Equal("pagedaemon", pd.Name);
        Assert.Single(k.Threads, t => t.Name.Contains("pagedaemon", StringComparison.Ordinal) || t.Name == "swapper");
        Assert.True(k.Uareas.PagedaemonDrains);
        Assert.Equal(pd.OnRunQueue, pd.SleepingOn); // runnable: the workload's stated shortage woke it at boot
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void StatedShortagePassesCallSwapoutThreadsThatManyTimesThenSleep(int passes)
    {
        var k = KernelFixture.WithLwps(2);
        k.Vm.Swap = new SwapSpace(4, k.Versions, k.Discipline);
        var pd = PageDaemon.Boot(k, new() { ShortagePasses = passes });

        var steps = RunToSleep(pd);

        Assert.Equal(passes, steps.Count(f => f == "uvm_swapout_threads"));
        Assert.Equal("uvm_pageout: pass done", steps[^1]);
        Assert.Equal(Pageout.Pagedaemon, pd.SleepingOn);
        Assert.Equal(passes, k.Uvmexp.PdWoke);
    }

    /// <summary>uvmpd_scan(): "if (uvmexp.free &lt; uvmexp.freetarg &amp;&amp; uvmexp.nswapdev != 0)" (uvm_pdaemon.c 1.39).</summary>
    [Fact]
    public void WithoutASwapDeviceNoPassSwapsOut()
    {
        var k = KernelFixture.WithLwps(2);
        k.Uvmexp.FreeTarg = k.Uvmexp.Free + 1;
        var pd = PageDaemon.Boot(k, new() { ShortagePasses = 2 });

        var steps = RunToSleep(pd);

        Assert.Equal(0, k.Vm.Swap.NSwapDev);
        Assert.DoesNotContain("uvm_swapout_threads", steps);
        Assert.Equal(2, k.Uvmexp.PdWoke);
    }

    [Fact]
    public void AWokenPagedaemonWithoutSwapoutsScansButSwapsNothingOut()
    {
        var k = KernelFixture.WithLwps(2);
        k.Uvmexp.FreeTarg = k.Uvmexp.Free + 1;
        var pd = PageDaemon.Start(k);
        k.SleepQueues.Wakeup(Pageout.Pagedaemon);

        var steps = RunToSleep(pd);

        Assert.DoesNotContain("uvm_swapout_threads", steps);
        Assert.Equal(1, k.Uvmexp.PdWoke);
    }

    [Fact]
    public void LaterJobsJoinThePagedaemonTheFirstBootStepCreated()
    {
        var k = KernelFixture.WithLwps(1);
        var pd = PageDaemon.Boot(k, new() { ShortagePasses = 1 });

        Assert.Same(pd, PageDaemon.Boot(k, new() { DrainsUareas = true }));
        Assert.True(k.Uareas.PagedaemonDrains);
        Assert.Throws<InvalidOperationException>(() => PageDaemon.Boot(k, new() { ShortagePasses = 1 }));
    }

    [Fact]
    public void UnderAShortageItsPassEndsByEmptyingTheUareaCache()
    {
        var k = KernelFixture.WithLwps(2);
        var pd = PageDaemon.Boot(k, new() { DrainsUareas = true });
        ExitFixture.CacheUareaOf(k, k.Lwps[0]);
        ExitFixture.CacheUareaOf(k, k.Lwps[1]);
        k.Uvmexp.FreeTarg = k.Uvmexp.Free + 1;
        k.SleepQueues.Wakeup(Pageout.Pagedaemon);

        var steps = RunToSleep(pd);

        Assert.Equal(2, steps.Count(f => f == "uvm_uarea_drain"));
        Assert.Equal(0, k.Uareas.Count);
        Assert.Equal(Pageout.Pagedaemon, pd.SleepingOn);
    }

    [Fact]
    public void WithoutAShortageItLeavesTheUareaCacheAlone()
    {
        var k = KernelFixture.WithLwps(1);
        var pd = PageDaemon.Boot(k, new() { DrainsUareas = true });
        ExitFixture.CacheUareaOf(k, k.Lwps[0]);
        k.Uvmexp.FreeTarg = 0;
        k.SleepQueues.Wakeup(Pageout.Pagedaemon);

        var steps = RunToSleep(pd);

        Assert.DoesNotContain("uvm_uarea_drain", steps);
        Assert.Equal(1, k.Uareas.Count);
    }
}
