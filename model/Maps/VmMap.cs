using Uvm.Model.Core;

namespace Uvm.Model.Maps;

/// <summary>
/// struct vm_map (uvm_map.h, 2003-04): the sorted list of entries and, beside it, the augmented
/// red-black tree of the same entries (rbhead, <see cref="MapTree"/>; NetBSD since November
/// 2003), the map bounds vm_map_min/max
/// (header.start/header.end in the kernel), the VM_MAP_TOPDOWN flag, and the map lock
/// (vm_map_lock, a sleepable lockmgr lock: a thread that finds it held sleeps on its channel and
/// is woken at vm_map_unlock). Left out: first_free and the hint entry (search shortcuts), entry
/// merging in uvm_map(), amaps, objects and protections; an entry is only its range.
/// <para>
/// A map made with a kernel has its lock discipline checked (model/Core/Discipline.cs): a step
/// that reads the entries (the list, the tree, a lookup or a gap) or the pending insertion, or
/// links or unlinks an entry, holds vm_map_lock (uvm_map.c: "map must at least be read-locked by
/// caller" on uvm_map_lookup_entry() and uvm_map_findspace(), "map must be locked" on
/// uvm_map_entry_link/unlink()). The model takes the one lock for vm_map_lock_read() as well, so
/// a read under either is a read under it.
/// </para>
/// </summary>
public sealed class VmMap
{
    /// <summary>The entries in address order (the header's list).</summary>
    private readonly List<MapEntry> _entries = [];

    /// <summary>The detectors of the map's kernel; null for a map built alone in a test.</summary>
    private readonly Discipline? _d;

    /// <summary>The map's kernel, for the event check of <see cref="Remove"/>; null for a map built alone in a test.</summary>
    private readonly Kernel? _k;

    /// <summary>True when the map's kernel runs with <paramref name="sw"/> on (false for a map built alone in a test).</summary>
    internal bool Has(KernelSwitch sw) => _k?.Config.Has(sw) ?? false;

    /// <summary>Backs <see cref="Tree"/>.</summary>
    private readonly MapTree _tree;

    /// <summary>Backs <see cref="Pending"/>.</summary>
    private MapInsert? _pending;

    /// <summary>The field name the detector reports for the entry list and its tree.</summary>
    private const string EntriesField = "map entries";

    /// <summary>An empty map [<paramref name="min"/>, <paramref name="max"/>); <paramref name="config"/> says which of its tree mutations are on.</summary>
    public VmMap(string name, int min, int max, bool topDown, KernelConfig? config = null, WriteVersions? versions = null, Kernel? kernel = null)
    {
        Versions = versions;
        _d = kernel?.Discipline;
        _k = kernel;
        Name = name;
        Min = min;
        Max = max;
        TopDown = topDown;
        Lock = new SimpleLock($"vm_map_lock({name})", LockKind.Sleep, "vm_map_lock");
        _tree = new MapTree(e => GapEndOf(_entries.IndexOf(e)), config);
    }

    /// <summary>A readable name: "vmspace of pid 1".</summary>
    public string Name { get; }

    /// <summary>vm_map_min(map): the lowest page a mapping may use.</summary>
    public int Min { get; internal set { V(); field = value; } }

    /// <summary>vm_map_max(map): the first page above the map (VM_MAXUSER_ADDRESS).</summary>
    public int Max { get; internal set { V(); field = value; } }

    /// <summary>VM_MAP_TOPDOWN: uvm_map_findspace() searches downward from the hint.</summary>
    public bool TopDown { get; internal set { V(); field = value; } }

    /// <summary>The entries, sorted by address.</summary>
    public IReadOnlyList<MapEntry> Entries
    {
        get
        {
            Read();
            return _entries;
        }
    }

    /// <summary>rbhead: the same entries in the augmented red-black tree.</summary>
    public MapTree Tree
    {
        get
        {
            Read();
            return _tree;
        }
    }

    /// <summary>vm_map_lock: held by uvm_map() from the findspace to the link, and by uvm_unmap().</summary>
    public SimpleLock Lock { get; }

