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

/// <summary>munmap() of the range this LWP's latest successful mmap() returned (nothing if it failed).</summary>
public sealed record Munmap : MapOp
{
    /// <inheritdoc/>
    public override string ToString() => "munmap";
}
