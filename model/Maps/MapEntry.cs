namespace Uvm.Model.Maps;

/// <summary>
/// struct vm_map_entry: one mapping [start, end) of a map, in pages. The kernel keeps entries on a
/// sorted doubly linked list with the map header as sentinel; here the list is
/// <see cref="VmMap.Entries"/>, in address order. The name says what the mapping is ("text",
/// "ld.elf_so", "lwp 2 mmap#1") so that a counterexample reads like a process map.
/// </summary>
public sealed class MapEntry(int start, int end, string name)
{
    /// <summary>entry->start: first page of the mapping.</summary>
    public int Start { get; internal set; } = start;

    /// <summary>entry->end: first page after the mapping.</summary>
    public int End { get; internal set; } = end;

    /// <summary>What was mapped here.</summary>
    public string Name { get; } = name;

    /// <summary>True when [start, end) and [<paramref name="start"/>, <paramref name="end"/>) share a page.</summary>
    public bool Intersects(int start, int end) => start < End && Start < end;

    /// <inheritdoc/>
    public override string ToString() => $"[{Start},{End}) {Name}";
}
