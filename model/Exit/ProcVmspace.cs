namespace Uvm.Model.Exit;

/// <summary>
/// A process's struct vmspace as the exit paths see it: whose it is and whether uvmspace_free()
/// has released it. A CPU has one active (pmap_activate) while it runs an LWP of that process.
/// Left out: the map, its entries and pages (the map model is <see cref="Maps.Vmspace"/>); its
/// page directory is what uvmspace_free() gives back to kernel_map (pmap_destroy, approx.).
/// </summary>
public sealed class ProcVmspace(string owner)
{
    /// <summary>Whose address space it is: <c>pid 3</c>, or <c>proc0</c>.</summary>
    public string Owner { get; } = owner;

    /// <summary>uvmspace_free() has released it.</summary>
    public bool Freed { get; private set; }

    /// <summary>uvmspace_free(): the vmspace is freed (a write of <see cref="Core.StateDomain.Proc"/>).</summary>
    internal void MarkFreed(Kernel k)
    {
        k.Versions.Bump(Core.StateDomain.Proc);
        Freed = true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"vmspace of {Owner}";
}
