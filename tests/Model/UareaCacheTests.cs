using Uvm.Model;
using Uvm.Model.Exit;
using Uvm.Model.Sched;

namespace Uvm.Tests.Model;

public sealed class UareaCacheTests
{
    private static (Kernel K, KernelFixture.TestThread Self) CacheOf(int cached, int nuareaMax)
    {
        var k = KernelFixture.WithLwps(cached);
        var self = new KernelFixture.TestThread(k);
        k.Uareas.NuareaMax = nuareaMax;
        foreach (var l in k.Lwps) ProcessExit.UvmLwpExit(k, self, l);
        return (k, self);
    }

    [Fact]
    public void UvmLwpExitLinksTheStillWiredUareaAtTheHeadOfTheFreeList()
    {
        var k = KernelFixture.WithLwps(2);
        var self = new KernelFixture.TestThread(k);
        var (a, b) = (k.Lwps[0].Uarea!, k.Lwps[1].Uarea!);

        ProcessExit.UvmLwpExit(k, self, k.Lwps[0]);
        ProcessExit.UvmLwpExit(k, self, k.Lwps[1]);

        Assert.Equal([b, a], k.Uareas.FreeList);
        Assert.All(k.Uareas.FreeList, u => Assert.True(u is { State: UareaState.Cached, Wired: true, Owner: null }));
        Assert.Null(k.Lwps[0].Uarea);
        Assert.False(k.Lwps[0].InMemory);
        Assert.False(k.Uareas.Lock.Held);
    }

    [Fact]
    public void DrainKeepsNuareaMaxAndGivesTheRestBackThroughKernelMap()
    {
        var (k, self) = CacheOf(cached: 3, nuareaMax: 1);
        int free = k.Uvmexp.Free;

        var steps = KernelFixture.RunAll(k.Uareas.Drain(k, () => self, empty: false));

        Assert.Equal(["uvm_uarea_drain", "uvm_km_free: u-area", "uvm_km_free: vm_map_unlock",
                      "uvm_uarea_drain", "uvm_km_free: u-area", "uvm_km_free: vm_map_unlock"], steps);
        Assert.Equal(1, k.Uareas.Count);
        Assert.Equal(2, k.Uareas.All.Count(u => u.State == UareaState.Freed));
        Assert.Equal(free + 2 * Uvmexp.UspacePages, k.Uvmexp.Free);
        Assert.False(k.KernelMapLock.Held);
    }

    [Fact]
    public void DrainSleepsOnKernelMapWhileAnotherThreadHoldsIt()
    {
        var (k, self) = CacheOf(cached: 1, nuareaMax: 0);
        var holder = new KernelFixture.TestThread(k);
        k.KernelMapLock.Acquire(holder);
        using var drain = k.Uareas.Drain(k, () => self, empty: true).GetEnumerator();

        drain.MoveNext();
        drain.MoveNext();

        Assert.Equal(Uvm.Model.Core.StepKind.Sleep, drain.Current.Kind);
        Assert.Equal(k.KernelMapLock.Channel, drain.Current.Channel);
        Assert.Equal(UareaState.Freeing, k.Uareas.All[0].State);
        KernelMem.UnlockKernelMap(k, holder);
        drain.MoveNext();
        Assert.Equal("uvm_km_free: u-area", drain.Current.Function);
        Assert.Equal(UareaState.Freed, k.Uareas.All[0].State);
    }

    [Fact]
    public void ADrainThatEmptiesTheListOwesNoMoreDrain()
    {
        var (k, self) = CacheOf(cached: 2, nuareaMax: 0);
        k.Uareas.DrainWanted = true;

        KernelFixture.RunAll(k.Uareas.Drain(k, () => self, empty: true));

        Assert.Equal(0, k.Uareas.Count);
        Assert.False(k.Uareas.DrainWanted);
    }
}
