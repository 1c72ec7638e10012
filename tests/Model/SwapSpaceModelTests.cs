using FsCheck;
using FsCheck.Fluent;
using Uvm.Model.Core;

namespace Uvm.Tests.Model;

/// <summary>
/// Model-based test of the swap-slot map against a reference set of slots in use: random sequences
/// of uvm_swap_alloc and uvm_swap_free agree with it, and uvm_swap_free panics exactly when the
/// reference says the slot is 0, out of range, or not in use.
/// </summary>
public sealed class SwapSpaceModelTests
{
    /// <summary>300 sequences over 4 slots and slot numbers -1..5: every slot is allocated, freed and double-freed often.</summary>
    [Fact]
    public void SwapSlotMapAgreesWithASetOfSlotsInUse()
    {
        var op = Gen.OneOf(Gen.Constant(0), Gen.Choose(-1, 5).Select(s => s == 0 ? 100 : s));
        Prop.ForAll(Gen.ListOf(op).ToArbitrary(), ops => Agrees([.. ops])).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static bool Agrees(IReadOnlyList<int> ops)
    {
        const int slots = 4;
        var k = VmFixture.Kernel(slots: slots);
        var self = VmFixture.Actor(k);
        var inUse = new SortedSet<int>();
        foreach (var op in ops)
        {
            if (op == 0)
            {
                int expected = Enumerable.Range(1, slots).FirstOrDefault(s => !inUse.Contains(s));
                if (k.Vm.Swap.Alloc(self) != expected) return false;
                if (expected != 0) inUse.Add(expected);
                continue;
            }
            int slot = op == 100 ? 0 : op;
            if (slot == -1)
            {
                k.Vm.Swap.Free(self, slot, 1);
                continue;
            }
            bool shouldPanic = !inUse.Contains(slot);
            try
            {
                k.Vm.Swap.Free(self, slot, 1);
                if (shouldPanic) return false;
                inUse.Remove(slot);
            }
            catch (KernelPanicException)
            {
                if (!shouldPanic) return false;
                return true;
            }
            if (k.Vm.Swap.InUse != inUse.Count) return false;
            if (Enumerable.Range(1, slots).Any(s => k.Vm.Swap.IsInUse(s) != inUse.Contains(s))) return false;
        }
        return true;
    }
}
