using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Maps;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Uvm.Properties;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>
/// uvm_map() and uvm_unmap() with the pools on (model/Maps/UvmMap.cs): entries come from
/// uvm_map_entry_pool with the map locked, clips allocate theirs, and uvm_unmap_detach() gives
/// them back after the unlock.
/// </summary>
public sealed class MapEntryPoolTests
{
    private static (Kernel K, Vmspace Vm) PooledKernel()
    {
        var k = new Kernel(KernelConfig.Fixed);
        k.Uvmexp.Free = 4;
        PhysMem.Boot(k, 4);
        k.Pools.Enabled = true;
        var vm = new Vmspace(1, new VmMap("pid 1", 1, 32, topDown: true));
        k.Vmspaces.Add(vm);
        Exec.LayOutAtBoot(k, vm, new ExecImage(), stackLimit: 8, dataLimit: 5);
        return (k, vm);
    }

    private static string? Check(Kernel k) =>
        PoolInvariants.PoolItemIsHandedOutOnce.Check(k) ?? PoolInvariants.PoolListsTreeAndCountsAgree.Check(k);

    [Fact]
    public void MmapTakesAnEntryWithTheMapLockedAndMunmapReturnsIt()
    {
        var (k, vm) = PooledKernel();
        var lwp = new MmapThread(k, "lwp2", vm, [new Mmap(2), new Munmap()]);

        var first = lwp.Advance();
        Assert.StartsWith("pool_get(vmmpepl)", first.Function);
        Assert.True(vm.Map.Lock.Held);
        for (int n = 0; n < 4 && vm.Map.Pending is not null; n++) Assert.Equal(StepKind.Continue, lwp.Advance().Kind);
        var mapped = Assert.Single(vm.Map.Entries, e => e.Name == "lwp2 mmap#1");
        Assert.NotNull(mapped.PoolItem);
        Assert.Equal(1, k.Pools.MapEntry.NOut);

        var log = KernelRunner.Run(k, check: Check);

        Assert.Contains("lwp2: pool_put(vmmpepl)", log);
        Assert.Equal(0, k.Pools.MapEntry.NOut);
        Assert.False(vm.Map.Lock.Held);
    }

    [Fact]
    public void UnmapOfTheMiddleOfAnEntryAllocatesBothClipsBeforeTheUnlock()
    {
        var (k, vm) = PooledKernel();
        var unmap = new PathThread(k, self => UvmMap.Unmap(k, self, vm, 22, 23)); // inside ld.elf_so [21,24)

        var log = KernelRunner.Run(k, check: Check);

        Assert.Equal(2, log.Count(l => l.StartsWith("unmap: pool_get(vmmpepl)", StringComparison.Ordinal)));
        Assert.True(log.FindLastIndex(l => l.StartsWith("unmap: pool_get", StringComparison.Ordinal)) < log.IndexOf("unmap: uvm_unmap"));
        var clipped = vm.Map.Entries.Where(e => e.Name == "ld.elf_so").Select(e => (e.Start, e.End, e.PoolItem is not null));
        Assert.Equal(new[] { (21, 22, true), (23, 24, true) }, clipped);
        Assert.Equal(2, k.Pools.MapEntry.NOut);
        Assert.True(unmap.Exited);
    }

    /// <summary>A kernel thread that runs one path and exits.</summary>
    private sealed class PathThread(Kernel k, Func<KernelThread, IEnumerable<Step>> path) : KernelThread(k, "unmap")
    {
        protected override IEnumerable<Step> Body()
        {
            foreach (var s in path(this)) yield return s;
            yield return Step.Exit("exit");
        }
    }
}
