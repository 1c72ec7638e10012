using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// The swap "drum" of uvm_swap.c with one swap device: slots 1..<see cref="Slots"/> (slot 0 means
/// "no slot" and belongs to no device; SWSLOT_BAD = -1 marks a failed slot). <see cref="Lock"/>
/// (uvm.swap_data_lock) covers the slot allocator and swpginuse. swapctl() can disable the device
/// (SWF_ENABLE cleared during swap_off) and remove or re-add it. The pagedaemon allocates a
/// contiguous cluster (<see cref="Alloc(KernelThread, ref int, bool)"/>); a failed pageout marks its
/// slots bad (<see cref="MarkBad"/>), which keeps them allocated for ever. Left out: several
/// devices and priorities, the extent allocator's placement (the lowest fitting run is taken).
/// </summary>
public sealed class SwapSpace
{
    /// <summary>SWSLOT_BAD: a slot whose I/O failed; uvm_swap_free() ignores it.</summary>
    public const int SwslotBad = -1;

    /// <summary>Which slots are allocated; index 0 is never used.</summary>
    private readonly bool[] _inUse;

    /// <summary>Which allocated slots uvm_swap_markbad() marked bad (counted in swd_npgbad).</summary>
    private readonly bool[] _bad;

    /// <summary>The data on the device in each slot; index 0 is never used.</summary>
    private readonly Content?[] _data;

    /// <summary>A swap space of <paramref name="slots"/> slots, configured and enabled when nonzero.</summary>
    public SwapSpace(int slots, WriteVersions? versions = null, Discipline? discipline = null)
    {
        _versions = versions;
        _d = discipline;
        _inUse = new bool[slots + 1];
        _bad = new bool[slots + 1];
        _data = new Content?[slots + 1];
        Array.Fill(_data, Content.Unfilled);
        Configured = Enabled = slots > 0;
    }

    /// <summary>The device's size in slots (swd_npages).</summary>
    public int Slots => _inUse.Length - 1;

    /// <summary>The device is configured (swapctl SWAP_ON); its slots count in uvmexp.swpages. On swap_list, under uvm.swap_data_lock.</summary>
    public bool Configured { get; internal set { FlagsWritten("swap_list (swaplist_insert, swaplist_trim)"); field = value; } }

    /// <summary>SWF_ENABLE: uvm_swap_alloc() may allocate from the device. In swd_flags, under uvm.swap_data_lock.</summary>
    public bool Enabled { get; internal set { FlagsWritten("swd_flags (SWF_ENABLE)"); field = value; } }

    /// <summary>
    /// SWF_FAKE, "placeholder only": sys_swapctl(SWAP_ON) has put the device on swap_list
    /// (swaplist_insert(): uvmexp.nswapdev++) and swap_on() has not yet made it live (VOP_OPEN,
    /// VOP_GETATTR and extent_alloc(EX_WAITOK) may sleep first); its slots are not in
    /// uvmexp.swpages until then. In swd_flags, under uvm.swap_data_lock.
    /// </summary>
    public bool Fake { get; internal set { FlagsWritten("swd_flags (SWF_FAKE)"); field = value; } }

    /// <summary>
    /// A swap_off() of the device is between its clearing of SWF_ENABLE and its end (the EBUSY
    /// return that sets it again, or the removal): the model's, not a kernel field (the swapctl
    /// caller's place in swap_off()), for SwapDeviceIsEnabledUnlessSwapOffRuns.
    /// </summary>
    public bool OffRunning { get; internal set { V(); field = value; } }

    /// <summary>uvm.swap_data_lock.</summary>
    public StepLock Lock { get; } = new("uvm.swap_data_lock");

    /// <summary>uvmexp.nswapdev: configured swap devices (one here, while <see cref="Configured"/>).</summary>
    public int NSwapDev => Configured ? 1 : 0;

    /// <summary>uvmexp.swpages.</summary>
    public int SwPages => Configured && !Fake ? Slots : 0;

    /// <summary>uvmexp.swpginuse.</summary>
    public int InUse { get; private set { SlotsWritten(); field = value; } }

