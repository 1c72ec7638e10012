using System.Diagnostics;
using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// Invariants of swap slots (uvm_swap.c, uvm_anon.c, uvm_aobj.c, docs/kernel-sources.md, swap slots): slot 0 is
/// no slot, every allocated slot has exactly the owners and pageouts that reference it.
/// </summary>
public static class SwapInvariants
{
    /// <summary>No slot is recorded by two owners (anon an_swslot or aobj page entry).</summary>
    public static readonly Invariant SwapSlotHasAtMostOneOwner = new(
        nameof(SwapSlotHasAtMostOneOwner),
        "A swap slot is recorded by at most one owner: one anon's an_swslot or one aobj page's slot entry.",
        "swap", k =>
        {
            int top = 0;
            foreach (var o in Owners(k.Vm)) top = Math.Max(top, o.Slot);
            Span<bool> seen = top < StackLimit ? stackalloc bool[top + 1] : new bool[top + 1];
            foreach (var o in Owners(k.Vm))
            {
                if (seen[o.Slot]) return $"slot {o.Slot} is recorded by {FirstOwnerOf(k.Vm, o.Slot)} and by {o}";
                seen[o.Slot] = true;
            }
            return null;
        })
    {
        Reads = StateDomain.Anons | StateDomain.Objects,
    };

    /// <summary>
    /// swpginuse accounting: the allocated slots are exactly those the owners, the pageouts in
    /// flight and the pagedaemon's open swap cluster reference, plus those uvm_swap_markbad() kept.
    /// </summary>
    public static readonly Invariant AllocatedSlotsAreExactlyTheReferencedSlots = new(
        nameof(AllocatedSlotsAreExactlyTheReferencedSlots),
        "The allocated swap slots are exactly the slots referenced by anons, aobjs, pageouts in flight and the pagedaemon's open swap cluster, plus the slots marked bad.",
        "swap", k =>
        {
            var vm = k.Vm;
            int slots = vm.Swap.Slots;
            // An allocated slot is in 1..Slots, so every slot that gets this far has a mark.
            Span<bool> referenced = slots < StackLimit ? stackalloc bool[slots + 1] : new bool[slots + 1];
            foreach (var o in Owners(vm))
            {
                if (!vm.Swap.IsInUse(o.Slot)) return $"{o} records slot {o.Slot}, which is not allocated";
                referenced[o.Slot] = true;
            }
            for (int i = 0; i < vm.PagesInFlight.Count; i++)
            {
                var io = vm.PagesInFlight[i];
                if (io.Slot == 0) continue; // a vnode page's write to its file
                for (int j = 0; j < io.Pages.Count; j++)
                {
                    if (!vm.Swap.IsInUse(io.Slot + j)) return $"the pageout of {io.Pages[j]} writes slot {io.Slot + j}, which is not allocated";
                    referenced[io.Slot + j] = true;
                }
            }
            if (vm.Cluster is { } cluster)
                for (int s = cluster.Slot; s < cluster.Slot + cluster.Allocated; s++)
                {
                    if (!vm.Swap.IsInUse(s)) return $"the pagedaemon's swap cluster holds slot {s}, which is not allocated";
                    referenced[s] = true;
                }
            for (int s = 1; s <= slots; s++)
                if (vm.Swap.IsInUse(s) && !referenced[s] && !vm.Swap.IsBad(s)) return $"slot {s} is allocated but nothing references it (leaked)";
            return null;
        })
    {
        Reads = StateDomain.Anons | StateDomain.Objects | StateDomain.Swap,
    };

    /// <summary>
    /// A slot belongs to a configured device (swapdrum_getsdp(slot) finds it, uvm_swap.c): swap_off()
    /// removes the device only once its pages are all back and its slots freed, and fails with
    /// EBUSY otherwise. A slot still allocated or recorded once the device is gone is freed or
    /// read later through a device lookup that finds nothing (uvm_swap_free()'s KASSERT(sdp != NULL),
    /// a swap read of a removed device): judged at the removal, not at that later use.
    /// </summary>
    public static readonly Invariant NoSwapSlotOutlivesItsDevice = new(
        nameof(NoSwapSlotOutlivesItsDevice),
        "No swap slot is allocated, recorded by an anon or aobj, or written by a pageout while its device is not configured: swap_off() removes a device only once every slot on it is freed.",
        "swap", k =>
        {
            var vm = k.Vm;
            if (vm.Swap.Configured) return null;
            if (vm.Swap.InUse != 0) return $"the swap device is removed with {vm.Swap.InUse} slot(s) still allocated";
            foreach (var o in Owners(vm)) return $"{o} records slot {o.Slot} of the removed swap device";
            for (int i = 0; i < vm.PagesInFlight.Count; i++)
                if (vm.PagesInFlight[i].Slot > 0) return $"the pageout of {vm.PagesInFlight[i].Pages[0]} writes slot {vm.PagesInFlight[i].Slot} of the removed swap device";
            return null;
        })
    {
        Reads = StateDomain.Anons | StateDomain.Objects | StateDomain.Swap,
    };

