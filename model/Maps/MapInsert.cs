namespace Uvm.Model.Maps;

/// <summary>
/// An insertion uvm_map() has found space for but not yet linked: the range uvm_map_findspace()
/// returned as free, the entry it will be linked after, and the thread doing it.
/// </summary>
public sealed record MapInsert(int Va, int Length, MapEntry? Prev, string By, string What)
{
    /// <summary>The alignment uvm_map() asked uvm_map_findspace() for, in pages (1: none).</summary>
    public int Align { get; init; } = 1;

    /// <summary>The first page after the range.</summary>
    public int End => Va + Length;

    /// <inheritdoc/>
    public override string ToString() => $"[{Va},{End}) for {What} by {By}";
}
