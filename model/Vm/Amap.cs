using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// struct vm_amap (uvm_amap.h, 2003): the anon slots of a map entry. <see cref="Lock"/> (am_l, a
/// simple lock in 2003; later revisions share one mutex with the anons) protects the slots,
/// <see cref="NUsed"/> and <see cref="Ref"/> ("[locks all vm_amap fields]"); the lock-discipline
/// detector checks each access during a step. The kernel's two unlocked accesses are named:
/// amap_copy()'s first read of am_ref (<see cref="RefUnlocked"/>) and its filling of the amap it
/// has just made (<see cref="AddWhileUnpublished"/>). An anon's own an_lock protects its an_ref.
/// am_slots and am_bckptr (the dense list of the slots in use and each slot's place in it) are kept
/// as amap_add(), amap_unadd() and amap_copy() keep them (uvm_amap_i.h 1.15 of 2000; the same in
/// uvm_amap.c 1.82.16.2 of 2007): amap_wiperange() walks them when that is cheaper. am_ppref, the
/// per-page reference count "for split vm_map_entry_t's" (uvm_amap.h), is kept in the kernel's
/// own run-length encoding (pp_getreflen/pp_setreflen, uvm_amap.c 1.20 of 1999 and 1.82.16.2 of
/// 2007 alike): null until amap_pp_establish() (model/Cow/AmapOps.cs); PPREF_NONE (malloc failure)
/// is left out. Left out: am_maxslot padding, amap_extend.
/// </summary>
public sealed class Amap
{
    private readonly Anon?[] _anons;

    /// <summary>am_slots and am_bckptr.</summary>
    private readonly int[] _slots, _bckptr;

    /// <summary>am_ppref, or null (not established).</summary>
    private int[]? _ppref;

    /// <summary>The detectors of the amap's kernel; null for an amap built alone in a test.</summary>
    private readonly Discipline? _d;

    /// <summary>Backs <see cref="Ref"/> and <see cref="NUsed"/>.</summary>
    private int _ref = 1, _nused;

    /// <summary>Where amap_free() freed the amap (model/Core/Poison.cs); live until then.</summary>
    private Poison _poison;

    /// <summary>Who dropped the reference count to 0 (<see cref="Discipline.Counted"/>).</summary>
    private LastReference _lastReference;

    internal Amap(int id, int slots, WriteVersions? versions = null, Kernel? kernel = null)
    {
        _versions = versions;
        _d = kernel?.Discipline;
        Id = id;
        _anons = new Anon?[slots];
        _slots = new int[slots];
        _bckptr = new int[slots];
        Lock = new SimpleLock($"am_l of amap {id}", LockKind.Simple, "am_l");
    }

    /// <summary>A global amap number, used in messages.</summary>
    public int Id { get; }

    /// <summary>am_l.</summary>
    public SimpleLock Lock { get; }

    /// <summary>am_ref: map entries referencing the amap; 0 once amap_wipeout() ran.</summary>
    public int Ref
    {
        get { Touch(); _d?.Read(Lock, this, "am_ref"); return _ref; }
        internal set { Touch(); _d?.Write(Lock, this, "am_ref", _ref); _d?.Counted(this, "am_ref", _ref, value, ref _lastReference); V(); _ref = value; }
    }

    /// <summary>am_nused: slots in use.</summary>
    public int NUsed
    {
        get { Touch(); _d?.Read(Lock, this, "am_nused"); return _nused; }
        internal set { Touch(); _d?.Write(Lock, this, "am_nused", _nused); V(); _nused = value; }
    }

    /// <summary>am_nslot.</summary>
    public int Slots => _anons.Length;

    /// <summary>amap_lookup(): the anon in <paramref name="slot"/>, or null.</summary>
    public Anon? Lookup(int slot)
    {
        Touch();
        _d?.Read(Lock, this, "am_anon");
        if (slot < 0 || slot >= _anons.Length) throw new KernelPanicException("amap_lookup", $"offset out of range: slot {slot} of {this} ({_anons.Length} slots)");
        return _anons[slot];
    }

    /// <summary>am_slots[<paramref name="i"/>]: the <paramref name="i"/>-th slot in use, for i &lt; am_nused (a stale value beyond).</summary>
    public int SlotInUse(int i)
    {
        Touch();
        _d?.Read(Lock, this, "am_slots");
        return _slots[i];
    }

    /// <summary>amap_add(aref, offset, anon, replace), am_l held: put <paramref name="anon"/> in <paramref name="slot"/>.</summary>
    internal void Add(int slot, Anon anon, bool replace)
    {
        Touch();
        _d?.WriteRef(Lock, this, "am_anon", _anons[slot]);
        V();
        if (slot < 0 || slot >= _anons.Length) throw new KernelPanicException("amap_add", $"offset out of range: slot {slot} of {this}");
        if (replace != (_anons[slot] is not null))
            throw new KernelPanicException("amap_add", replace ? $"replacing an empty slot {slot} of {this}" : $"slot {slot} of {this} already in use");
        if (!replace)
        {
            _bckptr[slot] = _nused; // am_bckptr[slot] = am_nused; am_slots[am_nused] = slot; am_nused++
            _slots[_nused] = slot;
            NUsed++;
        }
        _anons[slot] = anon;
    }

