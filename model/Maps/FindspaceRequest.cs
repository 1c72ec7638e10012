namespace Uvm.Model.Maps;

/// <summary>
/// The arguments of uvm_map_findspace(map, hint, length, &amp;result, uobj, uoffset, align, flags)
/// that matter for placement, in pages: the hint, the length, the alignment, the search direction
/// (the map's VM_MAP_TOPDOWN flag) and UVM_FLAG_FIXED.
/// </summary>
public sealed record FindspaceRequest(int Hint, int Length, int Align = 1, bool TopDown = true, bool Fixed = false)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Fixed ? "fixed" : TopDown ? "topdown" : "bottom-up")} findspace(hint {Hint}, len {Length}{(Align > 1 ? $", align {Align}" : "")})";
}
