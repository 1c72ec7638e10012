using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// The leak checks: once nothing more can run, every reference count equals the references that
/// are still held, so an object nobody holds any more has been freed. The kernel states each count
/// once (uvm_anon.h an_ref "reference count", uvm_object.h uo_refs) and frees at the last release
/// (amap_wipeout(), uvm_unloananon(), uao_detach_locked()); a path that forgets a release, or takes
/// one reference too many on a rare branch, leaves memory and swap space lost for good with every
/// per-step invariant still true (the anon's page and slot are accounted for: something, the leak,
/// still records them). Judged at the end only: between the steps of one path a reference may sit
/// in a local variable (an anon uvm_analloc() returned, a walk's uao_reference()) that no structure
/// records. Subsystem <c>detector</c>: checked in every scenario.
/// </summary>
public static class LeakDetector
{
    /// <summary>an_ref of every live anon equals the references held on it.</summary>
    public static readonly LivenessProperty AnonRefsEqualTheirHolders = new(
        nameof(AnonRefsEqualTheirHolders),
        "Once nothing more can run, every live anon's an_ref equals the references held on it (slots of the copy-on-write amaps, of the processes' private amaps, anons lent by uvm_loan() and not given back): an anon nobody holds has been freed.",
        Detector.Subsystem, k =>
        {
            var anons = k.Vm.Anons;
            for (int i = 0; i < anons.Count; i++)
            {
                var a = anons[i];
                if (a.Freed) continue;
                int n = CowInvariants.AmapSlotsHolding(k.Vm.CowSpaces, a);
                for (int t = 0; t < k.Threads.Count; t++) n += k.Threads[t].AnonReferencesTo(a);
                // an_ref 0 with nothing holding it is a leak too: uvm_anfree() (uvm_anon.c: "anon must
                // be unlocked and have a zero reference count") frees it, or leaves a busy page
                // PG_RELEASED for the path that owns the page to free both (uvmfault_anonget(): "if
                // we were RELEASED during I/O, then our anon is no longer part of an amap. we need
                // to free the anon"); once nothing more can run, no such path is left.
                if (n == a.RefCount && n > 0) continue;
                return n == 0
                    ? $"{a} is live with an_ref {a.RefCount} but nothing references it (leaked, with its " + (a.Page is { } p ? $"{p}" : "no page") + (a.SwSlot != 0 ? $" and swap slot {a.SwSlot})" : ")")
                    : $"{a} has an_ref {a.RefCount} but {n} reference(s) hold it";
            }
            return null;
        });

    /// <summary>uo_refs of every live shm aobj equals its segment's reference and its attachments.</summary>
    public static readonly LivenessProperty ShmObjectRefsEqualTheirHolders = new(
        nameof(ShmObjectRefsEqualTheirHolders),
        "Once nothing more can run, every live aobj's uo_refs equals the references held on it: one for its SysV shm segment while the segment exists (uao_create in shmget), one per attachment (uao_reference in shmat): an aobj nobody holds has been freed by its last uao_detach().",
        Detector.Subsystem, k =>
        {
            var objects = k.Vm.AObjs;
            var segments = k.Vm.ShmSegments;
            for (int i = 0; i < objects.Count; i++)
            {
                var o = objects[i];
                if (o.Freed || o.IsKernelObject) continue;
                int n = 0;
                for (int j = 0; j < segments.Count; j++)
                    if (segments[j].Object == o) n += 1 + segments[j].Nattch;
                if (n == o.Refs) continue;
                return n == 0
                    ? $"{o} is live with uo_refs {o.Refs} but no shm segment or attachment holds it (leaked)"
                    : $"{o} has uo_refs {o.Refs} but its segment and attachments hold {n}";
            }
            return null;
        });

    /// <summary>A removed shm segment nobody has attached is deallocated.</summary>
    public static readonly LivenessProperty RemovedShmSegmentIsDeallocated = new(
        nameof(RemovedShmSegmentIsDeallocated),
        "Once nothing more can run, no SysV shm segment whose shmctl(IPC_RMID) succeeded is left with no attachment: shmctl(IPC_RMID) deallocates an unattached segment at once, and the last shmdt() or exit of an attached one does (sysv_shm.c shm_delete_mapping, shm_deallocate_segment).",
        Detector.Subsystem, k =>
        {
            // Keyed on what was asked (a successful IPC_RMID), and on SHMSEG_REMOVED too: a path that
            // forgets the flag must not escape the rule that judges it.
            var segments = k.Vm.ShmSegments;
            for (int i = 0; i < segments.Count; i++)
                if (segments[i] is { Nattch: 0, Deallocated: false } seg && (seg.Removed || seg.RmidSucceeded))
                    return $"{seg} was removed (IPC_RMID{(seg.Removed ? "" : ", yet SHMSEG_REMOVED is not set")}) with no attachment left but is still allocated (leaked, with its aobj's pages and swap slots)";
            return null;
        });

