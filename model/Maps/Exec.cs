using Uvm.Model.Core;

namespace Uvm.Model.Maps;

/// <summary>
/// The address-space half of execve() (kern_exec.c, exec_elf32.c, exec_subr.c and
/// uvmspace_exec() of uvm_map.c, NetBSD 1.6/2.0): recycle the unshared vmspace (uvm_unmap of
/// the whole map), set vm_daddr and vm_maxsaddr from the exec package and the rlimits, then run
/// the vmcmds in exec_elf order: text and data at their link addresses (UVM_FLAG_FIXED), the ELF
/// interpreter at VM_DEFAULT_ADDRESS (a non-fixed uvm_map, so top-down when the map is), and the
/// stack below USRSTACK. Each vmcmd is a uvm_map() of its own, taking and dropping the map lock.
/// A vmcmd that fails after the point of no return kills the process (exit1), recorded here as a
/// failed exec. Approx.: NetBSD 2.0's execve runs exit_lwps() before uvmspace_exec(); the
/// model leaves the process's other LWPs running so that their mmap()/munmap() stand for any
/// concurrent user of the map while exec lays it out. Left out: argument copying, the vnode,
/// protections, the stack guard, and the rest of the exec package.
/// </summary>
public static class Exec
{
    /// <summary>execve() of <paramref name="image"/> with the given rlimits, as steps of the exec'ing LWP.</summary>
    public static IEnumerable<Step> Execve(Kernel k, KernelThread self, Vmspace vm, ExecImage image, int? stackLimit, int dataLimit)
    {
        // uvmspace_exec(): vm_refcnt == 1, so unmap the old program under the map lock and reuse the map.
        foreach (var s in UvmMap.Lock(self, vm.Map)) yield return s;
        bool early = k.Config.Has(Switches.ExecUnmapsAfterUnlock); // exec-unmaps-after-unlock: vm_map_unlock() before uvm_unmap_remove()
        if (early) UvmMap.Unlock(k, self, vm.Map);
        var dead = vm.Map.Remove(vm.Map.Min, vm.Map.Max);
        if (!early) UvmMap.Unlock(k, self, vm.Map);
        vm.SetLimits(image.Daddr, dataLimit, stackLimit);
        yield return Step.Ran("uvmspace_exec");
        foreach (var s in UvmMap.Detach(k, self, dead)) yield return s;

        foreach (var (vmcmd, request) in Vmcmds(vm, image))
        {
            // A vmcmd of the executable or the interpreter may sleep after its uvm_map():
            // vmcmd_map_readvn() reads the segment in with vn_rdwr(), and the next vmcmd_map_pagedvn()
            // starts with uvn_attach(), which waits for UVM_VNODE_BLOCKING (exec_subr.c, uvm_vnode.c
            // of NetBSD 1.6): mi_switch() then releases the big lock, so another LWP may map between
            // two vmcmds. The stack's vmcmd_map_zero() is only a uvm_map().
            var call = new MapCall { MaySleepAfter = vmcmd != "stack" };
            foreach (var s in UvmMap.Map(k, self, vm, request, vmcmd, call)) yield return s;
            if (call.Va is null)
            {
                vm.RecordExecFailure(new ExecFailure(vmcmd, request, vm.Map.Min, vm.Map.Max, call.FullLayout));
                yield return Step.Exit("execve: vmcmd failed after the point of no return, exit1");
                yield break;
            }
        }
        vm.ExecsDone++;
        yield return Step.Exit("execve: return to the new image");
    }

    /// <summary>
    /// The old program's layout at boot, as an earlier exec left it: the same vmcmds, run straight
    /// through on the empty map (no other thread exists yet).
    /// </summary>
    public static void LayOutAtBoot(Kernel k, Vmspace vm, ExecImage image, int? stackLimit, int dataLimit)
    {
        vm.SetLimits(image.Daddr, dataLimit, stackLimit);
        foreach (var (vmcmd, request) in Vmcmds(vm, image))
        {
            var found = MapFindspace.Find(vm.Map, request, k.Config.Has(Switches.TopdownFindspace), missLowestGap: k.Config.Has(Switches.TopdownTreeMissesLowestGap))
                ?? throw new InvalidOperationException($"the boot image does not fit: {vmcmd} {request} in {vm.Map.Describe()}");
            vm.Map.Link(found.Prev, new MapEntry(found.Va, found.Va + request.Length, vmcmd));
        }
    }

    /// <summary>The vmcmds of the exec package, in the order exec_elf makes them, each with its uvm_map() request.</summary>
    private static IEnumerable<(string Vmcmd, FindspaceRequest Request)> Vmcmds(Vmspace vm, ExecImage image)
    {
        bool topDown = vm.Map.TopDown;
        yield return ("text", new FindspaceRequest(image.TextStart, image.TextPages, 1, topDown, Fixed: true));
        yield return ("data", new FindspaceRequest(image.Daddr, image.DataPages, 1, topDown, Fixed: true));
        yield return ("ld.elf_so", new FindspaceRequest(vm.DefaultAddress(image.InterpreterPages), image.InterpreterPages, 1, topDown));
        yield return ("stack", new FindspaceRequest(vm.MinSaddr - image.StackPages, image.StackPages, 1, topDown, Fixed: true));
    }
}
