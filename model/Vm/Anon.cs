using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// struct vm_anon (uvm_anon.h): one page of anonymous memory. <see cref="Lock"/> (an_lock)
/// protects <see cref="Page"/> (an_page) and <see cref="SwSlot"/> (an_swslot): an_swslot != 0
/// iff a copy is on swap. Left out: amaps (each user process owns its anons directly).
/// </summary>
public sealed class Anon(int id)
{
    /// <summary>A global anon number, used in messages and lock names.</summary>
    public int Id { get; } = id;

    /// <summary>an_ref: references from amaps; 0 once uvm_anfree() ran.</summary>
    public int RefCount { get; internal set; } = 1;

    /// <summary>an_page: the resident page, or null.</summary>
    public Page? Page { get; internal set; }

    /// <summary>an_swslot: the swap slot holding a copy, 0 if none.</summary>
    public int SwSlot { get; internal set; }

    /// <summary>an_lock.</summary>
    public SimpleLock Lock { get; } = new($"an_lock of anon {id}");

    /// <inheritdoc/>
    public override string ToString() => $"anon {Id}";
}
