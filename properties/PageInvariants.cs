using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// Invariants of physical pages and the paging queues (uvm_page.c, uvm_pdaemon.c,
/// docs/kernel-sources.md, pagedaemon scan), and the liveness of the pagedaemon.
/// </summary>
public static class PageInvariants
{
    /// <summary>
    /// Queue membership agrees with pq flags, and an idle page is on exactly one queue. A page a
    /// path declared it holds (<see cref="Page.Holder"/>, a pool page) is in use, on none. A loaned
    /// page may be on none: uvm_pagefree() dequeues a page the kernel still borrows. So may the
    /// shared zero page: its pager, ulz_put() (uvm_loan.c rev 1.41, 2003, unchanged in later
    /// revisions), dequeues it when no anon borrows it, by design, since it is never freed.
    /// </summary>
    public static readonly Invariant PageIsOnExactlyOneQueueUnlessBusyOrWired = new(
        nameof(PageIsOnExactlyOneQueueUnlessBusyOrWired),
        "A page that is neither busy, wired, loaned nor held by a declared holder is on exactly one of the free, active and inactive queues, a wired page is on neither paging queue (uvm_pagewire() takes it off; uvm_pageactivate() leaves it off: \"if (pg->wire_count == 0)\"), and the queues hold each page at most once.",
        "vm", k =>
        {
            var vm = k.Vm;
            var bad = QueueMismatch(vm.Pages, vm.FreeQueue, PageQueue.Free) ?? QueueMismatch(vm.Pages, vm.ActiveQueue, PageQueue.Active)
                ?? QueueMismatch(vm.Pages, vm.InactiveQueue, PageQueue.Inactive);
            if (bad is not null) return bad;
            int queued = vm.FreeQueue.Count + vm.ActiveQueue.Count + vm.InactiveQueue.Count;
            int claimed = 0;
            for (int i = 0; i < vm.Pages.Count; i++)
            {
                var p = vm.Pages[i];
                if (p.WireCount > 0 && p.Queue is PageQueue.Active or PageQueue.Inactive)
                    return $"{p} is wired (wire_count {p.WireCount}) but on the {p.Queue.ToString().ToLowerInvariant()} queue";
                if (p.Queue != PageQueue.None) claimed++;
                else if (!p.Busy && p.WireCount == 0 && p.LoanCount == 0 && p.Holder is null && p.Object != vm.LoanZeroObject)
                    return $"{p} is neither busy, wired, loaned nor held but on no queue";
            }
            return claimed == queued ? null : $"{claimed} pages claim a queue but the queues hold {queued}";
        })
    {
        Reads = StateDomain.Pages,
    };

    /// <summary>A free page belongs to nobody and carries no state; a holder lets it go before freeing it.</summary>
    public static readonly Invariant FreePageHasNoOwner = Invariant.ForAll(
        nameof(FreePageHasNoOwner),
        "A page on the free queue has no owner (anon or object), no holder, no flags, and no wire or loan count.",
        "vm", k => k.Vm.FreeQueue,
        p => !p.Owned && p.Holder is null && p.Flags == PageFlags.None && p.WireCount == 0 && p.LoanCount == 0,
        p => $"{p} is free with flags {p.Flags}, wire_count {p.WireCount}, loan_count {p.LoanCount}"
            + (p.Holder is { } h ? $", still held by {h}" : "")) with { Reads = StateDomain.Pages };

    /// <summary>uvmexp.free counts exactly the free pages.</summary>
    public static readonly Invariant FreeCountMatchesFreeQueue = new(
        nameof(FreeCountMatchesFreeQueue),
        "uvmexp.free equals the number of pages on the free queue (plus free pages not yet materialized).",
        "vm", k => k.Uvmexp.Free == k.Vm.FreeQueue.Count + k.Vm.Unmaterialized
            ? null : $"uvmexp.free is {k.Uvmexp.Free} but {k.Vm.FreeQueue.Count + k.Vm.Unmaterialized} pages are free")
    {
        Reads = StateDomain.Pages,
    };

