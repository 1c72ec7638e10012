using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Cow;

/// <summary>
/// pmap_page_protect(pg, VM_PROT_NONE) (pmap(9)): every mapping of a physical page, in every pmap,
/// goes (the machine-dependent pmap walks the page's pv list). The model's pmaps are those of the
/// copy-on-write spaces (<see cref="CowSpace"/>) and of the anon, file and shm users (<see cref="UserPmap"/>). A mapping stays until the kernel removes it:
/// pmap_remove() of an entry, pmap_enter() over it, or this call, which the kernel makes before it
/// frees or pages out a page that may be mapped (uvmpd_scan_inactive(), uvm_anfree(),
/// genfs_putpages() with PGO_FREE, uao_detach_locked()). A path that skips it leaves a pmap
/// mapping a page that is freed and reused, which PmapMapsOnlyPagesItsMappingsOwn reports.
/// </summary>
public static class Pmap
{
    /// <summary>
    /// pmap_page_protect(<paramref name="page"/>, VM_PROT_READ): every mapping of the page loses
    /// write, as uvm_loan() does before it lends a page (uvm_loan.c: uvm_loananon() "read protect
    /// it" for a loan to an anon; a loan to the kernel or of an object page the same, so the lender
    /// faults and breaks the loan before it writes).
    /// </summary>
    internal static void PageProtectRead(Kernel k, Page page)
    {
        var spaces = k.Vm.CowSpaces;
        for (int i = 0; i < spaces.Count; i++) spaces[i].WriteProtectMappingsOf(page);
        var users = k.Vm.UserPmaps;
        for (int i = 0; i < users.Count; i++) users[i].WriteProtectMappingsOf(page);
    }

    /// <summary>
    /// A load or store the MMU makes through a mapping a pmap has, with no kernel code and no lock:
    /// the reference bit, and for a store the modified bit and the new data
    /// (<see cref="Contents.Write"/>). A mapping the kernel should have removed or write-protected
    /// (a pmap_page_protect() or pmap_protect() skipped) is used as the hardware would use it.
    /// </summary>
    internal static Step MmuAccess(Kernel k, KernelThread self, Page p, bool store)
    {
        p.AccessedByMmu(store);
        if (store) Contents.Write(k, self, p);
        return Step.Ran(store ? "user store through the pmap (no fault)" : "user load through the pmap (no fault)");
    }

    /// <summary>pmap_page_protect(<paramref name="page"/>, VM_PROT_NONE).</summary>
    internal static void PageProtectNone(Kernel k, Page page)
    {
        var spaces = k.Vm.CowSpaces;
        for (int i = 0; i < spaces.Count; i++) spaces[i].RemoveMappingsOf(page);
        var users = k.Vm.UserPmaps;
        for (int i = 0; i < users.Count; i++) users[i].RemoveMappingsOf(page);
    }
}