    /// <summary>
    /// Every loan to the kernel is given back: sosend()'s loaned pages go back when the mbufs are
    /// freed, sodoloanfree() ending with <c>uvm_unloan(pgs, npgs, UVM_LOAN_TOPAGE)</c>
    /// (uipc_socket.c), and uvm_unloan() ("kill loans on pages or anons", uvm_loan.c) takes each off
    /// the kernel's loans. A path that drops the mbuf or the uio without it keeps the page loaned for
    /// good: its owner can never free it (uvm_pagefree() of a loaned page only disowns it) and the
    /// page is lost, with every count still agreeing with the loan list.
    /// </summary>
    public static readonly LivenessProperty KernelLoansAreReturned = new(
        nameof(KernelLoansAreReturned),
        "Once nothing more can run, no page is still loaned to the kernel: every uvm_loan(UVM_LOAN_TOPAGE) of a socket send has its uvm_unloan() when the mbufs are freed (sodoloanfree()).",
        Detector.Subsystem, k =>
        {
            var loans = k.Vm.KernelLoans;
            return loans.Count == 0 ? null : $"{loans[0]} is still loaned to the kernel ({loans.Count} page(s) on the kernel's loans) though no path that could give it back is left";
        });

    /// <summary>Every leak check.</summary>
    /// <summary>
    /// A pool holds only the pages of its own page headers: pool_allocator_alloc() hands the pool a
    /// page for a header it links (pr_rmpage()'s counterpart, subr_pool.c pool_prime_page()), and
    /// pool_reclaim() takes empty headers off (pr_rmpage()) and pr_pagelist_free() gives each one's
    /// page back with pool_allocator_free() (uvm_km_free_poolpage()). A page the pool still holds
    /// with no header is lost for good: no free, wired or queue count shows it, since the holder is
    /// declared. Judged at the end only: pool_reclaim() frees the pages after its pr_slock unlock, one
    /// step after it took their headers off.
    /// </summary>
    public static readonly LivenessProperty PoolHoldsOnlyItsHeadersPages = new(
        nameof(PoolHoldsOnlyItsHeadersPages),
        "Once nothing more can run, every physical page a pool holds is the page of one of that pool's page headers: pool_reclaim()'s pr_pagelist_free() gives back the page of each header pr_rmpage() took off.",
        Detector.Subsystem, k =>
        {
            var pools = k.Pools;
            if (!pools.Enabled) return null;
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
            {
                if (pages[i].Holder is not { } h) continue;
                for (int j = 0; j < pools.All.Count; j++)
                {
                    var pp = pools.All[j];
                    if (h != pp.PageHolder || HasHeaderFor(pp, pages[i].Number)) continue;
                    return $"{pages[i]} is held by pool {pp.Name} but none of its page headers names it (a page pr_rmpage() took off and pr_pagelist_free() never gave back)";
                }
            }
            return null;
        });

    /// <summary>
    /// A u-area is wired once: uvm_fault_wire() of its range makes each page's wire_count 1, and
    /// only while it is unwired: fork1()'s uvm_lwp_fork() wires a new u-area
    /// <c>if ((l2-&gt;l_flag &amp; L_INMEM) == 0)</c> (a cached one, from uvm_uarea_alloc(), is still
    /// wired), uvm_swapin() wires a swapped-out LWP's once and uvm_swapout() unwires it once
    /// (uvm_glue.c); no other path wires kernel memory. A page wired twice was wired by two paths
    /// that each believed it unwired, and the one unwiring that follows leaves it wired for ever
    /// (hunt36: a cached u-area wired again at fork). Judged at the end only: a PHOLD() swap-in may
    /// wire a u-area whose swapout has cleared L_INMEM and not yet unwired it (uvm_swapout() drops
    /// sched_lock before its uvm_fault_unwire(), which may sleep on kernel_map), a count of 2 the
    /// unwiring brings back to 1.
    /// </summary>
    public static readonly LivenessProperty UareaIsWiredAtMostOnce = new(
        nameof(UareaIsWiredAtMostOnce),
        "Once nothing more can run, no u-area and no kernel_object page is wired more than once: uvm_fault_wire() wires a u-area only while it is unwired (uvm_lwp_fork(): if ((l2->l_flag & L_INMEM) == 0); uvm_swapin() of a swapped-out LWP), and each wiring has its one unwiring.",
        Detector.Subsystem, k =>
        {
            var obj = k.Vm.KernelObject;
            for (int i = 0; i < obj.Size; i++)
                if (obj.PageAt(i) is { WireCount: > 1 } p)
                    return $"{p} of kernel_object has wire_count {p.WireCount}";
            var uareas = k.Uareas.All;
            for (int i = 0; i < uareas.Count; i++)
                if (uareas[i].WireCount > 1)
                    return $"{uareas[i]} is wired {uareas[i].WireCount} times";
            return null;
        });

    /// <summary>Whether one of <paramref name="pp"/>'s page headers (empty, partial or full) is of page <paramref name="page"/>.</summary>
    private static bool HasHeaderFor(Model.Pool.Pool pp, int page) =>
        Has(pp.EmptyPages, page) || Has(pp.PartialPages, page) || Has(pp.FullPages, page);

    private static bool Has(IReadOnlyList<Model.Pool.PoolPage> list, int page)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i].Page == page) return true;
        return false;
    }

    /// <summary>Every leak check.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [AnonRefsEqualTheirHolders, ShmObjectRefsEqualTheirHolders, RemovedShmSegmentIsDeallocated, KernelLoansAreReturned, PoolHoldsOnlyItsHeadersPages, UareaIsWiredAtMostOnce];
}