    /// <summary>
    /// PG_CLEAN of a swap-backed page promises a copy in swap; freeing a clean page relies on it. A
    /// vnode page (not PQ_SWAPBACKED) has its copy in its file.
    /// </summary>
    public static readonly Invariant CleanPageHasSwapCopy = Invariant.ForAll(
        nameof(CleanPageHasSwapCopy),
        "An owned swap-backed page that is clean and not busy has a swap slot holding its copy.",
        "vm", k => k.Vm.Pages,
        p => !p.Owned || p.Busy || (p.Flags & PageFlags.Clean) == 0 || p.OwnerSlot != 0 || p.WireCount > 0 || p.Object is { IsVnode: true },
        p => $"{p} is clean but its owner has no swap slot for it") with { Reads = StateDomain.Pages | StateDomain.Anons | StateDomain.Objects }; // OwnerSlot: an_swslot or the object's slot

    /// <summary>
    /// A wired page is never paged out, so its swap copy is dead weight: uvm_fault() (1.69 and
    /// 1.113 alike) gives the slot back in the critical section that wires the page, after
    /// uvm_pagewire() ("since an anon with no swap cannot be PG_CLEAN, clear its clean flag now"):
    /// uao_dropswap() for the u-area pages of kernel_object (uvm_fault_wire() from uvm_swapin(),
    /// PHOLD() and fork1(); model/Sched/UareaWiring.cs, WirePage), uvm_anon_dropswap() for an
    /// anon's page in case 1A of a wiring fault (mlock(), model/Cow/CowFault.cs); case 1B and the
    /// zero-fill give the page a new anon, which has no slot. Every other way to a slot keeps
    /// clear of wired pages: the pagedaemon gives slots only to pages it takes off the inactive
    /// queue, which a wired page is not on, and busies them until aiodoned frees or re-dirties
    /// them (an ENOMEM clears the slot); a wiring fault waits for a busy page; swapctl -d's
    /// uao_pagein_page() and anon_pagein() clear the slot of the page they bring in, and one a
    /// swap-in wired while they slept has none left to clear. So no state of the fixed kernel
    /// needs an exception, and a wiring that keeps the slot leaks it for as long as the page stays
    /// wired. A busy page is left out only because its owner may be between the read that brought
    /// it in (uao_get(), uvmfault_anonget(), slot kept) and the wiring that drops the slot.
    /// </summary>
    public static readonly Invariant WiredPageHoldsNoSwapSlot = Invariant.ForAll(
        nameof(WiredPageHoldsNoSwapSlot),
        "An owned page that is wired and not busy has no swap slot: uvm_fault() drops it when it wires the page (uvm_anon_dropswap(), uao_dropswap()), since a wired page is never paged out.",
        "vm", k => k.Vm.Pages,
        p => p.WireCount == 0 || p.Busy || !p.Owned || p.OwnerSlot == 0,
        p => $"{p} is wired (wire_count {p.WireCount}) but its owner keeps swap slot {p.OwnerSlot} for it") with { Reads = StateDomain.Pages | StateDomain.Anons | StateDomain.Objects }; // OwnerSlot: an_swslot or the object's slot

    /// <summary>
    /// uvm_page.h: "PG_RELEASED: page to be freed when unbusied". It is set only on a busy page,
    /// by uvm_anfree() of an anon whose page someone else busied (uvm_anon.c since PR kern/23171:
    /// "just mark the page as PG_RELEASED"), which leaves the anon to whoever un-busies the page:
    /// uvm_aio_aiodone()'s uvm_anon_release() after a pageout, uvmfault_anonget()'s "released"
    /// branch after a read, uvm_page_unbusy() (uvm_page.c), which frees it. uvm_pagefree() of a
    /// loaned page un-busies it and clears the flag in one go (model/Vm/PageQueues.cs, Free). A
    /// released page that is not busy was un-busied by a path that forgot to free it, or flagged by
    /// one that had not busied it: its anon, freed by its last holder, is then never freed. Listed
    /// first of the page invariants: the page on no queue that such a path leaves is its symptom.
    /// </summary>
    public static readonly Invariant ReleasedPageIsBusy = Invariant.ForAll(
        nameof(ReleasedPageIsBusy),
        "A page with PG_RELEASED set is PG_BUSY (uvm_page.h: \"page to be freed when unbusied\"): whoever un-busies it frees it.",
        "vm", k => k.Vm.Pages,
        p => (p.Flags & PageFlags.Released) == 0 || p.Busy,
        p => $"{p} is PG_RELEASED but not busy (flags {p.Flags}): un-busied and never freed") with { Reads = StateDomain.Pages };

