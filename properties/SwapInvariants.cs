using Uvm.Model;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// Invariants of swap slots (uvm_swap.c, uvm_anon.c, uvm_aobj.c, kernel-reference §3): slot 0 is
/// no slot, every allocated slot has exactly the owners and pageouts that reference it.
/// </summary>
public static class SwapInvariants
{
    /// <summary>uvm_swap_free() is never asked to free slot 0 (the kernel's KASSERT(sdp != NULL) fires first).</summary>
    public static readonly Invariant FreedSwapSlotIsNeverZero = new(
        nameof(FreedSwapSlotIsNeverZero),
        "uvm_swap_free() is never called for slot 0, which no swap device owns.",
        "swap", k => k.Vm.Swap.LastFreed == 0 ? "uvm_swap_free(0, 1) was called" : null);

    /// <summary>No slot is recorded by two owners (anon an_swslot or aobj page entry).</summary>
    public static readonly Invariant SwapSlotHasAtMostOneOwner = new(
        nameof(SwapSlotHasAtMostOneOwner),
        "A swap slot is recorded by at most one owner: one anon's an_swslot or one aobj page's slot entry.",
        "swap", k =>
        {
            var owners = new Dictionary<int, string>();
            foreach (var (slot, owner) in Owners(k.Vm))
            {
                if (owners.TryGetValue(slot, out var first)) return $"slot {slot} is recorded by {first} and by {owner}";
                owners[slot] = owner;
            }
            return null;
        });

    /// <summary>swpginuse accounting: the allocated slots are exactly those the owners and pageouts in flight reference.</summary>
    public static readonly Invariant AllocatedSlotsAreExactlyTheReferencedSlots = new(
        nameof(AllocatedSlotsAreExactlyTheReferencedSlots),
        "The allocated swap slots are exactly the slots referenced by anons, aobjs and pageouts in flight.",
        "swap", k =>
        {
            var vm = k.Vm;
            var referenced = new HashSet<int>();
            foreach (var (slot, owner) in Owners(vm))
            {
                if (!vm.Swap.IsInUse(slot)) return $"{owner} records slot {slot}, which is not allocated";
                referenced.Add(slot);
            }
            foreach (var io in vm.PagesInFlight)
            {
                if (!vm.Swap.IsInUse(io.Slot)) return $"the pageout of {io.Page} writes slot {io.Slot}, which is not allocated";
                referenced.Add(io.Slot);
            }
            for (int s = 1; s <= vm.Swap.Slots; s++)
                if (vm.Swap.IsInUse(s) && !referenced.Contains(s)) return $"slot {s} is allocated but nothing references it (leaked)";
            return null;
        });

    /// <summary>Every (slot, owner) pair with a slot &gt; 0.</summary>
    private static IEnumerable<(int Slot, string Owner)> Owners(VmState vm)
    {
        foreach (var a in vm.Anons)
            if (a.SwSlot > 0) yield return (a.SwSlot, a.ToString());
        foreach (var o in vm.AObjs)
            for (int i = 0; i < o.SwapSlots.Count; i++)
                if (o.SwapSlots[i] > 0) yield return (o.SwapSlots[i], $"{o}[{i}]");
    }

    /// <summary>Every swap invariant.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
        [FreedSwapSlotIsNeverZero, SwapSlotHasAtMostOneOwner, AllocatedSlotsAreExactlyTheReferencedSlots];
}
