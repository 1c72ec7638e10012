using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Cow;

/// <summary>
/// uvmfault_anonget() (uvm_fault.c) entered with map, amap and an_lock held. A busy page: set
/// PG_WANTED, uvmfault_unlockall(), sleep. No page: allocate one (none: unlockall,
/// uvm_wait("flt_noram1")) and read it from swap with everything unlocked. After any sleep,
/// uvmfault_relock() (uvm_fault_i.h) re-takes the map's read lock and fails if the map's timestamp
/// moved; then the amap, and the anon if relocked or if we own the page. Our page came back
/// PG_RELEASED (the anon was freed meanwhile): free it and the anon, ERESTART. Not relocked:
/// ERESTART. The slot no longer holds this anon: ERESTART. ERESTART returns null, all unlocked.
/// A slot marked bad by a failed pageout (SWSLOT_BAD) fails the read at once (uvm_swap_get()); after
/// the relock the page is freed, its sleepers woken, and the error returned (uvm_fault.c 1.113:
/// <c>if (error) { if (anon-&gt;an_swslot &gt; 0) uvm_swap_markbad(...); anon-&gt;an_swslot = SWSLOT_BAD;
/// ... uvm_pagefree(pg); ... return error; }</c>): null with <c>ioError</c> set, all unlocked.
/// </summary>
public static class CowAnonGet
{
    /// <summary>Ends with everything locked and <paramref name="result"/> resident and not busy, or null (ERESTART, nothing locked).</summary>
    internal static IEnumerable<Step> Get(Kernel k, KernelThread self, CowSpace space, Amap amap, Anon anon, int page, int stamp, Out<Page> result, Out<bool>? ioError = null)
    {
        while (true)
        {
            Page? own = null;
            bool bad = false;
            if (anon.Page is { } p)
            {
                if (!p.Busy) { result.Value = p; yield break; }
                PageQueues.Want(p);
                CowFault.UnlockAll(k, self, space, amap, anon);
                yield return Step.Sleep("uvmfault_anonget: anonget2 (page busy)", p.Channel);
            }
            else if (PageQueues.Alloc(k) is not { } fresh)
            {
                CowFault.UnlockAll(k, self, space, amap, anon);
                yield return Pageout.Wait(k, "flt_noram1");
            }
            else
            {
                fresh.Anon = anon;
                fresh.PqAnon = true;
                fresh.BusyOwner = k.Config.Has(Switches.AnongetBusiesWithoutOwner) ? null : "uvmfault_anonget";
                anon.Page = own = fresh;
                bad = anon.SwSlot == SwapSpace.SwslotBad; // uvm_swap_get(): SWSLOT_BAD fails at once
                if (!bad && !k.Config.Has(Switches.CowAnongetSkipsSwpgonly)) k.Uvmexp.SwpgOnly--; // uvm_swap_get()
                if (!bad) fresh.Data = k.Vm.Swap.Data(anon.SwSlot); // the read: whatever the slot holds
                CowFault.UnlockAll(k, self, space, amap, anon);
                if (!bad) self.MaySleep(); // uvm_swap_io(): biowait() sleeps until the read is done, mi_switch() releases the big lock
                yield return Step.Ran("uvmfault_anonget: uvm_swap_get");
            }
            // uvmfault_relock()
            foreach (var s in Locks.Take(space.Lock, self, "uvmfault_relock: vm_map_lock_read")) yield return s;
            bool locked = space.Timestamp == stamp || k.Config.Has(Switches.RelockIgnoresTimestamp);
            if (!locked) space.Lock.Release(k, self);
            if (locked) foreach (var s in Locks.Take(amap.Lock, self, "uvmfault_anonget: amap_lock")) yield return s;
            if (locked || own is not null) foreach (var s in Locks.Take(anon.Lock, self, "uvmfault_anonget: simple_lock(an_lock)")) yield return s;
            if (own is not null && bad && (own.Flags & PageFlags.Released) == 0)
            {
                // The read failed: an_page = NULL (the slot is SWSLOT_BAD already: no markbad),
                // uvm_pagefree() of the page, never un-busied so never mapped, its sleepers woken.
                anon.Page = null;
                k.Vm.PageQueueLock.Acquire(self);
                PageQueues.Unbusy(k, own);
                PageQueues.Free(k, own);
                k.Vm.PageQueueLock.Release(self);
                if (locked) CowFault.UnlockAll(k, self, space, amap, anon);
                else anon.Lock.Release(k, self);
                result.Value = null;
                if (ioError is not null) ioError.Value = true;
                yield return Step.Ran("uvmfault_anonget: I/O error, uvm_pagefree");
                yield break;
            }
            if (own is not null)
            {
                if ((own.Flags & PageFlags.Released) != 0)
                {
                    // The anon was freed during the read: uvm_anfree() it now, ERESTART.
                    if (locked) { amap.Lock.Release(k, self); space.Lock.Release(k, self); }
                    AnonPager.Release(k, self, anon, own);
                    anon.Lock.Release(k, self);
                    yield return Step.Ran("uvmfault_anonget: PG_RELEASED, uvm_anfree, ERESTART");
                    result.Value = null;
                    yield break;
                }
                k.Vm.PageQueueLock.Acquire(self);
                PageQueues.Unbusy(k, own);
                PageQueues.Activate(k, own);
                k.Vm.PageQueueLock.Release(self);
                if (!locked) anon.Lock.Release(k, self);
            }
            if (!locked || amap.Lookup(space.SlotOf(page)) != anon)
            {
                if (locked) CowFault.UnlockAll(k, self, space, amap, anon);
                yield return Step.Ran("uvmfault_anonget: relock failed or anon moved, ERESTART");
                result.Value = null;
                yield break;
            }
        }
    }
}