    /// <summary>
    /// Liveness: a thread waiting for memory in uvm_wait() is eventually served while the pagedaemon
    /// has something to reclaim: a clean page, a dirty file page (its pager writes it to its file),
    /// or a dirty page and a free swap slot to write it to.
    /// </summary>
    public static readonly LivenessProperty MemoryShortageWithReclaimablePagesEventuallyEnds = new(
        nameof(MemoryShortageWithReclaimablePagesEventuallyEnds),
        "A thread sleeping for memory on &uvmexp.free is eventually woken and served while reclaimable pages exist.",
        "vm", k => FirstSleeperOn(k, Pageout.FreeMemory) is { } waiter && FirstReclaimable(k) is { } reclaimable
            ? $"{waiter} waits for memory while {reclaimable} could be reclaimed" : null);

    /// <summary>The first thread asleep on <paramref name="channel"/>, or null.</summary>
    private static KernelThread? FirstSleeperOn(IKernelView k, WaitChannel channel)
    {
        for (int i = 0; i < k.Threads.Count; i++)
            if (k.Threads[i].SleepingOn == channel) return k.Threads[i];
        return null;
    }

    /// <summary>The first queued, idle, unwired, unloaned page the pagedaemon could free or page out, inactive queue first.</summary>
    private static Page? FirstReclaimable(IKernelView k)
    {
        bool swapFree = k.Vm.Swap.CanAllocate && k.Uvmexp.SwpgOnly < k.Vm.Swap.SwPages;
        return FirstReclaimable(k.Vm.InactiveQueue, swapFree) ?? FirstReclaimable(k.Vm.ActiveQueue, swapFree);
    }

    /// <summary>The first page of <paramref name="queue"/> the pagedaemon could reclaim, or null.</summary>
    private static Page? FirstReclaimable(IReadOnlyList<Page> queue, bool swapFree)
    {
        for (int i = 0; i < queue.Count; i++)
            if (queue[i] is { Owned: true, Busy: false, WireCount: 0, LoanCount: 0 } p && ((p.Flags & PageFlags.Clean) != 0 || swapFree || p.Object is { IsVnode: true }))
                return p;
        return null;
    }

    /// <summary>The first link of <paramref name="queue"/> that repeats an earlier one or whose page says another queue.</summary>
    private static string? QueueMismatch(IReadOnlyList<Page> pages, IReadOnlyList<Page> queue, PageQueue which)
    {
        Span<bool> seen = pages.Count <= PageIndex.StackLimit ? stackalloc bool[pages.Count] : new bool[pages.Count];
        for (int i = 0; i < queue.Count; i++)
        {
            var p = queue[i];
            int at = PageIndex.Of(pages, p);
            bool twice = at >= 0 ? seen[at] : PageIndex.OccursBefore(queue, p, i);
            if (at >= 0) seen[at] = true;
            if (twice) return $"{p} is on the {which} queue twice";
            if (p.Queue != which) return $"{p} is on the {which} queue but says {p.Queue}";
        }
        return null;
    }

    /// <summary>
    /// uvm_fault() enters a mapping (pmap_enter) only while the map entry it looked up is still in
    /// the map: a fault that slept relocks with uvmfault_relock(), which fails when map->timestamp
    /// moved (uvm_fault_i.h; uvm_fault.c 1.69 "relock failed, need to restart the fault"), and
    /// uvm_unmap_remove() has already pmap_remove()d the range. The rule NoMappingOutlivesItsEntry
    /// states for the pmaps the model keeps (the copy-on-write spaces), checked at pmap_enter()
    /// for the memory whose pmap is not modelled (Fault.Finish: the private heaps of AnonUser).
    /// Stated as the kernel keeps it: after any sleep the lookup counts only once a relock held, so
    /// a path that forgets to relock (and zero-fills into, or maps from, an amap the unmap wiped) is
    /// seen even while the entry happens to be there.
    /// </summary>
    public static readonly Invariant FaultEntersNoMappingOfARemovedEntry = Invariant.AtEvent(
        nameof(FaultEntersNoMappingOfARemovedEntry),
        "uvm_fault() enters a mapping only under a lookup that holds: after a sleep, only once uvmfault_relock() has found the map unchanged (it restarts the fault otherwise).", "vm");

    /// <summary>Every page invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
        [ReleasedPageIsBusy, PageIsOnExactlyOneQueueUnlessBusyOrWired, FreePageHasNoOwner, FreeCountMatchesFreeQueue, CleanPageHasSwapCopy, WiredPageHoldsNoSwapSlot, FaultEntersNoMappingOfARemovedEntry];

    /// <summary>Every page liveness property.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [MemoryShortageWithReclaimablePagesEventuallyEnds];
}
