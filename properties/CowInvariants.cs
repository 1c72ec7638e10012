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
                    if (amap.Lookup(slot) is { } anon && Slots(spaces, amaps, anon) + (anon == k.Vm.SwapOffHeld ? 1 : 0) is var n && n != anon.RefCount)
                        return $"{anon} has an_ref {anon.RefCount} but {n} amap slot(s) point to it{(anon == k.Vm.SwapOffHeld ? " (one more for swapctl -d's hold)" : "")}";
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
                            // An entry uvm_unmap_remove() took out of its map references its amap only from
                            // the dead-entry list (DetachedAmap): one that is no longer mapped yet holds
                            // one (an amap_copy() after the relookup found no entry) is no reference.
                            if (spaces[j].Amap == amap && spaces[j].EntryMapped) n++;
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

    /// <summary>
    /// Split references (uvm_amap.h: VM_AMAP_PPREF, "use a per-page reference count for split
    /// vm_map_entry_t's"; "we track split references so that we don't lose track of references
    /// during partial unmaps"): an amap's count for a slot is am_ppref's once amap_pp_establish()
    /// made it, else am_ref for every slot; it equals the entries whose range covers the slot
    /// (mapped, being copied from by amap_copy(), or on uvm_unmap_remove()'s dead list), and a slot
    /// whose count is 0 holds no anon: amap_pp_adjref() wipes a run as it drops to 0
    /// (amap_wiperange(), uvm_amap.c 1.20 and 1.82.16.2). Not judged while the amap's am_l is held:
    /// amap_pp_adjref() and amap_wiperange() run under it, and a wipe's unlock-then-uvm_anfree()
    /// ends a step halfway through the runs.
    /// </summary>
    public static readonly Invariant AmapPprefCountsItsEntries = new(
        nameof(AmapPprefCountsItsEntries),
        "An amap's per-slot reference count (am_ppref, or am_ref while it has none) equals the map entries whose range covers the slot (mapped, being copied from, or being detached), and a slot whose count is 0 holds no anon (amap_pp_adjref() wipes it); not judged while am_l is held.",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int which = 0; which < 2; which++)
                    if (AmapAt(spaces, i, which) is { } amap && IsFirst(spaces, i, which, amap) && amap.Ref > 0 && !amap.Lock.Held)
                        for (int slot = 0; slot < amap.Slots; slot++)
                        {
                            int n = EntriesCovering(spaces, amap, slot);
                            int count = amap.HasPpref ? amap.PprefAt(slot) : amap.Ref;
                            if (count != n)
                                return $"{amap} counts {count} reference(s) to slot {slot} ({(amap.HasPpref ? "am_ppref" : "am_ref, no ppref")}) but {n} entries cover it";
                            if (n == 0 && amap.Lookup(slot) is { } anon)
                                return $"slot {slot} of {amap} holds {anon} but no entry covers it (amap_wiperange() left it)";
                        }
            return null;
        });

    /// <summary>The entries of <paramref name="spaces"/> whose range covers <paramref name="slot"/> of <paramref name="amap"/>.</summary>
    private static int EntriesCovering(IReadOnlyList<CowSpace> spaces, Amap amap, int slot)
    {
        int n = 0;
        for (int j = 0; j < spaces.Count; j++)
        {
            var s = spaces[j];
            if (s.Amap == amap && s.EntryMapped && slot >= s.AmapOffset && slot < s.AmapOffset + s.EntryPages) n++;
            if (s.DetachedAmap == amap && slot >= s.DetachedOffset && slot < s.DetachedOffset + s.DetachedPages) n++;
            if (s.CopySource == amap && slot >= s.CopySourceOffset && slot < s.CopySourceOffset + s.EntryPages) n++;
        }
        return n;
    }

    /// <summary>
    /// Copy-on-write, by the entry: an entry marked needs-copy shares its amap (or its object's
    /// pages) with another entry, so its pmap maps nothing writable. uvmspace_fork() sets
    /// UVM_ET_NEEDSCOPY on the parent's entry and pmap_protect()s it to read-only under the same map
    /// lock (uvm_map.c: `pmap_protect(old_map->pmap, ..., old_entry->protection & ~VM_PROT_WRITE)`),
    /// and uvm_fault() enters a needs-copy entry's pages without VM_PROT_WRITE. Counting anon
    /// references cannot see it (SharedAnonIsNeverWritableMapped): the amap is what is shared, and
    /// each anon has an_ref 1 (session 30's second hunt: fork's pmap_protect() moved past the unlock).
    /// </summary>
    public static readonly Invariant NeedsCopyEntryIsNeverWritableMapped = Invariant.ForAll(
        nameof(NeedsCopyEntryIsNeverWritableMapped),
        "No pmap maps a page writable in an entry marked needs-copy: the entry still shares its amap, and its first write must copy.",
        "cow", k => k.Vm.CowSpaces, s => !s.EntryMapped || !s.NeedsCopy || FirstWritable(s) < 0,
        s => $"{s}'s entry is needs-copy but its pmap maps page {FirstWritable(s)} writable") with { Reads = StateDomain.CowMaps };

    /// <summary>
    /// Copy-on-write, by the page and for every private pmap: in a private (MAP_PRIVATE, amap-backed)
    /// mapping the only page a process may store into without a fault is one its own anon owns
    /// alone. uvm_fault() (1.69 of 2001; the same in 1.113 of 2006) caps enter_prot in every other
    /// case: case 2 enters an object page read-only in a copy-on-write entry ("we are not promoting.
    /// if the mapping is COW ensure that we don't give more access than we should":
    /// <c>if (UVM_ET_ISCOPYONWRITE(ufi.entry)) enter_prot &amp;= ~VM_PROT_WRITE</c>), a needs-copy
    /// entry is entered without VM_PROT_WRITE ("ensure that we pmap_enter page R/O since
    /// needs_copy is still true"), case 1A does "if (anon-&gt;an_ref &gt; 1) ... disallow writes", a
    /// loaned page is entered read-only ("read fault: cap the protection at readonly"), and
    /// uvm_loan.c write-protects a page's mappings before it lends it (pmap_page_protect(pg,
    /// VM_PROT_READ)). Judged on the copy-on-write spaces and on the anon users' pmaps (their heap
    /// is private: <see cref="UserPmap.Amap"/>); the file and shm users map MAP_SHARED objects, whose
    /// pages case 2A enters with the entry's protection, and are not judged. A fork's child that
    /// amap_cow_now() is still copying does not share an anon (<see cref="SharedAnonIsNeverWritableMapped"/>).
    /// It overlaps that rule's an_ref clause and <see cref="NeedsCopyEntryIsNeverWritableMapped"/>
    /// (kept: their designated mutants and messages name the cause) and adds what neither reads: an
    /// object page mapped writable (session 35's hunt: case 2A with the entry's protection, mutant
    /// cow-object-fault-maps-writable), a loaned page, and the anon users' pmaps.
    /// </summary>
    public static readonly Invariant PrivateMappingWritesOnlyItsOwnAnon = new(
        nameof(PrivateMappingWritesOnlyItsOwnAnon),
        "In a private (copy-on-write) mapping a pmap maps a page writable only if it is the page of the anon its own amap holds there, with an_ref 1 and loan_count 0: never an object page (case 2 enters one read-only in a copy-on-write entry), nothing of a needs-copy entry, no shared anon (case 1: \"disallow writes\"), no loaned page. MAP_SHARED file and shm mappings, which map object pages writable, are not judged.",
        "vm", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
            {
                var space = spaces[i];
                for (int p = 0; p < space.Pages; p++)
                {
                    var (anon, page, writable) = space.PmapEntry(p);
                    if (!writable || page is null) continue;
                    if (space.NeedsCopy)
                        return $"{space} maps page {p} ({page}) writable while its entry is needs-copy (its amap is shared until amap_copy())";
                    if (WritableNotItsOwn(space, p, page, anon, space.AmapAnonAt(p), spaces) is { } bad) return bad;
                }
            }
            var users = k.Vm.UserPmaps;
            for (int i = 0; i < users.Count; i++)
            {
                if (users[i].Amap is not { } amap) continue; // a MAP_SHARED file or shm mapping
                for (int slot = 0; slot < users[i].Slots; slot++)
                {
                    var (anon, page, writable) = users[i].Entry(slot);
                    if (writable && page is not null && WritableNotItsOwn(users[i], slot, page, anon, amap[slot], null) is { } bad) return bad;
                }
            }
            return null;
        })
    {
        // The pmaps and the amaps (the anon users' amap slots change in the steps that change their anons), an_ref and an_page, loan_count.
        Reads = StateDomain.CowMaps | StateDomain.Anons | StateDomain.Pages,
    };

    /// <summary>
    /// Why the writable mapping of <paramref name="page"/> at <paramref name="slot"/> of a private
    /// <paramref name="pmap"/>, entered through <paramref name="anon"/> (null: an object page), is
    /// not the page of the anon its amap holds there (<paramref name="current"/>) alone, or null.
    /// <paramref name="spaces"/>, for a copy-on-write space, discounts the references of a fork's
    /// child amap_cow_now() is still copying.
    /// </summary>
    private static string? WritableNotItsOwn(object pmap, int slot, Page page, Anon? anon, Anon? current, IReadOnlyList<CowSpace>? spaces)
    {
        if (anon is null)
            return $"{pmap} maps page {slot} to the object's {page} writable: a private mapping enters an object page read-only (uvm_fault() case 2, UVM_ET_ISCOPYONWRITE), so the process stores into the file's page";
        if (current != anon)
            return $"{pmap} maps page {slot} ({page} of {anon}) writable, but its amap holds {(current is null ? "no anon" : current.ToString())} there";
        if (anon.Page != page)
            return $"{pmap} maps page {slot} to {page} writable through {anon}, whose page is {(anon.Page is { } now ? now.ToString() : "none")}";
        if (anon.RefCount > 1 && anon.RefCount - (spaces is null ? 0 : FormingReferences(spaces, anon)) > 1)
            return $"{pmap} maps page {slot} ({anon}, an_ref {anon.RefCount}) writable: a shared anon is entered read-only (uvm_fault() case 1A: \"disallow writes\")";
        if (page.LoanCount > 0)
            return $"{pmap} maps page {slot} ({page} of {anon}, loan_count {page.LoanCount}) writable: a loaned page is mapped read-only (uvm_loan.c: pmap_page_protect(pg, VM_PROT_READ))";
        return null;
    }

    /// <summary>The first page <paramref name="s"/>'s pmap maps writable, or -1.</summary>
    private static int FirstWritable(Uvm.Model.Cow.CowSpace s)
    {
        for (int i = 0; i < s.Pages; i++)
            if (s.PmapEntry(i).Writable && s.PmapEntry(i).Page is not null) return i;
        return -1;
    }

    /// <summary>Copy-on-write: a shared anon is mapped read-only everywhere.</summary>
    public static readonly Invariant SharedAnonIsNeverWritableMapped = new(
        nameof(SharedAnonIsNeverWritableMapped),
        "No pmap maps an anon's page writable while the anon is shared (an_ref > 1), and no page is writable-mapped through two anons. A reference held by a fork's child whose amap amap_cow_now() is still copying does not share the anon: the child cannot run before the copy is done (uvmspace_fork() never write-protects a wired entry; amap_cow_now(): \"if the page is loaned, then it must already be mapped read-only\").",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int p = 0; p < spaces[i].Pages; p++)
                {
                    if (!spaces[i].MappedWritable(p)) continue;
                    var anon = spaces[i].MappedAnon(p)!;
                    if (anon.RefCount - FormingReferences(spaces, anon) > 1) return $"{spaces[i]} maps page {p} ({anon}, an_ref {anon.RefCount}) writable";
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
        "A pmap maps no free page, no page that has left the anon or the object page it was mapped as (its mappings are removed first), nothing once its process has exited (pmap_remove() before pmap_destroy()), and no page but the one of the anon its amap now holds at that page (uvmfault_anonget's caller re-checks the amap after a sleep: \"verify no one has touched the amap and moved the anon on us\").",
        "vm", k =>
        {
            if (UserPmapStale(k.Vm.UserPmaps) is { } stale) return stale;
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
            {
                var space = spaces[i];
                for (int p = 0; p < space.Pages; p++)
                {
                    var (anon, page, _) = space.PmapEntry(p);
                    if (page is null) continue;
                    var current = space.AmapAnonAt(p);
                    if (StaleEntry(space, p, page, space.Exited, anon, space.Amap is not null && space.Covers(p), current) is { } bad) return bad;
                    if (anon is not null) continue;
                    if (current is not null)
                        return $"{space} maps page {p} to the object's {page}, but its amap now holds {current} there (a stale mapping of the page the copy-on-write replaced)";
                    if (space.Uobj is not { } obj || page.Object != obj || page.Index != p || obj.PageAt(p) != page)
                        return $"{space} maps page {p} to {page}, which is no longer page {p} of {(space.Uobj is { } o ? o.ToString() : "its file")}";
                }
            }
            return null;
        })
    {
        Reads = StateDomain.CowMaps | StateDomain.Anons | StateDomain.Pages | StateDomain.Objects,
    };

    /// <summary>
    /// <see cref="PmapMapsOnlyPagesItsMappingsOwn"/> for the file, anon and shm users' pmaps: an
    /// anon's mapping names the page of a live anon its amap still holds at that page; an object
    /// page's mapping names the page its object holds at that offset.
    /// </summary>
    private static string? UserPmapStale(IReadOnlyList<UserPmap> pmaps)
    {
        for (int i = 0; i < pmaps.Count; i++)
        {
            var pmap = pmaps[i];
            for (int slot = 0; slot < pmap.Slots; slot++)
            {
                var (anon, page, _) = pmap.Entry(slot);
                if (page is null) continue;
                if (StaleEntry(pmap, slot, page, pmap.Destroyed, anon, pmap.Amap is not null, pmap.Amap?[slot]) is { } stale) return stale;
                if (anon is null && pmap.ObjectPage(slot) is ({ } obj, var index) && (page.Object != obj || page.Index != index || obj.PageAt(index) != page))
                    return $"{pmap} maps page {index} of {obj} to {page}, which is no longer that page of the object";
            }
        }
        return null;
    }

    /// <summary>
    /// What every pmap's entry at <paramref name="slot"/> (<paramref name="page"/>, entered through
    /// <paramref name="anon"/> or as an object page) must hold, whoever keeps the pmap: its process
    /// has not exited, the page is not free, and an anon's mapping names the page of a live anon
    /// that its amap (when <paramref name="amapKnown"/>) still holds there (<paramref name="current"/>).
    /// </summary>
    private static string? StaleEntry(object pmap, int slot, Page page, bool exited, Anon? anon, bool amapKnown, Anon? current)
    {
        if (exited) return $"{pmap} maps page {slot} to {page} after its process exited (pmap_destroy() of a pmap that still maps pages)";
        if (page.Queue == PageQueue.Free) return $"{pmap} maps page {slot} to {page}, which is free";
        if (anon is null) return null;
        if (anon.Freed) return $"{pmap} maps page {slot} to {page} through {anon}, which is freed";
        if (anon.Page != page) return $"{pmap} maps page {slot} to {page} through {anon}, whose page is now {(anon.Page is { } now ? now.ToString() : "none")}";
        return amapKnown && current != anon
            ? $"{pmap} maps page {slot} to {page} through {anon}, but its amap now holds {(current is null ? "no anon" : current.ToString())} there"
            : null;
    }

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
        "A pmap maps nothing where no entry is mapped (an unmapped entry, or the part munmap() clipped off one: neither an anon's page nor a page of the file under it), and nothing writable in a read-only entry.",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int p = 0; p < spaces[i].Pages; p++)
                {
                    if (!spaces[i].Covers(p) && spaces[i].MappedAnon(p) is { } a)
                        return $"{spaces[i]} still maps page {p} ({a}) after munmap";
                    if (!spaces[i].Covers(p) && spaces[i].MappedObjectPage(p) is { } op)
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

    /// <summary>A user page's wire_count counts the wired mappings of it (mlock()).</summary>
    public static readonly Invariant WireCountEqualsWiredMappings = new(
        nameof(WireCountEqualsWiredMappings),
        "A page's wire_count equals the number of pmap mappings that map it wired, kernel_object's u-area pages aside (wired through the kernel's own map): uvm_fault_wire()'s fault does uvm_pagewire() as it enters the mapping PMAP_WIRED, and uvm_fault_unwire_locked() does uvm_pageunwire() of the page pmap_extract() finds as it pmap_unwire()s it (uvm_fault.c; uvm_page_i.h: wire_count, \"wired count\"). Not judged for a page a busy map maps: during uvm_map_pageable()'s pass 2 another LWP's fault on the entry, now wired, enters PMAP_WIRED a page the pass has yet to wire.",
        "cow", k =>
        {
            // A page mapped wired with wire_count 0 here; every page with a wire count below.
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
                for (int p = 0; p < spaces[i].Pages; p++)
                    if (spaces[i].MappedWired(p) && spaces[i].PmapEntry(p).Page is { WireCount: 0 } page && WiredMappings(spaces, page) is var (n, busy) && !busy)
                        return $"{spaces[i]} maps page {p} wired to {page}, whose wire_count is {page.WireCount} but {n} wired mapping(s) map it";
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
                if (pages[i] is { WireCount: > 0 } page && page.Object is not { IsKernelObject: true } && WiredMappings(spaces, page) is var (n, busy) && !busy && page.WireCount != n)
                    return $"{page} has wire_count {page.WireCount} but {n} wired mapping(s) map it";
            return null;
        })
    {
        Reads = StateDomain.CowMaps | StateDomain.Pages,
    };

    /// <summary>A wired entry is resident and mapped wired (mlock()).</summary>
    public static readonly Invariant WiredEntryIsMappedWired = new(
        nameof(WiredEntryIsMappedWired),
        "Once uvm_map_pageable() has wired an entry (wired_count > 0, the map no longer busy), the pmap maps every page of it, wired, until munlock() or munmap() unwires it: a wired page is never paged out, freed or unmapped under it (uvm_map.h: wired_count, \"can be paged if == 0\").",
        "cow", k =>
        {
            var spaces = k.Vm.CowSpaces;
            for (int i = 0; i < spaces.Count; i++)
            {
                var space = spaces[i];
                if (!space.EntryMapped || space.WiredCount == 0 || space.Busy) continue;
                for (int p = space.EntryStart; p < space.EntryEnd; p++)
                    if (!space.MappedWired(p))
                        return $"{space}'s entry is wired (wired_count {space.WiredCount}) but its pmap {(space.PmapEntry(p).Page is null ? "does not map" : "maps, not wired,")} page {p}";
            }
            return null;
        })
    {
        Reads = StateDomain.CowMaps,
    };

    /// <summary>The copy-on-write invariants.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
        [AnonRefEqualsAmapSlots, AmapNusedEqualsItsAnons, AmapRefEqualsItsEntries, AmapPprefCountsItsEntries, PmapMapsOnlyPagesItsMappingsOwn, SharedAnonIsNeverWritableMapped, NeedsCopyEntryIsNeverWritableMapped, NoAmapSlotPointsToAFreedAnon, NoMappingOutlivesItsEntry, WireCountEqualsWiredMappings, WiredEntryIsMappedWired, PrivateMappingWritesOnlyItsOwnAnon];

    /// <summary>The references to <paramref name="anon"/> from the amaps of forks' children that amap_cow_now() is still copying.</summary>
    private static int FormingReferences(IReadOnlyList<CowSpace> spaces, Anon anon)
    {
        int n = 0;
        for (int i = 0; i < spaces.Count; i++)
            if (spaces[i] is { Forming: true, Amap: { } amap })
                for (int slot = 0; slot < amap.Slots; slot++)
                    if (amap.Lookup(slot) == anon) n++;
        return n;
    }

    /// <summary>How many wired pmap mappings map <paramref name="page"/>, and whether a busy map (uvm_map_pageable()'s pass 2) maps it.</summary>
    private static (int Wired, bool Busy) WiredMappings(IReadOnlyList<CowSpace> spaces, Page page)
    {
        int n = 0;
        bool busy = false;
        for (int i = 0; i < spaces.Count; i++)
            for (int p = 0; p < spaces[i].Pages; p++)
                if (spaces[i].PmapEntry(p).Page == page)
                {
                    if (spaces[i].MappedWired(p)) n++;
                    busy |= spaces[i].Busy;
                }
        return (n, busy);
    }

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
