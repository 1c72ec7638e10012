using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// The page allocator and the paging queues of uvm_page.c (rev 1.6x, 2002): uvm_pagealloc(),
/// uvm_pagefree(), uvm_pageactivate(), uvm_pagedeactivate(), uvm_pagedequeue() and the un-busy
/// of uvm_page_unbusy(). Called inside a step by a thread that holds the owner's lock; the page
/// queue lock (uvm.pageqlock) and the free list lock are taken and dropped within the call, as
/// they are never held across a sleep. uvmexp.active, inactive and wired change with the queues
/// and wire counts, as in uvm_page.c and uvm_page_i.h of that era; the model's readers (the
/// pagedaemon, this allocator's wakeup test) read them, as the kernel does. Left out: page colours,
/// free-list priorities, zeroed pages.
/// </summary>
public static class PageQueues
{
    /// <summary>
    /// uvm_pagealloc(): a free page, busy, fake and clean, on no queue and not yet owned; null when
    /// only reserved pages remain. Wakes the pagedaemon when free + paging drops below freemin, or
    /// below freetarg while the inactive queue is short.
    /// <paramref name="useReserve"/> is uvm_pagealloc_strat()'s <c>use_reserve</c>:
    /// <c>(flags &amp; UVM_PGA_USERESERVE) || (obj &amp;&amp; UVM_OBJ_IS_KERN_OBJECT(obj))</c>, true for
    /// kernel_object's pages (u-area wiring) and the pool allocator's pages, false for anons and
    /// user objects.
    /// </summary>
    internal static Page? Alloc(Kernel k, bool useReserve = false)
    {
        var vm = k.Vm;
        var ux = k.Uvmexp;
        // uvm_pagealloc_strat() (uvm_page.c, the same test from 1998 to 2008): fail if
        //   [1] there really are no free pages (free <= reserve_pagedaemon covers it: that is at least 0);
        //   [2] only kernel "reserved" pages remain and the page isn't being allocated to a kernel object;
        //   [3] only pagedaemon "reserved" pages remain and the requestor isn't the pagedaemon.
        // [3] is (free <= reserve_pagedaemon && !(use_reserve && curproc == uvm.pagedaemon_proc)):
        // the model's pagedaemon allocates no page (its pageout path takes no buf or pager_map
        // space, docs/fidelity.md), so [3] fails every caller here.
        if ((ux.Free <= ux.ReserveKernel && !useReserve) || ux.Free <= ux.ReservePagedaemon) return null;
        Page p;
        if (vm.FreeQ.Count > 0)
        {
            p = vm.FreeQ[^1];
            vm.FreeQ.RemoveAt(vm.FreeQ.Count - 1);
            p.Allocated();
        }
        else
        {
            vm.Unmaterialized--;
            p = new Page(vm.PageList.Count + 1, vm.Versions, k) { Data = Content.Unfilled }; // memory nobody has filled since boot
            vm.PageList.Add(p);
            p.Allocated();
        }
        ux.Free--;
        p.Queue = PageQueue.None;
        p.Flags = PageFlags.Busy | PageFlags.Fake | PageFlags.Clean;
        p.BusyOwner = "new alloc"; // UVM_PAGE_OWN(pg, "new alloc")
        p.Referenced = false;
        if (ux.Free + ux.Paging < ux.FreeMin || (ux.Free + ux.Paging < ux.FreeTarg && ux.Inactive < ux.InactTarg))
            k.SleepQueues.Wakeup(Pageout.Pagedaemon);
        return p;
    }

