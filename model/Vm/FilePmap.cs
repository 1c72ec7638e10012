using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// What the pmap of a file user (<see cref="Threads.FileUser"/>) maps: its MAP_SHARED,
/// PROT_READ|PROT_WRITE mappings of file pages. uvm_fault() case 2A enters an object page of a
/// shared entry with the entry's protection (<c>enter_prot = ufi.entry-&gt;protection</c>; only a
/// copy-on-write entry, a loaned page or a PG_RDONLY page over a hole is entered without
/// VM_PROT_WRITE), so a read fault maps the page writable too and a later store goes through the
/// MMU without a fault, setting the pmap modified bit alone (<see cref="Page.PmapModified"/>).
/// A mapping stays until the kernel removes it: pmap_page_protect(pg, VM_PROT_NONE) (genfs_putpages()
/// with PGO_FREE, <see cref="Cow.Pmap"/>) or pmap_remove() at exit. Writes count as
/// <see cref="StateDomain.CowMaps"/>, the part of the process pmaps.
/// </summary>
public sealed class FilePmap
{
    private readonly Page?[][] _mapped;
    private readonly WriteVersions? _versions;

    internal FilePmap(string name, IReadOnlyList<AObj> files, WriteVersions? versions = null)
    {
        Name = name;
        Files = files;
        _versions = versions;
        _mapped = [.. files.Select(f => new Page?[f.Size])];
    }

    /// <summary>The process's name.</summary>
    public string Name { get; }

    /// <summary>The files it maps, in order.</summary>
    public IReadOnlyList<AObj> Files { get; }

    /// <summary>The page the pmap maps at page <paramref name="page"/> of file <paramref name="file"/>, as pmap_enter() entered it, or null.</summary>
    public Page? Mapped(int file, int page) => _mapped[file][page];

    /// <summary>pmap_enter() of <paramref name="p"/>, writable.</summary>
    internal void Enter(int file, int page, Page p)
    {
        V();
        _mapped[file][page] = p;
    }

    /// <summary>This pmap's part of pmap_page_protect(<paramref name="p"/>, VM_PROT_NONE): its mappings of the page go.</summary>
    internal void RemoveMappingsOf(Page p)
    {
        for (int f = 0; f < _mapped.Length; f++)
            for (int i = 0; i < _mapped[f].Length; i++)
                if (_mapped[f][i] == p)
                {
                    V();
                    _mapped[f][i] = null;
                }
    }

    /// <summary>pmap_remove() of every mapping (exit's uvmspace_free()).</summary>
    internal void RemoveAll()
    {
        V();
        foreach (var m in _mapped) Array.Clear(m);
    }

    /// <inheritdoc/>
    public override string ToString() => $"pmap of {Name}";

    private void V() => _versions?.Bump(StateDomain.CowMaps);
}