    /// <summary>
    /// SWF_ENABLE is off only while swap_off() runs: it clears the flag before its page-in walks
    /// and sets it again, under uvm.swap_data_lock, when it fails (ENOMEM, EBUSY), or removes the
    /// device (uvm_swap.c swap_off()). A configured device left disabled is never allocated from
    /// again, and swapctl -a of it fails with EBUSY.
    /// </summary>
    public static readonly Invariant SwapDeviceIsEnabledUnlessSwapOffRuns = new(
        nameof(SwapDeviceIsEnabledUnlessSwapOffRuns),
        "A configured swap device has SWF_ENABLE set unless a swap_off() of it is running (swap_off() sets the flag again when it fails) or swap_on() has yet to make it live (SWF_FAKE).",
        "swap", k =>
        {
            var swap = k.Vm.Swap;
            return swap.Configured && !swap.Enabled && !swap.OffRunning && !swap.Fake ? "the swap device is configured but SWF_ENABLE is clear, and no swap_off() is running" : null;
        })
    {
        Reads = StateDomain.Swap,
    };

    /// <summary>swap_off()'s page-in walks leave no walked owner on the device (judged where they end, model/Pager/SwapOff.cs).</summary>
    public static readonly Invariant SwapOffPagesInEverySwappedPage = Invariant.AtEvent(
        nameof(SwapOffPagesInEverySwappedPage),
        "When swap_off()'s page-in walks (uao_swap_off(), amap_swap_off()) are done, no anon an amap holds and no aobj on uao_list records a slot of the device: only what the walks cannot reach (a dying anon, a detaching aobj, a pageout in flight) may keep one, for the EBUSY test.",
        "swap");

    /// <summary>Slot tables of up to this many slots live on the stack.</summary>
    private const int StackLimit = 256;

    /// <summary>Every owner of a slot &gt; 0: anons first, then each aobj's slot entries.</summary>
    private static SlotOwners Owners(VmState vm) => new(vm);

    /// <summary>The first of <see cref="Owners"/> that records <paramref name="slot"/>.</summary>
    private static SlotOwner FirstOwnerOf(VmState vm, int slot)
    {
        foreach (var o in Owners(vm))
            if (o.Slot == slot) return o;
        throw new UnreachableException($"no owner records slot {slot}");
    }

    /// <summary>A recorded slot: an anon's an_swslot, or entry <see cref="Index"/> of an aobj's slot table.</summary>
    private readonly record struct SlotOwner(int Slot, Anon? Anon, AObj? Obj, int Index)
    {
        /// <summary>The owner as a violation names it: <c>anon 3</c> or <c>aobj 1[0]</c>.</summary>
        public override string ToString() => Anon?.ToString() ?? $"{Obj}[{Index}]";
    }

    /// <summary>
    /// The owners of <see cref="Owners"/> as a struct enumerator rather than an iterator, so that a
    /// check walks them without allocating (and names an owner only when it reports one).
    /// </summary>
    private struct SlotOwners(VmState vm)
    {
        private int _anon = -1, _obj, _index = -1;

        public SlotOwner Current { get; private set; }

        public readonly SlotOwners GetEnumerator() => this;

        public bool MoveNext()
        {
            while (++_anon < vm.Anons.Count)
                if (vm.Anons[_anon] is { SwSlot: > 0 } a)
                {
                    Current = new(a.SwSlot, a, null, 0);
                    return true;
                }
            for (; _obj < vm.AObjs.Count; _obj++, _index = -1)
            {
                var o = vm.AObjs[_obj];
                while (++_index < o.SwapSlots.Count)
                    if (o.SwapSlots[_index] > 0)
                    {
                        Current = new(o.SwapSlots[_index], null, o, _index);
                        return true;
                    }
            }
            return false;
        }
    }

    /// <summary>Every swap invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
        [SwapSlotHasAtMostOneOwner, AllocatedSlotsAreExactlyTheReferencedSlots, NoSwapSlotOutlivesItsDevice, SwapDeviceIsEnabledUnlessSwapOffRuns, SwapOffPagesInEverySwappedPage];
}