    /// <summary>swd_npgbad: slots marked bad after a failed pageout; they stay allocated.</summary>
    public int Bad { get; private set { SlotsWritten(); field = value; } }

    /// <summary>True when <paramref name="slot"/> was marked bad by uvm_swap_markbad().</summary>
    public bool IsBad(int slot) => slot >= 1 && slot <= Slots && _bad[slot];

    /// <summary>True when <paramref name="slot"/> is allocated.</summary>
    public bool IsInUse(int slot) => slot >= 1 && slot <= Slots && _inUse[slot];

    /// <summary>
    /// The data on the device in <paramref name="slot"/>: what the last completed uvm_swap_put()
    /// wrote there, whoever owned the slot then. Freeing a slot does not erase it, so a read of a
    /// slot that was freed and given to another page returns that page's data, and a read of a
    /// slot freed and not yet written again returns <see cref="Content.Unfilled"/>. No slot (0) and
    /// SWSLOT_BAD hold nothing a read could return: <see cref="Content.Unfilled"/> too.
    /// </summary>
    public Content? Data(int slot) => slot >= 1 && slot <= Slots ? _data[slot] : Content.Unfilled;

    /// <summary>A write to <paramref name="slot"/> completed (uvm_aio_aiodone() of a uvm_swap_put()) with <paramref name="data"/>.</summary>
    internal void Store(int slot, Content? data)
    {
        V();
        _data[slot] = data;
    }

    /// <summary>True when an enabled device has a free slot.</summary>
    public bool CanAllocate => Enabled && InUse < Slots;

    /// <summary>uvm_swap_alloc(&amp;1, lessok): one free slot, or 0 when none; never sleeps.</summary>
    internal int Alloc(KernelThread self)
    {
        V();
        int n = 1;
        return Alloc(self, ref n, lessok: true);
    }

    /// <summary>
    /// uvm_swap_alloc(&amp;nslots, lessok) of uvm_swap.c (2002): under swap_data_lock, the first
    /// slot of <paramref name="n"/> contiguous free slots (swpginuse += n), or 0. With lessok a
    /// request that does not fit is retried for one slot ("XXXMRG: ugh! extent should support
    /// this for us"), and <paramref name="n"/> says how many were given. Never sleeps.
    /// </summary>
    internal int Alloc(KernelThread self, ref int n, bool lessok)
    {
        V();
        Lock.Acquire(self);
        int slot = Enabled ? FirstRun(n) : 0;
        if (slot == 0 && Enabled && n > 1 && lessok)
        {
            n = 1;
            slot = FirstRun(1);
        }
        for (int s = slot; slot != 0 && s < slot + n; s++)
        {
            SlotsWritten();
            _inUse[s] = true;
            InUse++;
        }
        Lock.Release(self);
        return slot;
    }

    /// <summary>The first slot of a run of <paramref name="n"/> free slots, or 0.</summary>
    private int FirstRun(int n)
    {
        for (int s = 1, run = 0; s <= Slots; s++)
        {
            run = _inUse[s] ? 0 : run + 1;
            if (run == n) return s - n + 1;
        }
        return 0;
    }

    /// <summary>
    /// uvm_swap_markbad(start, n) (uvm_swap.c of the simple_lock era): under swap_data_lock,
    /// swapdrum_getsdp(start) must find the device (KASSERT(sdp != NULL)), KASSERT(swpgonly &gt;= n),
    /// swpgonly -= n, swd_npgbad += n. The slots stay allocated so that they are never used again.
    /// </summary>
    internal void MarkBad(KernelThread self, int start, int n, Uvmexp uvmexp, bool skipCount = false)
    {
        V();
        Lock.Acquire(self);
        if (start < 1 || start + n - 1 > Slots || !Configured)
            throw new KernelPanicException("uvm_swap_markbad", $"swapdrum_getsdp({start}) == NULL: KASSERT(sdp != NULL) failed (uvm_swap_markbad({start}, {n}))");
        if (uvmexp.SwpgOnly < n)
            throw new KernelPanicException("uvm_swap_markbad", $"KASSERT(uvmexp.swpgonly >= nslots) failed: swpgonly {uvmexp.SwpgOnly}, nslots {n}");
        uvmexp.SwpgOnly -= n;
        for (int s = start; s < start + n; s++)
        {
            SlotsWritten();
            _bad[s] = true;
            if (!skipCount) Bad++; // skipCount: the mutation Switches.MarkbadSkipsNpgbad
        }
        Lock.Release(self);
    }

