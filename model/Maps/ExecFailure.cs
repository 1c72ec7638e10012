namespace Uvm.Model.Maps;

/// <summary>
/// An exec that failed with ENOMEM after uvmspace_exec(): which vmcmd's uvm_map() found no space,
/// its request, and the map as uvm_map_findspace() saw it (bounds and entries, under the map lock);
/// or an mmap() whose uvm_map() failed so (<see cref="Vmspace.MmapFailures"/>). The map invariants
/// ask a brute-force oracle whether that layout really had no room.
/// </summary>
public sealed record ExecFailure(string Vmcmd, FindspaceRequest Request, int Min, int Max, IReadOnlyList<(int Start, int End)> Layout)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Vmcmd}: {Request} in [{Min},{Max}) with" + string.Concat(Layout.Select(e => $" [{e.Start},{e.End})"));
}
