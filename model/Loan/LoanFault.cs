using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// The loan cases of uvm_fault() (uvm_fault.c rev 1.69, 2001, with the page order of the later
/// uvm_loanbreak()): a write never goes into a loaned page in place. Case 1 (an anon's page):
/// with an_ref &gt; 1 the write copies into a new anon (1B, copy-on-write); with an_ref == 1 and a
/// loaned page it "kills the loan": the anon gets a copy and the old page, still loaned, loses its
/// owner. Case 2A (an object's page on loan): the copy replaces the page in the object
/// (uvm_pagerealloc) and the old page, still loaned, leaves it. Locks: an_lock or vmobjlock held
/// through the fault, uvm.pageqlock inside a step. Approx.: an unmapped lender (a loan client
/// without pmaps) reads a page on loan as if through the read-only mapping the loan left (no fault,
/// no uvm_pageactivate()); a 2003 kernel whose process read-faulted on such a page would put it back
/// on the active queue. A mapped lender gets the mapping read-only there, and case 1A caps its
/// mappings of a shared anon or a loaned page the same way. A shm user's pmap gets the loaned page read-only. A
/// loan break removes the old page's mappings ("force a reload of the old page by clearing it
/// from all pmaps"). Left out: wired faults, pmap_enter failure.
/// </summary>
public static class LoanFault
{
    /// <summary>A touch of page <paramref name="index"/> of a process's private memory whose anons may be lent or loaned.</summary>
    /// <remarks>
    /// <paramref name="pmap"/> (a mapped lender's) gets the mapping at <paramref name="index"/>: a
    /// loaned page or a shared anon's read-only, as case 1A caps enter_prot, a copy writable.
    /// </remarks>
    internal static IEnumerable<Step> TouchAnon(Kernel k, KernelThread self, Anon?[] amap, int index, bool write, UserPmap? pmap = null)
    {
        while (true)
        {
            if (amap[index] is not { } anon)
            {
                foreach (var s in Fault.TouchAnon(k, self, amap, index, write, pmap: pmap)) yield return s; // zero-fill
                yield break;
            }
            foreach (var s in Locks.Take(anon.Lock, self, "uvm_fault: simple_lock(an_lock)")) yield return s;
            bool wasResident = anon.Page is { Busy: false };
            var got = new Out<Page>();
            var failed = new Out<bool>();
            foreach (var s in AnonPager.Get(k, self, anon, got, ioError: failed)) yield return s;
            // uvm_fault(): ERESTART refaults; any other error (EIO of a bad slot) is returned, and
            // trap() signals the process (a refault would read the bad slot again, forever).
            if (got.Value is not { } p)
            {
                if (failed.Value) yield break;
                continue;
            }
            TakeOverOwnerlessPage(k, self, anon, p);
            if (!write && p.LoanCount > 0)
            {
                // Read of a loaned page: the loan left the mapping read-only; no fault (a mapped
                // lender faulted because it had none: pmap_enter() read-only, "cap the protection").
                pmap?.Enter(index, anon, p, writable: false);
                p.Referenced = true;
                anon.Lock.Release(k, self);
                yield return Step.Ran("uvm_fault: loaned page, mapped read-only");
                yield break;
            }
            bool shared = anon.RefCount > 1; // read under an_lock
            if (write && (shared || p.LoanCount > 0))
            {
                if (PageQueues.Alloc(k) is not { } fresh)
                {
                    anon.Lock.Release(k, self);
                    if (shared && Pageout.OutOfSwap(k))
                    {
                        yield return Pageout.OutOfSwapStep; // case 1B: ENOMEM (the loan break of case 1 waits)
                        yield break;
                    }
                    yield return Pageout.Wait(k, shared ? "flt_noram3" : "flt_noram2");
                    continue; // ReFault
                }
                yield return shared ? CopyOnWrite(k, self, amap, index, anon, fresh, pmap) : BreakAnonLoan(k, self, anon, p, fresh, pmap, index);
                yield break;
            }
            // case 1A: "disallow writes to ref > 1 anons" and to a loaned page.
            pmap?.Enter(index, anon, p, writable: !shared && p.LoanCount == 0);
            PageQueues.Busy(p, "uvm_fault");
            if (wasResident) yield return Step.Ran("uvm_fault: anon page resident");
            yield return Fault.Finish(k, self, p, anon.Lock, write);
            yield break;
        }
    }

    /// <summary>
    /// uvm_anon_lockloanpg(), an_lock held: a page that its anon only borrowed and whose object let
    /// it go becomes the anon's (PQ_ANON), and the anon's loan goes.
    /// </summary>
    private static void TakeOverOwnerlessPage(Kernel k, KernelThread self, Anon anon, Page p)
    {
        if (p.Object is not null || p.PqAnon || p.Anon != anon) return;
        k.Vm.PageQueueLock.Acquire(self);
        p.PqAnon = true;
        p.LoanCount--;
        k.Vm.PageQueueLock.Release(self);
    }

    /// <summary>
    /// Case 1B, an_lock held: the anon is shared (an_ref &gt; 1, e.g. lent with UVM_LOAN_TOANON):
    /// copy into a new anon, put it in the amap, drop a reference to the old one, pmap_enter.
    /// </summary>
    private static Step CopyOnWrite(Kernel k, KernelThread self, Anon?[] amap, int index, Anon oanon, Page fresh, UserPmap? pmap)
    {
        var anon = AnonPager.New(k, self, fresh, oanon.Page!.Data, oanon.Written); // uvm_analloc + uvm_pagecopy of old (a copy is dirty)
        amap[index] = anon;
        oanon.RefCount--;
        oanon.Lock.Release(k, self);
        fresh.BusyOwner = "uvm_fault";
        pmap?.Enter(index, anon, fresh, writable: true);
        return Fault.Finish(k, self, fresh, anon.Lock, write: true, "uvm_fault: case 1B copy-on-write, pmap_enter");
    }

