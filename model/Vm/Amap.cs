using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// struct vm_amap (uvm_amap.h, 2003): the anon slots of a map entry. <see cref="Lock"/> (am_l, a
/// simple lock in 2003; later revisions share one mutex with the anons) protects the slots,
/// <see cref="NUsed"/> and <see cref="Ref"/> ("[locks all vm_amap fields]"); the lock-discipline
/// detector checks each access during a step. The kernel's two unlocked accesses are named:
/// amap_copy()'s first read of am_ref (<see cref="RefUnlocked"/>) and its filling of the amap it
/// has just made (<see cref="AddWhileUnpublished"/>). An anon's own an_lock protects its an_ref.
/// Left out: ppref (partial references), am_maxslot padding, amap_extend.
/// </summary>
public sealed class Amap
{
    private readonly Anon?[] _anons;

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
        return _anons[slot];
    }

    /// <summary>amap_add(aref, offset, anon, replace), am_l held: put <paramref name="anon"/> in <paramref name="slot"/>.</summary>
    internal void Add(int slot, Anon anon, bool replace)
    {
        Touch();
        _d?.WriteRef(Lock, this, "am_anon", _anons[slot]);
        V();
        if (replace != (_anons[slot] is not null))
            throw new KernelPanicException("amap_add", replace ? $"replacing an empty slot {slot} of {this}" : $"slot {slot} of {this} already in use");
        if (!replace) NUsed++;
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
        if (countUsed) _nused++;
    }

    /// <summary>Empties <paramref name="slot"/> (amap_wipeout/amap_unadd), am_l held.</summary>
    internal void Unadd(int slot)
    {
        Touch();
        _d?.WriteRef(Lock, this, "am_anon", _anons[slot]);
        V();
        if (_anons[slot] is null) return;
        _anons[slot] = null;
        NUsed--;
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
