using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// Boot-time physical memory and the u-area pages of uvm_glue.c: <c>freePages</c> free pages,
/// plus USPACE wired kernel_object pages for each resident LWP. uvm_fault_wire() of a u-area
/// faults its pages in page by page (<see cref="UareaWiring"/>); uvm_fault_unwire() puts each page
/// whose wire count drops to 0 on the active queue, where the pagedaemon may page it out to swap;
/// uvm_km_free() frees the pages and slots of the range (<see cref="Exit.UareaCache.Release"/>).
/// The pages sit at the u-area's index in kernel_object, which is sized at boot for the LWPs'
/// u-areas plus those fork may still allocate (<see cref="Exit.UareaCache.Reserve"/>), and is on
/// uao_list first, as uvm_km_init() creates it before any other aobj.
/// </summary>
public static class PhysMem
{
    /// <summary>Sets up memory: free pages and the wired u-areas of the LWPs already created.</summary>
    public static void Boot(Kernel k, int freePages)
    {
        var vm = k.Vm;
        vm.KernelObject = new AObj(0, (k.Uareas.All.Count + k.Uareas.Reserve + 1) * Uvmexp.UspacePages, noSwap: false, "kernel_object", vm.Versions, k) { IsKernelObject = true };
        vm.AObjList.Add(vm.KernelObject); // uvm_km_init() makes it before any other aobj: last on uao_list (AObjPager.Create inserts at the head)
        foreach (var l in k.Lwps)
        {
            if (!l.UareaWired || l.Uarea is not { } u) continue;
            for (int i = 0; i < Uvmexp.UspacePages; i++)
            {
                var p = new Page(vm.PageList.Count + 1, vm.Versions, k) { Queue = PageQueue.None };
                vm.PageList.Add(p);
                vm.KernelObject.Insert(p, UareaIndex(u.Id, i));
                // The LWP's u-area holds its PCB and kernel stack: data of its own, which a pageout and pagein must bring back.
                p.Data = new Content("boot contents of kernel_object page", UareaIndex(u.Id, i));
                vm.KernelObject.SetWritten(UareaIndex(u.Id, i), p.Data);
                PageQueues.Wire(k, p);
            }
        }
        vm.Unmaterialized = freePages;
        k.Uvmexp.Free = freePages;
    }

    /// <summary>
    /// uvm_fault_unwire_locked() of a u-area, uvm.pageqlock held: uvm_pageunwire() each page the
    /// kernel pmap maps in the range, and a page whose wire count drops to 0 goes on the active
    /// queue (uvm_page_i.h). A page not mapped is a range that was not wired: "uvm_fault_unwire_locked:
    /// unwiring non-wired memory" (uvm_fault.c 1.69).
    /// </summary>
    internal static void UnwireUareaPages(Kernel k, Exit.Uarea u)
    {
        for (int i = 0; i < Uvmexp.UspacePages; i++)
        {
            PageQueues.UnwireMapped(k, k.Vm.KernelObject.MappedPage(UareaIndex(u.Id, i)), $"page {i} of {u}");
        }
    }

    /// <summary>The index in kernel_object of page <paramref name="i"/> of u-area <paramref name="uarea"/>.</summary>
    public static int UareaIndex(int uarea, int i) => uarea * Uvmexp.UspacePages + i;
}
