using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// One u-area (USPACE of kernel_map: the PCB and kernel stack of an LWP), as uvm_glue.c of 2004
/// handles it: allocated by uvm_km_alloc() or taken from the free list by uvm_uarea_alloc(), linked
/// on the free list by uvm_uarea_free() when its LWP exits, returned to kernel_map by
/// uvm_uarea_drain() → uvm_km_free(). Its residency is <see cref="Wired"/>; the LWP's L_INMEM is
/// kept on <see cref="Lwp.InMemory"/>. Left out: its address and contents (the free-list link the
/// kernel stores inside the u-area is the <see cref="UareaCache"/> list).
/// </summary>
public sealed class Uarea
{
    internal Uarea(int id, bool wired, WriteVersions? versions = null)
    {
        _versions = versions;
        Id = id;
        Wired = wired;
    }

    /// <summary>A number standing for its address, used in messages ("u-area 3").</summary>
    public int Id { get; }

    /// <summary>In use, cached on the free list, or freed.</summary>
    public UareaState State { get; internal set { V(); field = value; } } = UareaState.InUse;

    /// <summary>The LWP whose l_addr this is while <see cref="UareaState.InUse"/>; null otherwise.</summary>
    public Lwp? Owner { get; internal set { V(); field = value; } }

    /// <summary>
    /// The wire count of its pages: uvm_fault_wire() raises it, uvm_fault_unwire() lowers it, so a
    /// swap-in that wires the u-area between uvm_swapout()'s L_INMEM clear and its unwire leaves it
    /// wired, as the page wire counts do in the kernel.
    /// </summary>
    public int WireCount { get; internal set { V(); field = value; } }

    /// <summary>
    /// Its kernel_map entry's item of uvm_map_entry_kmem_pool, with the pools on (uvm_km_alloc()'s
    /// uvm_mapent_alloc(); uvm_km_free()'s uvm_unmap_detach() returns it); null for a u-area made
    /// at boot or with the pools off.
    /// </summary>
    public int? MapEntryItem { get; internal set { V(); _versions?.Bump(StateDomain.PoolItems); field = value; } }

    /// <summary>Its pages are wired and resident (uvm_fault_wire, or still wired on the free list).</summary>
    public bool Wired
    {
        get => WireCount > 0;
        internal set => WireCount = value ? Math.Max(1, WireCount) : 0;
    }

    /// <inheritdoc/>
    /// <summary>The write versions of the kernel's u-areas (<see cref="StateDomain.Uarea"/>); null in a unit test.</summary>
    private readonly WriteVersions? _versions;

    /// <summary>A write to the u-area.</summary>
    private void V() => _versions?.Bump(StateDomain.Uarea);

    /// <inheritdoc/>
    public override string ToString() => $"u-area {Id}";
}