    /// <summary>
    /// uvm_pagefree(): take the page off its queue and its owner and put it on the free list. A
    /// loaned page is only disowned: the loan holder keeps it (uvm_loan.c). An anon that merely
    /// borrowed an ownerless page (uanon without PQ_ANON) gives up its loan here, and the page is
    /// freed if that was the last. A page still on loan leaves the paging queues unless an anon
    /// still borrows it: that anon may later take it over in the pagedaemon (as the later
    /// uvm_pagefree() does; the 2003 text is not available).
    /// </summary>
    internal static void Free(Kernel k, Page p)
    {
        if (p.Queue == PageQueue.Free)
            throw new KernelPanicException("uvm_pagefree", $"{p} is already free");
        // KASSERT((pg->flags & PG_PAGEOUT) == 0) on entry (uvm_page.c since UBC, 2000): a page
        // whose pageout is in flight belongs to the pagedaemon's I/O until aiodoned clears the flag.
        if ((p.Flags & PageFlags.Pageout) != 0)
            throw new KernelPanicException("uvm_pagefree", $"KASSERT((pg->flags & PG_PAGEOUT) == 0) failed: {p} is in pageout");
        // Changes the file does not hold: PG_CLEAN clear, or a store through a mapping that no
        // pmap_clear_modify() folded in (the pmap modified bit).
        if (p.Object is { IsVnode: true } vn && !p.IsClean)
            k.Events.Break("DirtyFilePageIsNeverFreed", $"{p} is freed with changes its file ({vn}) does not hold");
        p.InAllocator(true);
        if (p.LoanCount > 0 && !k.Config.Has(Switches.PagefreeFreesLoanedPage))
        {
            // A loaned page is only disowned (an object's copy is marked dirty for the loan's
            // anon) and un-busied; the borrower frees it later.
            if (p.Object is { } o)
            {
                o.Remove(p);
                p.Flags &= ~PageFlags.Clean;
            }
            else if (p.Anon is { } holder)
            {
                if (!p.PqAnon) p.LoanCount--; // the borrowing anon's own loan
                p.PqAnon = false;
                if (holder.Page == p) holder.Page = null;
                p.Anon = null;
            }
            Unbusy(k, p);
            p.Flags &= ~PageFlags.Released;
            if (p.LoanCount > 0)
            {
                if (p.Anon is null) Dequeue(k, p);
                p.InAllocator(false);
                return;
            }
        }
        Dequeue(k, p);
        if (k.Config.Has(Switches.PageremoveKeepsHashEntry)) p.Object = null;
        else if (!k.Config.Has(Switches.PagefreeKeepsObject)) p.Object?.Remove(p);
        if (p.Anon is { } a && a.Page == p && !k.Config.Has(Switches.PagefreeKeepsAnonPage)) a.Page = null;
        p.Anon = null;
        p.PqAnon = false;
        p.Flags = PageFlags.None;
        p.BusyOwner = null;
        p.Referenced = false;
        if (p.WireCount > 0)
        {
            p.WireCount = 0;
            if (!k.Config.Has(Switches.PagefreeSkipsWiredCount)) k.Uvmexp.Wired--;
        }
        p.Queue = PageQueue.Free;
        p.Data = Content.Unfilled; // what it held is nobody's now (see Content.Unfilled)
        p.PmapModified = false; // approx.: no mapping is left (pmap_page_protect() came first), and the next owner starts clean of it
        p.InAllocator(false);
        p.Freed();
        k.Vm.FreeQ.Add(p);
        if (!k.Config.Has(Switches.PagefreeSkipsFreeCount)) k.Uvmexp.Free++;
    }

    /// <summary>
    /// uvm_pageactivate(): to the tail of the active queue (off the inactive one); a wired page stays
    /// off. A page already active moves to the tail ("if page is already active, remove it from list
    /// so we can put it at tail", uvm_page_i.h), uncounted.
    /// </summary>
    internal static void Activate(Kernel k, Page p)
    {
        if (p.Queue == PageQueue.Inactive) Dequeue(k, p);
        if (p.WireCount > 0 && !k.Config.Has(Switches.PageactivateIgnoresWire)) return; // pageactivate-ignores-wire
        if (p.Queue == PageQueue.Active)
        {
            k.Vm.ActiveQ.Remove(p);
            k.Vm.ActiveQ.Add(p);
            return;
        }
        p.Queue = PageQueue.Active;
        k.Vm.ActiveQ.Add(p);
        if (!k.Config.Has(Switches.PageactivateSkipsActiveCount)) k.Uvmexp.Active++;
    }

    /// <summary>
    /// uvm_pagedeactivate() (uvm_page_i.h 1.8.2.1; uvm_page.c of 2005 the same with a KASSERT): off
    /// the active queue; a page not yet inactive goes to the tail of the inactive queue, its
    /// reference bit cleared and PG_CLEAN cleared if the pmap saw a store ("update the clean
    /// bit"). "Caller must check to make sure page is not wired": a wired page panics ("caller did
    /// not check wire count") where the model used to skip it silently.
    /// </summary>
    internal static void Deactivate(Kernel k, Page p)
    {
        if (p.Busy) p.UsedWhileBusy("deactivated");
        if (p.Queue == PageQueue.Active) Dequeue(k, p);
        if (p.Queue == PageQueue.Inactive) return;
        if (p.WireCount > 0)
            throw new KernelPanicException("uvm_pagedeactivate", $"{p} is wired ({p.WireCount}): caller did not check wire count");
        p.Queue = PageQueue.Inactive;
        k.Vm.InactiveQ.Add(p);
        k.Uvmexp.Inactive++;
        if (!k.Config.Has(Switches.PagedeactivateKeepsReference)) p.Referenced = false; // pmap_clear_reference(pg); pagedeactivate-keeps-reference
        if ((p.Flags & PageFlags.Clean) != 0 && p.PmapModified) p.Flags &= ~PageFlags.Clean; // pmap_is_modified(pg)
    }

