using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// struct vm_amap (uvm_amap.h, 2003): the anon slots of a map entry. <see cref="Lock"/> (am_l, a
/// simple lock in 2003; later revisions share one mutex with the anons) protects the slots,
/// <see cref="NUsed"/> and <see cref="Ref"/>. An anon's own an_lock protects its an_ref.
/// Left out: ppref (partial references), am_maxslot padding, amap_extend.
/// </summary>
public sealed class Amap
{
    private readonly Anon?[] _anons;

    internal Amap(int id, int slots, WriteVersions? versions = null)
    {
        _versions = versions;
        Id = id;
        _anons = new Anon?[slots];
        Lock = new SimpleLock($"am_l of amap {id}");
    }

    /// <summary>A global amap number, used in messages.</summary>
    public int Id { get; }

    /// <summary>am_l.</summary>
    public SimpleLock Lock { get; }

    /// <summary>am_ref: map entries referencing the amap; 0 once amap_wipeout() ran.</summary>
    public int Ref { get; internal set { V(); field = value; } } = 1;

    /// <summary>am_nused: slots in use.</summary>
    public int NUsed { get; internal set { V(); field = value; } }

    /// <summary>am_nslot.</summary>
    public int Slots => _anons.Length;

    /// <summary>amap_lookup(): the anon in <paramref name="slot"/>, or null.</summary>
    public Anon? Lookup(int slot) => _anons[slot];

    /// <summary>amap_add(aref, offset, anon, replace), am_l held: put <paramref name="anon"/> in <paramref name="slot"/>.</summary>
    internal void Add(int slot, Anon anon, bool replace)
    {
        V();
        if (replace != (_anons[slot] is not null))
            throw new KernelPanicException("amap_add", replace ? $"replacing an empty slot {slot} of {this}" : $"slot {slot} of {this} already in use");
        if (!replace) NUsed++;
        _anons[slot] = anon;
    }

    /// <summary>Empties <paramref name="slot"/> (amap_wipeout/amap_unadd), am_l held.</summary>
    internal void Unadd(int slot)
    {
        V();
        if (_anons[slot] is null) return;
        _anons[slot] = null;
        NUsed--;
    }

    /// <inheritdoc/>
    public override string ToString() => $"amap {Id}";

    /// <summary>The write versions of the kernel; null for an amap built alone in a test.</summary>
    private readonly WriteVersions? _versions;

    /// <summary>A write to the amaps (<see cref="StateDomain.CowMaps"/>).</summary>
    private void V() => _versions?.Bump(StateDomain.CowMaps);
}
