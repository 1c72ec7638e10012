using Uvm.Model;
using Uvm.Model.Threads;
using Uvm.Model.Vm;
using Xunit;

namespace Uvm.Tests.Model;

/// <summary>A SysV shm user's syscalls and faults, stepped alone.</summary>
public sealed class ShmUserTests
{
    [Fact]
    public void ShmLifecycleFreesTheAobjAfterRmidAndLastDetach()
    {
        var k = VmFixture.Kernel(freePages: 4, slots: 2);
        var user = new ShmUser(k, "shm1",
            [new ShmGet(1, 2), new ShmAt(1), new ShmTouch(1, 0, true), new ShmTouch(1, 1, false), new ShmRmid(1), new ShmDt(1)]);

        var steps = new List<string>();
        while (!user.Exited) steps.Add(user.Advance().Function);

        Assert.Equal(
            ["shmget: malloc, the segment marked allocated and removed", "shmget → uao_create", "shmat → uao_reference", "shmat: uvm_map, shm_nattch++", "uvm_fault: uao_get(PGO_LOCKED) zero-fill, pmap_enter",
             "uvm_fault: uao_get(PGO_LOCKED) zero-fill, pmap_enter", "shmctl(IPC_RMID)", "shmdt → uao_detach",
             "shm_delete_mapping → shm_deallocate_segment → uao_free", "exit1"], steps);
        Assert.Equal([k.Vm.KernelObject], k.Vm.AObjs); // uao_list keeps kernel_object, never freed
        Assert.Empty(k.Vm.ShmSegments);
        Assert.Equal(4, k.Uvmexp.Free);
    }

    [Fact]
    public void AFaultOnASwappedPageReadsItBackClean()
    {
        var k = VmFixture.Kernel(freePages: 2, slots: 2);
        var self = VmFixture.Actor(k);
        var user = new ShmUser(k, "shm1", [new ShmGet(1, 1), new ShmAt(1), new ShmTouch(1, 0, false)]);
        user.Advance(); // shmget: malloc
        user.Advance(); // shmget → uao_create
        var obj = k.Vm.AObjs.Single(o => !o.IsKernelObject);
        obj.SetSwslot(0, k.Vm.Swap.Alloc(self));
        k.Uvmexp.SwpgOnly = 1;
        user.Advance(); // shmat → uao_reference
        user.Advance(); // shmat: uvm_map, shm_nattch++

        Assert.Equal("uao_get: uvm_swap_get", user.Advance().Function);
        Assert.Equal("uvm_fault: pmap_enter", user.Advance().Function);

        var p = obj.PageAt(0)!;
        Assert.Equal(PageFlags.Clean, p.Flags);
        Assert.Equal(PageQueue.Active, p.Queue);
        Assert.Equal(1, obj.FindSwslot(0));
        Assert.Equal(0, k.Uvmexp.SwpgOnly);
    }

    [Fact]
    public void AnAnonUserFreesItsAnonsAndSlotsAtExit()
    {
        var k = VmFixture.Kernel(freePages: 3, slots: 2);
        var user = new AnonUser(k, "anon1", 2, [new AnonTouch(0, true), new AnonTouch(1, true), new AnonTouch(0, false)]);

        while (!user.Exited) user.Advance();

        Assert.Empty(k.Vm.Anons);
        Assert.Equal(3, k.Uvmexp.Free);
    }
}
