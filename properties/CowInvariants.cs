using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// Invariants of amaps and copy-on-write (uvm_amap.c, uvm_fault.c; docs/fidelity-fault.md): anon
/// reference counts, amap slot counts, write mappings of shared anons, and mappings that outlive
/// their map entry or its write permission (a fault that raced munmap/mprotect and did not refault).
/// Amaps are those of the copy-on-write processes' entries, and those being detached by uvm_unmap().
/// </summary>
public static class CowInvariants
{
    /// <summary>an_ref accounting.</summary>
    public static readonly Invariant AnonRefEqualsAmapSlots = new(
        nameof(AnonRefEqualsAmapSlots),
        "An anon in an amap has an_ref equal to the number of amap slots that point to it.",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            // Each distinct amap once, as (space, which) coded 2 * i + which, in the order of the walk:
            // found once here rather than again for every anon counted.
            int most = 2 * spaces.Count;
            Span<int> amaps = most <= 64 ? stackalloc int[most] : new int[most];
            int count = 0;
            for (int i = 0; i < spaces.Count; i++)
                for (int which = 0; which < 2; which++)
                    if (AmapAt(spaces, i, which) is { } amap && IsFirst(spaces, i, which, amap))
                        amaps[count++] = 2 * i + which;
            amaps = amaps[..count];
            for (int a = 0; a < amaps.Length; a++)
            {
                var amap = AmapAt(spaces, amaps[a] >> 1, amaps[a] & 1)!;
                for (int slot = 0; slot < amap.Slots; slot++)
                    if (amap.Lookup(slot) is { } anon && Slots(spaces, amaps, anon) is var n && n != anon.RefCount)
                        return $"{anon} has an_ref {anon.RefCount} but {n} amap slot(s) point to it";
            }
            return null;
        })
    {
        Reads = StateDomain.CowMaps | StateDomain.Anons,
    };

    /// <summary>am_nused accounting.</summary>
    public static readonly Invariant AmapNusedEqualsItsAnons = new(
        nameof(AmapNusedEqualsItsAnons),
        "An amap's am_nused equals the number of its slots that hold an anon.",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int which = 0; which < 2; which++)
                    if (AmapAt(spaces, i, which) is { } amap)
                    {
                        int n = 0;
                        for (int slot = 0; slot < amap.Slots; slot++) if (amap.Lookup(slot) is not null) n++;
                        if (n != amap.NUsed) return $"{amap} has am_nused {amap.NUsed} but {n} anons";
                    }
            return null;
        })
    {
        Reads = StateDomain.CowMaps,
    };

    /// <summary>am_ref accounting.</summary>
    public static readonly Invariant AmapRefEqualsItsEntries = new(
        nameof(AmapRefEqualsItsEntries),
        "An amap's am_ref equals the map entries that reference it (mapped, being copied from, or being detached).",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int which = 0; which < 2; which++)
                    if (AmapAt(spaces, i, which) is { } amap && IsFirst(spaces, i, which, amap) && amap.Ref > 0)
                    {
                        int n = 0;
                        for (int j = 0; j < spaces.Count; j++)
                        {
                            if (spaces[j].Amap == amap) n++;
                            if (spaces[j].DetachedAmap == amap) n++;
                            if (spaces[j].CopySource == amap) n++;
                        }
                        if (n != amap.Ref) return $"{amap} has am_ref {amap.Ref} but {n} entries reference it";
                    }
            return null;
        })
    {
        Reads = StateDomain.CowMaps,
    };

    /// <summary>Copy-on-write: a shared anon is mapped read-only everywhere.</summary>
    public static readonly Invariant SharedAnonIsNeverWritableMapped = new(
        nameof(SharedAnonIsNeverWritableMapped),
        "No pmap maps an anon's page writable while the anon is shared (an_ref > 1), and no page is writable-mapped through two anons.",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int p = 0; p < spaces[i].Pages; p++)
                {
                    if (!spaces[i].MappedWritable(p)) continue;
                    var anon = spaces[i].MappedAnon(p)!;
                    if (anon.RefCount > 1) return $"{spaces[i]} maps page {p} ({anon}, an_ref {anon.RefCount}) writable";
                    for (int j = 0; j < spaces.Count; j++)
                        for (int q = 0; q < spaces[j].Pages; q++)
                            if ((j != i || q != p) && spaces[j].MappedAnon(q) is { } other && other != anon && other.Page == anon.Page)
                                return $"{anon.Page} is mapped writable through {anon} and also through {other}";
                }
            return null;
        })
    {
        // MappedAnon() reads the anon's an_page and the page's anon as well as the pmap.
        Reads = StateDomain.CowMaps | StateDomain.Anons | StateDomain.Pages,
    };

    /// <summary>
    /// A stale pmap mapping: the kernel removes a page's mappings (pmap_page_protect(pg,
    /// VM_PROT_NONE), pmap_remove()) before the page leaves what was mapped, so a pmap entry always
    /// names a page that is not free and is still the page of the anon it was entered through, or
    /// the page of the entry's object at that index.
    /// </summary>
    public static readonly Invariant PmapMapsOnlyPagesItsMappingsOwn = new(
        nameof(PmapMapsOnlyPagesItsMappingsOwn),
        "A pmap maps no free page, no page that has left the anon or the object page it was mapped as (its mappings are removed first), and no page but the one of the anon its amap now holds at that page (uvmfault_anonget's caller re-checks the amap after a sleep: \"verify no one has touched the amap and moved the anon on us\").",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
            {
                var space = spaces[i];
                for (int p = 0; p < space.Pages; p++)
                {
                    var (anon, page, _) = space.PmapEntry(p);
                    if (page is null) continue;
                    if (page.Queue == PageQueue.Free) return $"{space} maps page {p} to {page}, which is free";
                    var current = space.Amap?.Lookup(p);
                    if (anon is not null)
                    {
                        if (anon.Freed) return $"{space} maps page {p} to {page} through {anon}, which is freed";
                        if (anon.Page != page) return $"{space} maps page {p} to {page} through {anon}, whose page is now {(anon.Page is { } now ? now.ToString() : "none")}";
                        if (space.Amap is not null && current != anon)
                            return $"{space} maps page {p} to {page} through {anon}, but its amap now holds {(current is null ? "no anon" : current.ToString())} there";
                    }
                    else if (current is not null)
                        return $"{space} maps page {p} to the object's {page}, but its amap now holds {current} there (a stale mapping of the page the copy-on-write replaced)";
                    else if (space.Uobj is not { } obj || page.Object != obj || page.Index != p || obj.PageAt(p) != page)
                        return $"{space} maps page {p} to {page}, which is no longer page {p} of {(space.Uobj is { } o ? o.ToString() : "its file")}";
                }
            }
            return null;
        })
    {
        Reads = StateDomain.CowMaps | StateDomain.Anons | StateDomain.Pages | StateDomain.Objects,
    };

    /// <summary>No use after free of an anon by an amap.</summary>
    public static readonly Invariant NoAmapSlotPointsToAFreedAnon = new(
        nameof(NoAmapSlotPointsToAFreedAnon),
        "No anon is freed while an amap slot points to it.",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int which = 0; which < 2; which++)
                    if (AmapAt(spaces, i, which) is { } amap)
                        for (int slot = 0; slot < amap.Slots; slot++)
                            if (amap.Lookup(slot) is { } anon && (anon.RefCount <= 0 || !Listed(k.Vm.Anons, anon)))
                                return $"slot {slot} of {amap} points to freed {anon}";
            return null;
        })
    {
        Reads = StateDomain.CowMaps | StateDomain.Anons,
    };

    /// <summary>A fault that raced munmap/mprotect refaulted instead of installing a stale mapping.</summary>
    public static readonly Invariant NoMappingOutlivesItsEntry = new(
        nameof(NoMappingOutlivesItsEntry),
        "A pmap maps nothing of an unmapped entry (neither an anon's page nor a page of the file under it), and nothing writable in a read-only entry.",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int p = 0; p < spaces[i].Pages; p++)
                {
                    if (!spaces[i].EntryMapped && spaces[i].MappedAnon(p) is { } a)
                        return $"{spaces[i]} still maps page {p} ({a}) after munmap";
                    if (!spaces[i].EntryMapped && spaces[i].MappedObjectPage(p) is { } op)
                        return $"{spaces[i]} still maps page {p} ({op} of its file) after munmap";
                    if (!spaces[i].EntryWritable && spaces[i].MappedWritable(p))
                        return $"{spaces[i]} maps page {p} writable after mprotect(PROT_READ)";
                }
            return null;
        })
    {
        // MappedAnon() reads the anon and its page; MappedObjectPage() the page and its object's page table.
        Reads = StateDomain.CowMaps | StateDomain.Anons | StateDomain.Pages | StateDomain.Objects,
    };

    /// <summary>The copy-on-write invariants.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
        [AnonRefEqualsAmapSlots, AmapNusedEqualsItsAnons, AmapRefEqualsItsEntries, PmapMapsOnlyPagesItsMappingsOwn, SharedAnonIsNeverWritableMapped, NoAmapSlotPointsToAFreedAnon, NoMappingOutlivesItsEntry];

    private static Amap? AmapAt(IReadOnlyList<CowSpace> spaces, int i, int which) => which == 0 ? spaces[i].Amap : spaces[i].DetachedAmap;

    private static bool IsFirst(IReadOnlyList<CowSpace> spaces, int i, int which, Amap amap)
    {
        for (int j = 0; j <= i; j++)
            for (int w = 0; w < 2; w++)
                if ((j < i || w < which) && AmapAt(spaces, j, w) == amap) return false;
        return true;
    }

    /// <summary>
    /// The slots of the distinct amaps of the copy-on-write spaces (amap_ref() shares one amap
    /// between spaces) that point to <paramref name="anon"/>: the count
    /// <see cref="AnonRefEqualsAmapSlots"/> makes, for a caller that has not listed the amaps first
    /// (LeakDetector, once per live anon at the end of an execution).
    /// </summary>
    internal static int AmapSlotsHolding(IReadOnlyList<CowSpace> spaces, Anon anon)
    {
        int n = 0;
        for (int i = 0; i < spaces.Count; i++)
            for (int which = 0; which < 2; which++)
                if (AmapAt(spaces, i, which) is { } amap && IsFirst(spaces, i, which, amap))
                    for (int slot = 0; slot < amap.Slots; slot++)
                        if (amap.Lookup(slot) == anon) n++;
        return n;
    }

    /// <summary>The slots of the distinct <paramref name="amaps"/> (coded as in <see cref="AnonRefEqualsAmapSlots"/>) that point to <paramref name="anon"/>.</summary>
    private static int Slots(IReadOnlyList<CowSpace> spaces, ReadOnlySpan<int> amaps, Anon anon)
    {
        int n = 0;
        for (int a = 0; a < amaps.Length; a++)
        {
            var amap = AmapAt(spaces, amaps[a] >> 1, amaps[a] & 1)!;
            for (int slot = 0; slot < amap.Slots; slot++)
                if (amap.Lookup(slot) == anon) n++;
        }
        return n;
    }

    private static bool Listed(IReadOnlyList<Anon> anons, Anon anon)
    {
        for (int i = 0; i < anons.Count; i++) if (anons[i] == anon) return true;
        return false;
    }
}