    /// <summary>
    /// uvm_swap_free(start, n): SWSLOT_BAD is ignored; otherwise swapdrum_getsdp(start) must find
    /// the device (KASSERT(sdp != NULL): slot 0 belongs to none) and every slot must be in use
    /// (KASSERT(sdp->swd_npginuse &gt;= nslots) and extent_free(), which panics on a range it
    /// never handed out).
    /// </summary>
    /// <remarks><paramref name="countAfterUnlock"/>: the mutation <c>Switches.SwapFreeCountsAfterUnlock</c>.</remarks>
    internal void Free(KernelThread self, int start, int n, bool skipCount = false, bool countAfterUnlock = false)
    {
        V();
        if (start == SwslotBad) return;
        Lock.Acquire(self);
        if (start < 1 || start + n - 1 > Slots || !Configured)
            throw new KernelPanicException("uvm_swap_free", $"swapdrum_getsdp({start}) == NULL: KASSERT(sdp != NULL) failed (uvm_swap_free({start}, {n}))");
        for (int s = start; s < start + n; s++)
        {
            if (!_inUse[s])
                throw new KernelPanicException("uvm_swap_free", $"slot {s} is not in use (extent_free: region not found)");
            SlotsWritten();
            _inUse[s] = false;
            _data[s] = Content.Unfilled; // what it held is nobody's now (see Content.Unfilled)
            if (!skipCount && !countAfterUnlock) InUse--; // skipCount: the mutation Switches.DropswapSkipsSwpginuse
        }
        Lock.Release(self);
        if (countAfterUnlock && !skipCount) InUse -= n;
    }

    /// <summary>
    /// swap_off()'s end, under uvm.swap_data_lock held by the caller: the device leaves with its
    /// bad slots, the only ones still in use ("uvmexp.swpginuse -= sdp->swd_npgbad", then
    /// extent_destroy(): a device configured again starts with every slot free).
    /// </summary>
    internal void DropBadSlots()
    {
        for (int s = 1; s <= Slots; s++)
        {
            if (!_bad[s]) continue;
            SlotsWritten();
            (_bad[s], _inUse[s], _data[s]) = (false, false, Content.Unfilled);
            InUse--;
        }
        Bad = 0;
    }

    /// <summary>The write versions of the kernel; null for a swap space built alone in a test.</summary>
    private readonly WriteVersions? _versions;

    /// <summary>A write to the swap state (<see cref="StateDomain.Swap"/>).</summary>
    private void V() => _versions?.Bump(StateDomain.Swap);

    /// <summary>The detectors of the swap space's kernel; null for one built alone in a test.</summary>
    private readonly Discipline? _d;

    /// <summary>
    /// A write of the slot map, swpginuse or swd_npgbad, which the running step does holding
    /// uvm.swap_data_lock (uvm_swap.c: uvm_swap_alloc(), uvm_swap_free() and uvm_swap_markbad()
    /// change them under it). The lock is taken and dropped inside one step, so only the
    /// lock-discipline check sees a write outside it.
    /// </summary>
    private void SlotsWritten()
    {
        V();
        _d?.WriteAlsoUnder(Lock, this, "swap slot map and counts");
    }

    /// <summary>The device's flags and its place on swap_list are uvm.swap_data_lock's too (uvm_swap.c swap_on(), swap_off()).</summary>
    private void FlagsWritten(string field)
    {
        V();
        _d?.WriteAlsoUnder(Lock, this, field);
    }

    /// <inheritdoc/>
    public override string ToString() => "swap"; // also its label in explain's state (scenarios/Explain/StateDescriber.cs)
}
