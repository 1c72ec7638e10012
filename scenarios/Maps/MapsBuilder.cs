using Uvm.Model;
using Uvm.Model.Maps;
using Uvm.Model.Threads;

namespace Uvm.Scenarios;

/// <summary>Creates a workload's process map, its boot layout, and the exec and mmap LWPs.</summary>
public static class MapsBuilder
{
    /// <summary>Adds the vmspace and the map threads of <paramref name="maps"/> to <paramref name="k"/>.</summary>
    public static Vmspace Build(Kernel k, MapsWorkload maps)
    {
        int pid = k.Procs.Count + k.Vmspaces.Count + 1;
        var vm = new Vmspace(pid, new VmMap($"pid {pid}", maps.MapMin, maps.UsrStack, maps.TopDown, k.Config, k.Versions, k));
        k.Vmspaces.Add(vm);
        Exec.LayOutAtBoot(k, vm, maps.Image, maps.BootStackLimit, maps.DataLimit);
        if (maps.Exec) _ = new ExecThread(k, "lwp1 exec", vm, maps.Image, maps.StackLimit, maps.DataLimit);
        for (int l = 0; l < maps.Lwps.Count; l++) _ = new MmapThread(k, $"lwp{l + 2}", vm, maps.Lwps[l]);
        return vm;
    }
}
