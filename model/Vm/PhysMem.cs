using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// Boot-time physical memory and the u-area pages of uvm_glue.c: <c>freePages</c> free pages,
/// plus USPACE wired kernel_object pages for each resident LWP. uvm_fault_wire() of a u-area
/// takes its pages from the free list page by page (<see cref="UareaWiring"/>); uvm_fault_unwire()
/// gives each page whose wire count drops to 0 back at once (standing for
/// the pagedaemon reclaiming the now pageable kernel_object pages), as does uvm_km_free() of a
/// wired u-area. The pages sit at the u-area's index in kernel_object, which is sized at boot for
/// the LWPs' u-areas plus those fork may still allocate (<see cref="Exit.UareaCache.Reserve"/>).
/// </summary>
public static class PhysMem
{
    /// <summary>Sets up memory: free pages and the wired u-areas of the LWPs already created.</summary>
    public static void Boot(Kernel k, int freePages)
    {
        var vm = k.Vm;
        vm.KernelObject = new AObj(0, (k.Uareas.All.Count + k.Uareas.Reserve + 1) * Uvmexp.UspacePages, noSwap: true, "kernel_object", vm.Versions);
        foreach (var l in k.Lwps)
        {
            if (!l.UareaWired || l.Uarea is not { } u) continue;
            for (int i = 0; i < Uvmexp.UspacePages; i++)
            {
                var p = new Page(vm.PageList.Count + 1, vm.Versions, k) { Queue = PageQueue.None };
                vm.PageList.Add(p);
                vm.KernelObject.Insert(p, UareaIndex(u.Id, i));
                PageQueues.Wire(k, p);
            }
        }
        vm.Unmaterialized = freePages;
        k.Uvmexp.Free = freePages;
    }

    /// <summary>uvm_fault_unwire() or uvm_km_free() of a u-area: its pages go back to the free list.</summary>
    internal static void UnwireUarea(Kernel k, Exit.Uarea u)
    {
        for (int i = 0; i < Uvmexp.UspacePages; i++)
        {
            if (k.Vm.KernelObject.PageAt(UareaIndex(u.Id, i)) is not { } p) continue;
            PageQueues.Free(k, p);
        }
    }

    /// <summary>
    /// One page of uvm_fault_wire() of a u-area: wire the resident kernel_object page again, or
    /// allocate it (false when no page is free: the fault waits for memory).
    /// </summary>
    internal static bool WireUareaPage(Kernel k, Exit.Uarea u, int i)
    {
        if (k.Vm.KernelObject.PageAt(UareaIndex(u.Id, i)) is { } resident)
        {
            PageQueues.Wire(k, resident);
            return true;
        }
        if (PageQueues.Alloc(k) is not { } p) return false;
        k.Vm.KernelObject.Insert(p, UareaIndex(u.Id, i));
        p.Flags = PageFlags.None;
        PageQueues.Wire(k, p);
        return true;
    }

    /// <summary>uvm_fault_unwire() of a u-area: uvm_pageunwire() each resident page; one no longer wired is freed.</summary>
    internal static void UnwireUareaPages(Kernel k, Exit.Uarea u)
    {
        for (int i = 0; i < Uvmexp.UspacePages; i++)
        {
            if (k.Vm.KernelObject.PageAt(UareaIndex(u.Id, i)) is not { } p) continue;
            if (PageQueues.Unwire(k, p)) PageQueues.Free(k, p);
        }
    }

    private static int UareaIndex(int uarea, int i) => uarea * Uvmexp.UspacePages + i;
}