    /// <summary>
    /// The range uvm_map() got from uvm_map_findspace() and will link once uvm_mapent_alloc()
    /// returns; held under the map lock. Null when no insertion is under way.
    /// </summary>
    public MapInsert? Pending
    {
        get { _d?.Read(Lock, this, "pending insertion"); return _pending; }
        internal set { _d?.WriteRef(Lock, this, "pending insertion", _pending); V(); _pending = value; }
    }

    /// <summary>
    /// uvm_map_lookup_entry(map, va): the index of the entry containing <paramref name="va"/>
    /// (<paramref name="inside"/> true), or of the last entry below it (-1 for the header).
    /// </summary>
    public int Lookup(int va, out bool inside)
    {
        Read();
        int i = _entries.Count - 1;
        while (i >= 0 && _entries[i].Start > va) i--;
        inside = i >= 0 && va < _entries[i].End;
        return i;
    }

    /// <summary>The end of the gap above entry <paramref name="i"/>: entry->next->start, or vm_map_max above the last.</summary>
    public int GapEnd(int i)
    {
        Read();
        return GapEndOf(i);
    }

    /// <summary><see cref="GapEnd"/> for the tree's own upkeep inside a checked access.</summary>
    private int GapEndOf(int i) => i + 1 < _entries.Count ? _entries[i + 1].Start : Max;

    /// <summary>The start of the gap above entry <paramref name="i"/>: entry->end, or vm_map_min above the header.</summary>
    public int GapStart(int i)
    {
        Read();
        return i >= 0 ? _entries[i].End : Min;
    }

    /// <summary>The list position of <paramref name="e"/>, or -1.</summary>
    public int IndexOf(MapEntry e)
    {
        Read();
        return _entries.IndexOf(e);
    }

    /// <summary>The entry a gap starts at (null for the header).</summary>
    public MapEntry? EntryAt(int i)
    {
        Read();
        return i >= 0 ? _entries[i] : null;
    }

    /// <summary>
    /// uvm_map_entry_link(map, prev, entry) after uvm_map()'s post-conditions of
    /// uvm_map_findspace(): <c>KASSERT(prev->end &lt;= va)</c> and
    /// <c>KASSERT(va + len &lt;= prev->next->start)</c>. A range that overlaps a neighbour panics
    /// here instead of corrupting the list.
    /// </summary>
    internal void Link(MapEntry? prev, MapEntry entry)
    {
        _d?.WriteRef(Lock, this, EntriesField, null);
        V();
        Versions?.Bump(StateDomain.PoolItems);
        int at = prev is null ? 0 : _entries.IndexOf(prev) + 1;
        if (prev is not null && at == 0)
            throw new KernelPanicException("uvm_map_entry_link", $"{Name}: prev entry {prev} is not on the map");
        int low = prev?.End ?? Min, high = at < _entries.Count ? _entries[at].Start : Max;
        if (low > entry.Start)
            throw new KernelPanicException("uvm_map_entry_link", $"{Name}: KASSERT(entry->end <= va) failed: new {entry} starts below {(prev is null ? $"vm_map_min {Min}" : $"prev {prev}")}");
        if (entry.End > high)
            throw new KernelPanicException("uvm_map_entry_link", $"{Name}: KASSERT(va + len <= entry->next->start) failed: new {entry} runs into {(at < _entries.Count ? $"next {_entries[at]}" : $"vm_map_max {Max}")}");
        _entries.Insert(at, entry);
        _tree.Insert(entry, prev);
    }

