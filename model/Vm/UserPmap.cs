using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// The pmap of a process actor outside the copy-on-write spaces (<see cref="Cow.CowSpace"/>): what
/// it maps at each of its pages, as uvm_fault() entered it. A file user (<see cref="Threads.FileUser"/>)
/// maps the pages of its MAP_SHARED, PROT_READ|PROT_WRITE files, one slot per file page in order:
/// uvm_fault() case 2A enters an object page of a shared entry with the entry's protection
/// (<c>enter_prot = ufi.entry-&gt;protection</c>; only a copy-on-write entry, a loaned page or a
/// PG_RDONLY page over a hole is entered without VM_PROT_WRITE), so a read fault maps the page
/// writable too. An anon user (<see cref="Threads.AnonUser"/>) maps its heap's anons: case 1A takes
/// write away from an anon with <c>an_ref &gt; 1</c> or a loaned page. A shm user
/// (<see cref="Threads.ShmUser"/>) maps the pages of the segments it has attached, one slot per
/// segment page it touches; a loaned page is mapped read-only, and a loan write-protects the
/// mappings a page already has (uvm_loan.c: pmap_page_protect(pg, VM_PROT_READ)). A store through a writable
/// mapping is the MMU's, and only the pmap modified bit records it (<see cref="Page.PmapModified"/>).
/// A mapping stays until the kernel removes it: pmap_page_protect(pg, VM_PROT_NONE)
/// (<see cref="Cow.Pmap"/>) or pmap_remove() at munmap(), shmdt() and exit; an access through it is
/// <see cref="Cow.Pmap.MmuAccess"/>. Writes count as
/// <see cref="StateDomain.CowMaps"/>, the part of the process pmaps.
/// </summary>
public sealed class UserPmap
{
    private readonly Page?[] _page;
    private readonly Anon?[] _anon;
    private readonly AObj?[] _object;
    private readonly int[] _index;
    private readonly bool[] _writable;
    private readonly WriteVersions? _versions;

    /// <summary>A pmap of <paramref name="slots"/> pages, of the process <paramref name="name"/>.</summary>
    internal UserPmap(string name, int slots, WriteVersions? versions = null)
    {
        Name = name;
        _versions = versions;
        _page = new Page?[slots];
        _anon = new Anon?[slots];
        _object = new AObj?[slots];
        _index = new int[slots];
        _writable = new bool[slots];
    }

    /// <summary>The process's name.</summary>
    public string Name { get; }

    /// <summary>The number of pages the process may map.</summary>
    public int Slots => _page.Length;

    /// <summary>The anon user's amap (shared with its LWPs: the anon of each page, or null); null for a file or shm user.</summary>
    public IReadOnlyList<Anon?>? Amap { get; init; }

    /// <summary>What the pmap holds at <paramref name="slot"/>, as entered: the anon (null for an object page), the page (null: nothing mapped), whether writable.</summary>
    public (Anon? Anon, Page? Page, bool Writable) Entry(int slot) => (_anon[slot], _page[slot], _writable[slot]);

    /// <summary>The object and page index an object page at <paramref name="slot"/> was entered as (null object for an anon's page or none).</summary>
    public (AObj? Object, int Index) ObjectPage(int slot) => (_object[slot], _index[slot]);

    /// <summary>The page the MMU uses for an access of <paramref name="slot"/> without a fault: the page mapped there, if writable or the access is a load; null when the access faults.</summary>
    public Page? MmuPage(int slot, bool store) => _page[slot] is { } p && (!store || _writable[slot]) ? p : null;

    /// <summary>pmap_enter() of an anon's page <paramref name="p"/> at <paramref name="slot"/>.</summary>
    internal void Enter(int slot, Anon anon, Page p, bool writable) => Enter(slot, anon, null, 0, p, writable);

    /// <summary>pmap_enter() of page <paramref name="index"/> of <paramref name="obj"/>, <paramref name="p"/>, at <paramref name="slot"/>.</summary>
    internal void Enter(int slot, AObj obj, int index, Page p, bool writable) => Enter(slot, null, obj, index, p, writable);

    private void Enter(int slot, Anon? anon, AObj? obj, int index, Page p, bool writable)
    {
        V();
        _anon[slot] = anon;
        _object[slot] = obj;
        _index[slot] = index;
        _page[slot] = p;
        _writable[slot] = writable;
    }

    /// <summary>This pmap's part of pmap_page_protect(<paramref name="p"/>, VM_PROT_READ): its mappings of the page lose write.</summary>
    internal void WriteProtectMappingsOf(Page p)
    {
        for (int i = 0; i < _page.Length; i++)
            if (_page[i] == p && _writable[i])
            {
                V();
                _writable[i] = false;
            }
    }

    /// <summary>This pmap's part of pmap_page_protect(<paramref name="p"/>, VM_PROT_NONE): its mappings of the page go.</summary>
    internal void RemoveMappingsOf(Page p)
    {
        for (int i = 0; i < _page.Length; i++)
            if (_page[i] == p) Remove(i);
    }

    /// <summary>pmap_destroy() at exit (uvmspace_free(), after uvm_unmap_remove() removed every mapping): the pmap is gone.</summary>
    public bool Destroyed { get; private set; }

    /// <summary>pmap_destroy(): the process exits.</summary>
    internal void Destroy()
    {
        V();
        Destroyed = true;
    }

    /// <summary>pmap_remove() of every mapping (munmap() of the whole heap, exit's uvmspace_free()).</summary>
    internal void RemoveAll()
    {
        V();
        Array.Clear(_page);
        Array.Clear(_anon);
        Array.Clear(_object);
        Array.Clear(_index);
        Array.Clear(_writable);
    }

    /// <summary>pmap_remove() of the mapping at <paramref name="slot"/> (shmdt()'s uvm_deallocate() of an attachment).</summary>
    internal void Remove(int slot)
    {
        V();
        _page[slot] = null;
        _anon[slot] = null;
        _object[slot] = null;
        _index[slot] = 0;
        _writable[slot] = false;
    }

    /// <inheritdoc/>
    public override string ToString() => $"pmap of {Name}";

    private void V() => _versions?.Bump(StateDomain.CowMaps);
}