    /// <summary>
    /// Case 1 with an_ref == 1 on a loaned page, an_lock held: copy, kill the loan and install the
    /// copy. The old page keeps its kernel loans but no longer has this anon (an O->A page drops
    /// the anon's loan; an owned page loses PQ_ANON), so the kernel frees it at uvm_unloanpage().
    /// </summary>
    private static Step BreakAnonLoan(Kernel k, KernelThread self, Anon anon, Page old, Page fresh, UserPmap? pmap, int index)
    {
        k.Vm.PageQueueLock.Acquire(self);
        if (old.Object is not null && !old.PqAnon) old.LoanCount--; // we were borrowing it
        old.Anon = null;
        old.PqAnon = false;
        fresh.Flags &= ~(PageFlags.Fake | PageFlags.Clean); // uvm_pagecopy()
        fresh.Data = old.Data;
        Pmap.PageProtectNone(k, old); // "force reload": the old page leaves the anon, so its mappings go
        anon.Page = fresh;
        fresh.Anon = anon;
        fresh.PqAnon = true;
        PageQueues.Activate(k, fresh);
        k.Vm.PageQueueLock.Release(self);
        fresh.BusyOwner = "uvm_fault";
        pmap?.Enter(index, anon, fresh, writable: true);
        return Fault.Finish(k, self, fresh, anon.Lock, write: true, "uvm_fault: break loan (case 1), pmap_enter");
    }

    /// <summary>
    /// A loaned object page <paramref name="p"/>, busy for this fault and vmobjlock held (case
    /// 2A): a read maps it read-only; a write copies it into a new page that replaces it in the
    /// object. With no free page the fault un-busies it, waits in uvm_wait("flt_noram4") and
    /// reports <c>false</c> in <paramref name="done"/> so that the caller refaults.
    /// </summary>
    internal static IEnumerable<Step> FinishObject(Kernel k, KernelThread self, AObj obj, Page p, bool write, Out<bool> done, UserPmap? pmap = null, int slot = 0)
    {
        done.Value = true;
        if (!write)
        {
            pmap?.Enter(slot, obj, p.Index, p, writable: false); // "enter_prot = enter_prot & ~VM_PROT_WRITE" for a loaned page
            p.Referenced = true;
            PageQueues.UnbusyOwned(k, p, "uvm_fault");
            obj.Lock.Release(k, self);
            yield return Step.Ran("uvm_fault: loaned page, mapped read-only");
            yield break;
        }
        if (PageQueues.Alloc(k) is not { } fresh)
        {
            PageQueues.UnbusyOwned(k, p, "uvm_fault");
            obj.Lock.Release(k, self);
            done.Value = false;
            yield return Pageout.Wait(k, "flt_noram4");
            yield break;
        }
        yield return BreakObjectLoan(k, self, obj, p, fresh, pmap, slot);
    }

    /// <summary>
    /// Case 2A write on a loaned object page, vmobjlock held: uvm_pagecopy() into
    /// <paramref name="fresh"/>, un-busy the old page, uvm_pagerealloc() it out of the object and
    /// the copy in. The old page stays where it was: a kernel loan holds it off the queues, an anon
    /// loan on them (for the pagedaemon to hand it to that anon). The old page is marked dirty as
    /// uvm_pagefree() marks a loaned page leaving its object, so an anon taking it over knows it has
    /// no swap copy; uvm_pagefree() clears PG_CLEAN right after uvm_pageremove(), inside the
    /// allocator, and this path does it just before. 1.69's uvm_pagerealloc() leaves PG_CLEAN as it
    /// is: switch <see cref="Switches.LoanBreakLeavesOldPageClean"/> (the 2012 text marks the orphan
    /// when an anon takes it over).
    /// </summary>
    private static Step BreakObjectLoan(Kernel k, KernelThread self, AObj obj, Page old, Page fresh, UserPmap? pmap, int slot)
    {
        fresh.Flags &= ~(PageFlags.Fake | PageFlags.Clean);
        fresh.Data = old.Data; // uvm_pagecopy()
        // "force a reload of the old page by clearing it from all pmaps" (uvm_fault.c 1.69)
        Pmap.PageProtectNone(k, old);
        PageQueues.UnbusyOwned(k, old, "uvm_fault");
        k.Vm.PageQueueLock.Acquire(self);
        int index = old.Index;
        // Marked dirty while the object still owns it, under its vmobjlock: once out of the object
        // an anon-loaned page is the anon's, whose an_lock this path does not hold (the
        // lock-discipline detector reported the store made after the removal, in a generated loan
        // workload: loananon() of a shm page, then a write fault on it).
        if (!k.Config.Has(Switches.LoanBreakLeavesOldPageClean)) old.Flags &= ~PageFlags.Clean;
        obj.Remove(old);
        PageQueues.Activate(k, fresh);
        obj.Insert(fresh, index);
        k.Vm.PageQueueLock.Release(self);
        fresh.BusyOwner = "uvm_fault";
        pmap?.Enter(slot, obj, index, fresh, writable: true);
        return Fault.Finish(k, self, fresh, obj.Lock, write: true, "uvm_fault: break loan (case 2A), pmap_enter");
    }
}
