using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// The swap "drum" of uvm_swap.c with one swap device: slots 1..<see cref="Slots"/> (slot 0 means
/// "no slot" and belongs to no device; SWSLOT_BAD = -1 marks a failed slot). <see cref="Lock"/>
/// (uvm.swap_data_lock) covers the slot allocator and swpginuse. swapctl() can disable the device
/// (SWF_ENABLE cleared during swap_off) and remove or re-add it. Left out: several devices and
/// priorities, contiguous multi-page clusters (every allocation is one slot), bad-slot marking.
/// </summary>
public sealed class SwapSpace
{
    /// <summary>SWSLOT_BAD: a slot whose I/O failed; uvm_swap_free() ignores it.</summary>
    public const int SwslotBad = -1;

    /// <summary>Which slots are allocated; index 0 is never used.</summary>
    private readonly bool[] _inUse;

    /// <summary>A swap space of <paramref name="slots"/> slots, configured and enabled when nonzero.</summary>
    public SwapSpace(int slots)
    {
        _inUse = new bool[slots + 1];
        Configured = Enabled = slots > 0;
    }

    /// <summary>The device's size in slots (swd_npages).</summary>
    public int Slots => _inUse.Length - 1;

    /// <summary>The device is configured (swapctl SWAP_ON); its slots count in uvmexp.swpages.</summary>
    public bool Configured { get; internal set; }

    /// <summary>SWF_ENABLE: uvm_swap_alloc() may allocate from the device.</summary>
    public bool Enabled { get; internal set; }

    /// <summary>uvm.swap_data_lock.</summary>
    public StepLock Lock { get; } = new("uvm.swap_data_lock");

    /// <summary>uvmexp.swpages.</summary>
    public int SwPages => Configured ? Slots : 0;

    /// <summary>uvmexp.swpginuse.</summary>
    public int InUse { get; private set; }

    /// <summary>True when <paramref name="slot"/> is allocated.</summary>
    public bool IsInUse(int slot) => slot >= 1 && slot <= Slots && _inUse[slot];

    /// <summary>True when an enabled device has a free slot.</summary>
    public bool CanAllocate => Enabled && InUse < Slots;

    /// <summary>uvm_swap_alloc(&amp;1, lessok): one free slot, or 0 when none; never sleeps.</summary>
    internal int Alloc(KernelThread self)
    {
        Lock.Acquire(self);
        int slot = 0;
        if (Enabled)
            for (int s = 1; s <= Slots && slot == 0; s++)
                if (!_inUse[s]) slot = s;
        if (slot != 0)
        {
            _inUse[slot] = true;
            InUse++;
        }
        Lock.Release(self);
        return slot;
    }

    /// <summary>
    /// uvm_swap_free(start, n): SWSLOT_BAD is ignored; otherwise swapdrum_getsdp(start) must find
    /// the device (KASSERT(sdp != NULL): slot 0 belongs to none) and every slot must be in use
    /// (KASSERT(sdp->swd_npginuse &gt;= nslots) and extent_free(), which panics on a range it
    /// never handed out).
    /// </summary>
    internal void Free(KernelThread self, int start, int n, bool skipCount = false)
    {
        if (start == SwslotBad) return;
        Lock.Acquire(self);
        if (start < 1 || start + n - 1 > Slots || !Configured)
            throw new KernelPanicException("uvm_swap_free", $"swapdrum_getsdp({start}) == NULL: KASSERT(sdp != NULL) failed (uvm_swap_free({start}, {n}))");
        for (int s = start; s < start + n; s++)
        {
            if (!_inUse[s])
                throw new KernelPanicException("uvm_swap_free", $"slot {s} is not in use (extent_free: region not found)");
            _inUse[s] = false;
            if (!skipCount) InUse--; // skipCount: the mutation Switches.DropswapSkipsSwpginuse
        }
        Lock.Release(self);
    }
}