    /// <summary>
    /// uvm_unmap_remove(map, start, end): clip the entries that straddle the range
    /// (uvm_map_clip_start/end: the outside piece becomes an entry of its own) and unlink
    /// everything inside it (uvm_map_entry_unlink: off the list, then uvm_rb_remove()).
    /// </summary>
    /// <remarks>
    /// Each clip takes its new entry from <paramref name="clipItems"/> (uvm_mapent_alloc, allocated
    /// by the caller: see <see cref="ClipsNeeded"/>). Returns the dead entries, for
    /// uvm_unmap_detach() to free after the unlock.
    /// </remarks>
    internal List<MapEntry> Remove(int start, int end, Queue<int?>? clipItems = null)
    {
        _d?.WriteRef(Lock, this, EntriesField, null);
        V();
        Versions?.Bump(StateDomain.PoolItems);
        var before = _k is null ? null : _entries.ToArray();
        var dead = new List<MapEntry>();
        int lowest = _tree.Config?.Has(Switches.UnmapLoopSkipsFirstEntry) == true ? 1 : 0; // unmap-loop-skips-first-entry: i > 0
        for (int i = _entries.Count - 1; i >= lowest; i--)
        {
            var e = _entries[i];
            if (!e.Intersects(start, end)) continue;
            Unlink(i);
            dead.Add(e);
            if (ClipsEnd(e, end)) Link(EntryAt(i - 1), new MapEntry(end, e.End, e.Name) { PoolItem = clipItems?.Dequeue() });
            if (e.Start < start) Link(EntryAt(i - 1), new MapEntry(e.Start, start, e.Name) { PoolItem = clipItems?.Dequeue() });
        }
        if (before is not null) CheckRemovedExactly(before, start, end);
        return dead;
    }

    /// <summary>
    /// The postcondition of uvm_unmap_remove() ("remove mappings from a vm_map (from start up to
    /// stop)", uvm_map.c): every page of [start, end) is unmapped and every page outside it is
    /// mapped, or not, by an entry of the same name as before; the clips only split entries.
    /// Reported as the event rule UnmapRemovesExactlyItsRange.
    /// </summary>
    private void CheckRemovedExactly(MapEntry[] before, int start, int end)
    {
        for (int va = Min; va < Max; va++)
        {
            string? was = null, now = null;
            foreach (var e in before) if (e.Start <= va && va < e.End) { was = e.Name; break; }
            foreach (var e in _entries) if (e.Start <= va && va < e.End) { now = e.Name; break; }
            string? want = va >= start && va < end ? null : was;
            if (now == want) continue;
            _k!.Events.Break("UnmapRemovesExactlyItsRange",
                $"{Name}: uvm_unmap_remove({start}, {end}) left page {va} " + (now is null ? "unmapped" : $"mapped by {now}") + " where it should be " + (want is null ? "unmapped" : $"mapped by {want}"));
            return;
        }
    }

    /// <summary>How many new entries uvm_map_clip_start/end need to remove [start, end).</summary>
    internal int ClipsNeeded(int start, int end)
    {
        int n = 0;
        foreach (var e in _entries)
            if (e.Intersects(start, end)) n += (e.Start < start ? 1 : 0) + (ClipsEnd(e, end) ? 1 : 0);
        return n;
    }

    /// <summary>uvm_map_clip_end() is needed: the entry runs past the range (or, with the mutation Switches.UnmapClipsAtTheEnd, ends at it).</summary>
    private bool ClipsEnd(MapEntry e, int end) => e.End > end || (e.End == end && _tree.Config?.Has(Switches.UnmapClipsAtTheEnd) == true);

    /// <summary>uvm_map_entry_unlink(): off the list, then uvm_rb_remove() with entry->prev.</summary>
    private void Unlink(int i)
    {
        var e = _entries[i];
        _entries.RemoveAt(i);
        _tree.Remove(e, EntryAt(i - 1));
    }

    /// <summary>The layout as text: "[1,32) topdown: [8,10) text [10,12) data".</summary>
    public string Describe() =>
        $"map [{Min},{Max}){(TopDown ? " topdown" : "")}:" + string.Concat(_entries.Select(e => " " + e));

    /// <inheritdoc/>
    /// <summary>The write versions of the kernel (<see cref="StateDomain.Map"/>); null for a map built alone in a test.</summary>
    internal WriteVersions? Versions { get; }

    /// <summary>
    /// A write to the map: its setters and the internal methods that alone change its entry list,
    /// its entries and its tree (<see cref="Link"/>, <see cref="Remove"/>) call it first.
    /// </summary>
    internal void V() => Versions?.Bump(StateDomain.Map);

    /// <summary>A read of the entries during a step: vm_map_lock is held.</summary>
    private void Read() => _d?.Read(Lock, this, EntriesField);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
