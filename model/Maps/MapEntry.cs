namespace Uvm.Model.Maps;

/// <summary>
/// struct vm_map_entry: one mapping [start, end) of a map, in pages. The kernel keeps entries on a
/// sorted doubly linked list with the map header as sentinel (here <see cref="VmMap.Entries"/>,
/// in address order) and, since November 2003, also in a red-black tree keyed by start
/// (RB_ENTRY rb_entry, <see cref="MapTree"/>) augmented with <c>ownspace</c>, the free space
/// after the entry, and <c>space</c>, the largest ownspace in its subtree (uvm_map.h of the time). The name says what the mapping is ("text",
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

    /// <summary>
    /// The uvm_map_entry_pool item the entry lives in (uvm_mapent_alloc), or null for an entry laid
    /// out at boot or made while the workload runs without pools.
    /// </summary>
    public int? PoolItem { get; internal set; }

    /// <summary>ownspace: free pages between this entry's end and the next entry (or vm_map_max).</summary>
    public int OwnSpace { get; internal set; }

    /// <summary>space: the largest ownspace in this entry's subtree.</summary>
    public int Space { get; internal set; }

    /// <summary>RB_LEFT(entry, rb_entry).</summary>
    public MapEntry? Left { get; internal set; }

    /// <summary>RB_RIGHT(entry, rb_entry).</summary>
    public MapEntry? Right { get; internal set; }

    /// <summary>RB_PARENT(entry, rb_entry).</summary>
    public MapEntry? Parent { get; internal set; }

    /// <summary>RB_COLOR(entry, rb_entry) == RB_RED.</summary>
    public bool Red { get; internal set; }

    /// <summary>True when [start, end) and [<paramref name="start"/>, <paramref name="end"/>) share a page.</summary>
    public bool Intersects(int start, int end) => start < End && Start < end;

    /// <inheritdoc/>
    public override string ToString() => $"[{Start},{End}) {Name}";
}