    /// <summary>uvm_pagedequeue(): off the active or inactive queue.</summary>
    internal static void Dequeue(Kernel k, Page p)
    {
        if (p.Queue == PageQueue.Active)
        {
            k.Vm.ActiveQ.Remove(p);
            k.Uvmexp.Active--;
        }
        else if (p.Queue == PageQueue.Inactive)
        {
            if (!k.Config.Has(Switches.PagedequeueSkipsInactiveRemoval)) k.Vm.InactiveQ.Remove(p);
            if (!k.Config.Has(Switches.PagedequeueSkipsInactiveCount)) k.Uvmexp.Inactive--;
        }
        else return;
        p.Queue = PageQueue.None;
    }

    /// <summary>uvm_pagewire(): the first wiring takes the page off the paging queues and counts it in uvmexp.wired.</summary>
    internal static void Wire(Kernel k, Page p)
    {
        if (p.WireCount == 0)
        {
            Dequeue(k, p);
            k.Uvmexp.Wired++;
        }
        p.WireCount++;
    }

    /// <summary>
    /// uvm_pageunwire(): drop one wiring; true when it was the last (uvmexp.wired--), and the
    /// caller then activates the page as the kernel does (<see cref="PhysMem.UnwireUareaPages"/>).
    /// </summary>
    internal static bool Unwire(Kernel k, Page p)
    {
        if (--p.WireCount > 0) return false;
        k.Uvmexp.Wired--;
        return true;
    }

    /// <summary>
    /// uvm_fault_unwire_locked()'s uvm_pageunwire() of the page pmap_extract() found mapped
    /// (<paramref name="what"/> names the address), uvm.pageqlock held: a page whose wire count
    /// drops to 0 goes on the active queue (uvm_page_i.h). Nothing mapped (<paramref name="p"/>
    /// null) is "unwiring non-wired memory" (uvm_fault.c 1.69). Mapped but not wired (uvm_page_i.h
    /// has no check; a later kernel asserts it), the u_short wire_count would wrap, which the model
    /// reports rather than represents.
    /// </summary>
    internal static void UnwireMapped(Kernel k, Page? p, string what)
    {
        if (p is null)
            throw new KernelPanicException("uvm_fault_unwire_locked", $"unwiring non-wired memory: {what} is not mapped (pmap_extract fails)");
        if (p.WireCount == 0)
            throw new KernelPanicException("uvm_pageunwire", $"{p} ({what}) is not wired: wire_count 0 would wrap");
        if (Unwire(k, p) && !k.Config.Has(Switches.PageunwireSkipsActivate)) Activate(k, p); // pageunwire-skips-activate
    }

    /// <summary>Set PG_BUSY with UVM_PAGE_OWN(pg, owner).</summary>
    internal static void Busy(Page p, string owner)
    {
        if (p.Busy) throw new KernelPanicException("uvm_page_own", $"{p} is already busy ({p.BusyOwner}), wanted by {owner}");
        p.Flags |= PageFlags.Busy;
        p.BusyOwner = owner;
    }

    /// <summary>Clear PG_BUSY (UVM_PAGE_OWN(pg, NULL)) and wake PG_WANTED sleepers.</summary>
    internal static void Unbusy(Kernel k, Page p)
    {
        if ((p.Flags & PageFlags.Wanted) != 0) Sched.Tsleep.WakeupPage(k, p.Channel);
        p.Flags &= ~(PageFlags.Busy | PageFlags.Wanted | PageFlags.Fake);
        p.BusyOwner = null;
    }

    /// <summary>
    /// pg->flags &amp;= ~(PG_WANTED|PG_BUSY|PG_FAKE) and UVM_PAGE_OWN(pg, NULL) in a kernel built
    /// with UVM_PAGE_TRKOWN (uvm_page_own(), as later revisions have it): dropping ownership of a
    /// page nobody owns panics, and a page that has an owner, no wiring and no loan must already be
    /// on a paging queue, or the pagedaemon would never find it. <paramref name="site"/> names the
    /// caller for the message.
    /// </summary>
    internal static void UnbusyOwned(Kernel k, Page p, string site)
    {
        if (p.BusyOwner is null)
            throw new KernelPanicException("uvm_page_own", $"{site}: dropping ownership of a non-owned page ({p})");
        Unbusy(k, p);
        if (p.Queue is not (PageQueue.Active or PageQueue.Inactive) && p.Owned && p.WireCount == 0 && p.LoanCount == 0)
            throw new KernelPanicException("uvm_page_own",
                $"{site}: KASSERT((pg->uanon == NULL && pg->uobject == NULL) || pg->wire_count > 0) failed: {p} is on no paging queue");
    }

    /// <summary>Sleep on a busy page: set PG_WANTED; the caller then drops its lock and sleeps on <see cref="Page.Channel"/>.</summary>
    internal static void Want(Page p) => p.Flags |= PageFlags.Wanted;
}
