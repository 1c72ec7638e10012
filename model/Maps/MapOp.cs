using System.Text.Json.Serialization;

namespace Uvm.Model.Maps;

/// <summary>One system call an LWP makes on its process's map, in order.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(Mmap), "mmap")]
[JsonDerivedType(typeof(Munmap), "munmap")]
public abstract record MapOp;

/// <summary>mmap(NULL, pages, ..., MAP_ANON): uvm_map() at VM_DEFAULT_ADDRESS with the given alignment.</summary>
public sealed record Mmap(int Pages, int Align = 1) : MapOp
{
    /// <inheritdoc/>
    public override string ToString() => Align > 1 ? $"mmap({Pages}, align {Align})" : $"mmap({Pages})";
}

/// <summary>
/// munmap() of the range this LWP's latest successful mmap() returned (nothing if it failed); with
/// <paramref name="Pages"/> above 0, of that many pages from <paramref name="Offset"/> pages into it
/// (cut at its end): uvm_unmap_remove() clips the entry, and the rest stays mapped until a later
/// munmap() of the whole range.
/// </summary>
public sealed record Munmap(int Offset = 0, int Pages = 0) : MapOp
{
    /// <inheritdoc/>
    public override string ToString() => Pages == 0 ? "munmap" : $"munmap(+{Offset}, {Pages})";
}
