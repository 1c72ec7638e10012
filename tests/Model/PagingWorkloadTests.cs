using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>The paging section of a workload: JSON, validation, and the kernel it builds.</summary>
public sealed class PagingWorkloadTests
{
    [Fact]
    public void ShmSwapWorkloadRoundTripsThroughJson()
    {
        var w = ShmSwapScenario.Default();
        var path = Path.Combine(Path.GetTempPath(), $"paging-{Guid.NewGuid():N}.json");
        try
        {
            WorkloadFile.Write(w, path);
            var back = WorkloadFile.Read(path);
            Assert.Equal(w.ToString(), back.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ThePagedaemonsReserveIsWithinTheKernels()
    {
        var w = PagedaemonScenario.Default();

        Assert.Empty((w with { ReserveKernel = 2, ReservePagedaemon = 1 }).Validate());
        Assert.Contains((w with { ReserveKernel = Workload.MaxReserve + 1 }).Validate(), e => e.StartsWith("reserveKernel:"));
        Assert.Contains((w with { ReserveKernel = 1, ReservePagedaemon = 2 }).Validate(), e => e.StartsWith("reservePagedaemon:"));
    }

    /// <summary>The reserve comes on top of the workload's memory and of the pagedaemon's thresholds, as the kernel keeps freemin above it.</summary>
    [Fact]
    public void TheReserveIsBootedOnTopOfTheWorkloadsMemoryAndThresholds()
    {
        var w = PagedaemonScenario.Default();
        var plain = KernelBuilder.Build(w, KernelConfig.Fixed);

        var reserved = KernelBuilder.Build(w with { ReserveKernel = 2, ReservePagedaemon = 1 }, KernelConfig.Fixed);

        Assert.Equal(plain.Uvmexp.Free + 2, reserved.Uvmexp.Free);
        Assert.Equal(plain.Uvmexp.FreeMin + 2, reserved.Uvmexp.FreeMin);
        Assert.Equal(plain.Uvmexp.FreeTarg + 2, reserved.Uvmexp.FreeTarg);
        Assert.Equal((2, 1), (reserved.Uvmexp.ReserveKernel, reserved.Uvmexp.ReservePagedaemon));
    }

    [Fact]
    public void ReservesShrinkAway()
    {
        var w = PagedaemonScenario.Default() with { ReserveKernel = 2, ReservePagedaemon = 1 };

        var shrunk = Assert.Single(WorkloadShrinker.Candidates(w), c => c.ReserveKernel == 0);

        Assert.Equal((w.FreePages, 0), (shrunk.FreePages, shrunk.ReservePagedaemon));
        Assert.True(WorkloadShrinker.Size(shrunk) < WorkloadShrinker.Size(w));
    }

    [Fact]
    public void ValidationNamesTheBadField()
    {
        var w = PagedaemonScenario.Default();
        w = w.With(w.Section<PagingWorkload>()! with { FreeTarg = 0, AnonProcesses = [new(2, [new(5, true)])] });

        var errors = w.Validate();

        Assert.Contains(errors, e => e.StartsWith("paging.freeTarg:"));
        Assert.Contains(errors, e => e.StartsWith("paging.anonProcesses[0].touches[0].page:"));
    }

    /// <summary>
    /// With LWPs to swap in, freetarg must exceed a u-area: proc0 swaps in only above it, and a
    /// pagedaemon satisfied at or below it would leave proc0 in uvm_wait() for ever.
    /// </summary>
    [Theory]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void AFreeTargetAtOrBelowAUareaIsRefusedWhenLwpsMaySwapIn(int freeTarg, bool refused)
    {
        var w = SwapoutScenario.Default();
        w = w.With(w.Section<PagingWorkload>()! with { FreeTarg = freeTarg });

        Assert.Equal(refused, w.Validate().Any(e => e.StartsWith("paging.freeTarg:")));
        Assert.Empty(PagedaemonScenario.Default().Validate()); // no LWPs: freetarg 2 is fine
    }

    [Fact]
    public void BuilderStartsTheDaemonsAsleepAndTheUsersRunnable()
    {
        var k = KernelBuilder.Build(ShmSwapScenario.Default(), KernelConfig.Fixed);

        Assert.Equal(Pageout.Pagedaemon, k.Threads.Single(t => t.Name == "pagedaemon").SleepingOn);
        Assert.Equal(Pageout.AioDone, k.Threads.Single(t => t.Name == "aiodoned").SleepingOn);
        Assert.Null(k.Threads.Single(t => t.Name == "shm1").SleepingOn);
        Assert.Equal(5, k.Uvmexp.Free);
        Assert.Equal(1, k.Vm.Swap.Slots);
    }

    [Fact]
    public void SwapoutWorkloadWiresRealUareaPages()
    {
        var k = KernelBuilder.Build(SwapoutScenario.Default(), KernelConfig.Fixed);

        Assert.Equal(2, k.Uvmexp.Free);
        Assert.Equal(k.Lwps.Count * Uvmexp.UspacePages, k.Vm.Pages.Count(p => p.WireCount == 1 && p.Object == k.Vm.KernelObject));
    }
}