    /// <summary>
    /// am_ref read without am_l, as amap_copy() first reads it: "we are reading am_ref with the amap
    /// unlocked... the value can only be one if we have the only reference to the amap (via our
    /// locked map)" (uvm_amap.c, 2003); it double-checks under am_l.
    /// </summary>
    public int RefUnlocked
    {
        get
        {
            Touch();
            return _ref;
        }
    }

    /// <summary>
    /// amap_copy() filling the amap it has just made with amap_alloc1(): am_anon[slot] and (unless
    /// <paramref name="countUsed"/> is false, a mutation) am_nused++, without am_l, as the kernel does
    /// while no other thread can reach the new amap (its entry's map is write-locked).
    /// </summary>
    internal void AddWhileUnpublished(int slot, Anon anon, bool countUsed)
    {
        Touch();
        V();
        if (_anons[slot] is not null) throw new KernelPanicException("amap_copy", $"slot {slot} of {this} already in use");
        _anons[slot] = anon;
        if (!countUsed) return;
        _bckptr[slot] = _nused;
        _slots[_nused] = slot;
        _nused++;
    }

    /// <summary>
    /// Empties <paramref name="slot"/> (amap_wipeout/amap_unadd, amap_wiperange), am_l held: the
    /// last slot in use takes its place in am_slots ("swap to keep slots contig").
    /// </summary>
    internal void Unadd(int slot)
    {
        Touch();
        _d?.WriteRef(Lock, this, "am_anon", _anons[slot]);
        V();
        if (_anons[slot] is null) return;
        _anons[slot] = null;
        int ptr = _bckptr[slot], last = _nused - 1;
        if (ptr != last && last >= 0)
        {
            _slots[ptr] = _slots[last];
            _bckptr[_slots[ptr]] = ptr;
        }
        NUsed--;
    }

    /// <summary>Whether am_ppref is established (not NULL).</summary>
    public bool HasPpref
    {
        get { Touch(); _d?.Read(Lock, this, "am_ppref"); return _ppref is not null; }
    }

    /// <summary>
    /// amap_pp_establish()'s malloc and bzero, am_l held: an array of am_maxslot ints, all 0; the
    /// caller then sets its runs (<see cref="SetRefLen"/>).
    /// </summary>
    internal void EstablishPpref()
    {
        Touch();
        _d?.Write(Lock, this, "am_ppref", 0);
        V();
        _ppref = new int[_anons.Length];
    }

    /// <summary>
    /// pp_getreflen(ppref, offset, &amp;ref, &amp;len) (uvm_amap.c): a positive entry is a run of one
    /// page with reference count entry - 1; else -(ref + 1), and the next entry holds the run's length.
    /// </summary>
    public (int Ref, int Len) GetRefLen(int offset)
    {
        Touch();
        _d?.Read(Lock, this, "am_ppref");
        var pp = _ppref!;
        return pp[offset] > 0 ? (pp[offset] - 1, 1) : (-pp[offset] - 1, pp[offset + 1]);
    }

    /// <summary>pp_setreflen(ppref, offset, ref, len), am_l held; a run of length 0 is not written (1.82.16.2).</summary>
    internal void SetRefLen(int offset, int @ref, int len)
    {
        Touch();
        _d?.Write(Lock, this, "am_ppref", 0);
        V();
        var pp = _ppref!;
        if (len == 0) return;
        if (len == 1) pp[offset] = @ref + 1;
        else
        {
            pp[offset] = -(@ref + 1);
            pp[offset + 1] = len;
        }
    }

    /// <summary>The per-page reference count of <paramref name="slot"/> (walking the runs from slot 0), or -1 without ppref.</summary>
    public int PprefAt(int slot)
    {
        if (!HasPpref) return -1;
        for (int lcv = 0; lcv < _anons.Length;)
        {
            var (r, len) = GetRefLen(lcv);
            if (len <= 0) return -1; // corrupt runs: no count
            if (slot < lcv + len) return r;
            lcv += len;
        }
        return -1;
    }

    /// <summary>True once amap_free() freed the amap.</summary>
    public bool Freed => _poison.Freed;

    /// <summary>amap_free() (end of amap_wipeout(), uvm_amap.c): any later access through a stale pointer is a use after free.</summary>
    internal void Free(string function)
    {
        V();
        Discipline.Free(_d, ref _poison, function, this);
    }

    /// <summary>An access to a field: a use-after-free violation during a step once the amap is freed.</summary>
    private void Touch() => _d?.Touch(_poison, this);

    /// <inheritdoc/>
    public override string ToString() => $"amap {Id}";

    /// <summary>The write versions of the kernel; null for an amap built alone in a test.</summary>
    private readonly WriteVersions? _versions;

    /// <summary>A write to the amaps (<see cref="StateDomain.CowMaps"/>).</summary>
    private void V() => _versions?.Bump(StateDomain.CowMaps);
}
