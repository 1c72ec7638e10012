using Uvm.Model;
using Uvm.Model.Maps;
using Uvm.Model.Threads;
using Uvm.Properties;
using Xunit;

namespace Uvm.Tests.Properties;

/// <summary>Tests of properties/MapInvariants.cs and FreeSpaceOracle.cs: each holds on a good map and names what breaks it.</summary>
public sealed class MapInvariantsTests
{
    private static (Kernel Kernel, Vmspace Vm) BootedKernel()
    {
        var k = new Kernel(KernelConfig.Fixed);
        var vm = new Vmspace(1, new VmMap("pid 1", 1, 32, topDown: true));
        k.Vmspaces.Add(vm);
        Exec.LayOutAtBoot(k, vm, new ExecImage(), stackLimit: 8, dataLimit: 5);
        return (k, vm);
    }

    [Fact]
    public void EveryMapInvariantHoldsOnTheBootLayout()
    {
        var (k, _) = BootedKernel();

        Assert.All(MapInvariants.All, i => Assert.Null(i.Check(k)));
        Assert.All(MapInvariants.Liveness, l => Assert.Null(l.Pending(k)));
    }

    [Fact]
    public void OverlappingEntriesAreReported()
    {
        var (k, vm) = BootedKernel();
        vm.Map.Entries[1].Start = 9;

        Assert.Contains("[8,10) text overlaps", MapInvariants.MapEntriesAreDisjointAndInBounds.Check(k));
    }

    [Fact]
    public void AnEntryBelowVmMapMinIsReported()
    {
        var (k, vm) = BootedKernel();
        vm.Map.Entries[0].Start = 0;

        Assert.Contains("[0,10) text is empty or lies outside [1,32)", MapInvariants.MapEntriesAreDisjointAndInBounds.Check(k));
    }

    [Fact]
    public void FoundSpaceThatIntersectsAnEntryIsReported()
    {
        var (k, vm) = BootedKernel();
        vm.Map.Pending = new MapInsert(10, 3, vm.Map.Entries[1], "lwp1 exec", "ld.elf_so");

        Assert.Contains("[10,13) for ld.elf_so by lwp1 exec intersects [10,12) data", MapInvariants.FoundSpaceIsFree.Check(k));
    }

    [Fact]
    public void ExecFailureWithRoomLeftIsReportedAndWithoutRoomIsNot()
    {
        var (k, vm) = BootedKernel();
        vm.RecordExecFailure(new ExecFailure("ld.elf_so", new FindspaceRequest(7, 8), 1, 32, [(8, 10), (10, 12)]));
        Assert.Null(MapInvariants.UvmMapFailsOnlyWhenTheMapHasNoRoom.Check(k));

        vm.RecordExecFailure(new ExecFailure("ld.elf_so", new FindspaceRequest(12, 3), 1, 32, [(8, 10), (10, 12), (13, 15)]));

        Assert.Contains("but [1,4) was free", MapInvariants.UvmMapFailsOnlyWhenTheMapHasNoRoom.Check(k));
    }

    [Fact]
    public void ASleeperOnTheMapLockIsPendingUntilWoken()
    {
        var (k, vm) = BootedKernel();
        var holder = new MmapThread(k, "lwp2", vm, [new Mmap(1)]);
        var waiter = new MmapThread(k, "lwp3", vm, [new Mmap(1)]);
        holder.Advance();
        waiter.Advance();

        Assert.Contains("lwp3 sleeps on vm_map_lock(pid 1), held by lwp2", SleeperDetector.EverySleeperIsEventuallyWoken.Pending(k));
        Assert.Null(SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));
        holder.Advance();
        Assert.Null(SleeperDetector.EverySleeperIsEventuallyWoken.Pending(k));
    }

    [Fact]
    public void AWaiterForAFreeMapLockMissedItsWakeup()
    {
        var (k, vm) = BootedKernel();
        var holder = new MmapThread(k, "lwp2", vm, [new Mmap(1)]);
        var waiter = new MmapThread(k, "lwp3", vm, [new Mmap(1)]);
        holder.Advance();
        waiter.Advance();

        vm.Map.Lock.ReleaseWithoutWakeup(holder);

        Assert.Contains("lwp3 sleeps on vm_map_lock(pid 1), but vm_map_lock(pid 1) is free", SleeperDetector.NoSleeperWaitsForWhatIsAlreadyThere.Check(k));
    }

    [Fact]
    public void OracleFollowsTheTopdownContract()
    {
        (int, int)[] layout = [(8, 10), (10, 12), (13, 15)];

        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, FreeSpaceOracle.Candidates(1, 32, layout, new FindspaceRequest(12, 3)));
        Assert.Equal(new[] { 15, 16 }, FreeSpaceOracle.Candidates(1, 20, layout, new FindspaceRequest(12, 3, TopDown: false)).Take(2));
        Assert.Empty(FreeSpaceOracle.Candidates(1, 32, layout, new FindspaceRequest(11, 1, Fixed: true)));
        Assert.False(FreeSpaceOracle.HasRoom(1, 32, layout, new FindspaceRequest(40, 1)));
    }
}
