using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Cow;

/// <summary>
/// The address space of a copy-on-write process: its vm_map (uvm_map.h, 2003) with one private
/// anonymous map entry of <see cref="Pages"/> pages, and what its pmap maps. <see cref="Lock"/>
/// stands for the map's lockmgr lock (vm_map_lock / vm_map_lock_read; one faulting LWP per
/// map, so read sharing is not modelled); <see cref="Timestamp"/> is the map's timestamp, which
/// uvmfault_relock() compares: uvm_map.h moves it in vm_map_lock() and vm_map_lock_try(), once the
/// exclusive lock is held, and never in vm_map_unlock() or vm_map_upgrade(); the model moves it at
/// the unlock of a write-locked section instead (UnlockChanged), which no relock can tell apart. <see cref="Uobj"/> is the vnode under a file-backed entry (MAP_PRIVATE,
/// model/Cow/CowObjectFault.cs); the pmap then may map its pages read-only. <see cref="WiredCount"/>
/// and <see cref="Busy"/> are the entry's wired_count and the map's VM_MAP_BUSY (mlock(),
/// model/Cow/CowWiring.cs), and the pmap keeps each mapping's PMAP_WIRED bit. The entry covers
/// pages [<see cref="EntryStart"/>, <see cref="EntryEnd"/>) of the space and finds page p of it in
/// slot <see cref="AmapOffset"/> + p - EntryStart of its amap (aref.ar_pageoff; amap_lookup():
/// <c>slot += aref-&gt;ar_pageoff</c>): a munmap() of a head or a tail of it clips it
/// (uvm_map_clip_start/uvm_map_clip_end, amap_splitref(); model/Cow/CowMapOps.cs). Left out: two
/// entries at once (a munmap() inside the entry, or mprotect() of part of it).
/// </summary>
public sealed class CowSpace
{
    private readonly Anon?[] _mapped;
    private readonly Page?[] _mappedPage;
    private readonly bool[] _writable;
    private readonly bool[] _wired;

    /// <summary>What the process last read or wrote at each page (<see cref="Sees"/>), where <see cref="_viewKnown"/> says it has.</summary>
    private readonly Content?[] _view;
    private readonly bool[] _viewKnown;

    internal CowSpace(string name, int pages, WriteVersions? versions = null, Discipline? discipline = null)
    {
        _versions = versions;
        _d = discipline;
        Name = name;
        Pages = pages;
        Lock = new SimpleLock($"vm_map lock of {name}", LockKind.Sleep, "vm_map_lock");
        _mapped = new Anon?[pages];
        _mappedPage = new Page?[pages];
        _writable = new bool[pages];
        _wired = new bool[pages];
        _view = new Content?[pages];
        _viewKnown = new bool[pages];
        EntryEnd = pages;
        BusyChannel = new($"vmmapbsy of {name}");
    }

    /// <summary>The process's name.</summary>
    public string Name { get; }

    /// <summary>The entry's size in pages.</summary>
    public int Pages { get; }

    /// <summary>The vm_map lock.</summary>
    public SimpleLock Lock { get; }

    /// <summary>map->timestamp.</summary>
    public int Timestamp { get; internal set { V(); field = value; } }

    /// <summary>False once munmap() removed the entry.</summary>
    public bool EntryMapped { get; internal set { EntryWritten("EntryMapped"); field = value; } } = true;

    /// <summary>entry->start, as a page of the space: munmap() of a head of the entry clips it here.</summary>
    public int EntryStart { get; internal set { EntryWritten("start"); field = value; } }

    /// <summary>entry->end, as a page of the space: munmap() of a tail of the entry clips it here.</summary>
    public int EntryEnd { get; internal set { EntryWritten("end"); field = value; } }

    /// <summary>aref.ar_pageoff: the amap slot of the entry's first page.</summary>
    public int AmapOffset { get; internal set { EntryWritten("ar_pageoff"); field = value; } }

    /// <summary>The entry's size in pages.</summary>
    public int EntryPages => EntryEnd - EntryStart;

    /// <summary>Whether the entry is mapped and covers page <paramref name="page"/> of the space (uvm_map_lookup_entry() finds it).</summary>
    public bool Covers(int page) => EntryMapped && page >= EntryStart && page < EntryEnd;

    /// <summary>The amap slot of page <paramref name="page"/> of the space: ar_pageoff + (va - entry->start).</summary>
    public int SlotOf(int page) => AmapOffset + page - EntryStart;

    /// <summary>The anon the entry's amap holds at page <paramref name="page"/>, or null (no entry there, no amap, empty slot).</summary>
    public Anon? AmapAnonAt(int page) => Covers(page) && Amap is { } amap ? amap.Lookup(SlotOf(page)) : null;

    /// <summary>The entry's protection allows writing (mprotect can take it away).</summary>
    public bool EntryWritable { get; internal set { EntryWritten("EntryWritable"); field = value; } } = true;

    /// <summary>The entry's uvm_object (a vnode mapped MAP_PRIVATE), or null for an anonymous entry.</summary>
    public AObj? Uobj { get; internal set { EntryWritten("Uobj"); field = value; } }

    /// <summary>UVM_ET_NEEDSCOPY.</summary>
    public bool NeedsCopy { get; internal set { EntryWritten("NeedsCopy"); field = value; } }

    /// <summary>aref.ar_amap, or null before the first fault.</summary>
    public Amap? Amap { get; internal set { EntryWritten("Amap"); field = value; } }

    /// <summary>The amap uvm_unmap_remove() took off the entry, until uvm_unmap_detach()'s amap_unref() is done.</summary>
    public Amap? DetachedAmap { get; internal set { V(); field = value; } }

    /// <summary>The dead entry's ar_pageoff and size in pages: amap_unref(amap, ar_pageoff, len, 0)'s range.</summary>
    public int DetachedOffset { get; internal set { V(); field = value; } }

    /// <summary>The dead entry's size in pages (<see cref="DetachedOffset"/>).</summary>
    public int DetachedPages { get; internal set { V(); field = value; } }

    /// <summary>The amap amap_copy() is copying from, until its am_ref-- (the entry still holds that reference).</summary>
    public Amap? CopySource { get; internal set { V(); field = value; } }

    /// <summary>The entry's ar_pageoff in <see cref="CopySource"/> while amap_copy() copies it (its range is the entry's size).</summary>
    public int CopySourceOffset { get; internal set { V(); field = value; } }

    /// <summary>entry->wired_count: mlock() calls not undone (munlock() and uvm_unmap_remove() set it to 0).</summary>
    public int WiredCount { get; internal set { EntryWritten("WiredCount"); field = value; } }

    /// <summary>VM_MAP_BUSY: uvm_map_pageable()'s pass 2 runs with the map read-locked; writers wait in vm_map_lock().</summary>
    public bool Busy { get; internal set { V(); field = value; } }

    /// <summary>The thread that set VM_MAP_BUSY (vm_map_busy(): "the map is busy: other threads attempting to write-lock wait for this flag to clear"), or null.</summary>
    public KernelThread? BusyOwner { get; internal set { V(); field = value; } }

    /// <summary>VM_MAP_WANTLOCK: a writer sleeps on <see cref="BusyChannel"/> until vm_map_unbusy().</summary>
    public bool BusyWanted { get; internal set { V(); field = value; } }

    /// <summary>&amp;map->flags, the channel of vm_map_lock()'s "vmmapbsy" sleep.</summary>
    public WaitChannel BusyChannel { get; }

    /// <summary>
    /// A fork's child whose amap amap_cow_now() is still copying (uvmspace_fork() of a wired entry):
    /// until it is done the child cannot run, and the parent's wired entry, never write-protected,
    /// maps writable the anons it still shares with it.
    /// </summary>
    public bool Forming { get; internal set { V(); field = value; } }

    /// <summary>Dropped at exit (uvmspace_free).</summary>
    public bool Exited { get; internal set { V(); field = value; } }

    /// <summary>
    /// p_userret == lwp_exit_hook: the process's exit1() has reached exit_lwps() (after P_WEXIT and
    /// its rusage pool_get(), which may sleep), so each of its other LWPs calls lwp_exit() at its
    /// next return to user mode instead of going on (kern_exit.c exit1(), exit_lwps()). exit1() runs
    /// at the end of the LWP's program, or early, when a user fault failed and trap() posted the
    /// signal that ends the process: SIGKILL for ENOMEM ("UVM: pid %d (%s), uid %d killed: out of
    /// swap"), SIGSEGV for EFAULT, EACCES and EIO (i386 trap.c, T_PAGEFLT|T_USER; userret()'s
    /// postsig() → sigexit() → exit1()). Loads and stores the pmap maps go on meanwhile: they never
    /// enter the kernel.
    /// </summary>
    public bool Exiting { get; internal set { V(); field = value; } }

    /// <summary>
    /// The anon through which the pmap maps <paramref name="page"/>, as pmap_enter() entered it, or
    /// null. The mapping stays until the kernel removes it (<see cref="Pmap"/>): whether the anon
    /// still holds the mapped page is PmapMapsOnlyPagesItsMappingsOwn's question.
    /// </summary>
    public Anon? MappedAnon(int page) => _mappedPage[page] is not null ? _mapped[page] : null;

    /// <summary>Whether the pmap's mapping of <paramref name="page"/> is wired (pmap_enter(..., PMAP_WIRED)).</summary>
    public bool MappedWired(int page) => _mappedPage[page] is not null && _wired[page];

    /// <summary>Whether the pmap maps <paramref name="page"/> writable (with <see cref="MappedAnon"/> set).</summary>
    public bool MappedWritable(int page) => MappedAnon(page) is not null && _writable[page];

    /// <summary>The object page the pmap maps (read-only) at <paramref name="page"/>, as pmap_enter() entered it, or null.</summary>
    public Page? MappedObjectPage(int page) => _mapped[page] is null ? _mappedPage[page] : null;

    /// <summary>What the pmap holds at <paramref name="page"/>, as entered: the anon (null for an object page), the page (null: nothing mapped), whether writable.</summary>
    public (Anon? Anon, Page? Page, bool Writable) PmapEntry(int page) => (_mapped[page], _mappedPage[page], _writable[page]);

    /// <summary>
    /// pmap_enter() of an object page, read-only (case 2A on a copy-on-write entry); writable only
    /// under the mutation cow-object-fault-maps-writable.
    /// </summary>
    internal void EnterObject(int page, Page p, bool writable = false)
    {
        V();
        _mapped[page] = null;
        _mappedPage[page] = p;
        _writable[page] = writable;
        _wired[page] = WiredCount > 0; // uvm_fault(): PMAP_WIRED on a wired entry
    }

    /// <summary>pmap_enter(), with PMAP_WIRED when <paramref name="wired"/>.</summary>
    internal void Enter(int page, Anon anon, Page p, bool writable, bool wired = false)
    {
        V();
        _mapped[page] = anon;
        _mappedPage[page] = p;
        _writable[page] = writable;
        _wired[page] = wired;
    }

    /// <summary>pmap_unwire() of <paramref name="page"/>: the mapping stays, no longer wired.</summary>
    internal void Unwire(int page)
    {
        V();
        _wired[page] = false;
    }

    /// <summary>pmap_remove() of the whole entry.</summary>
    internal void RemoveAll()
    {
        V();
        Array.Clear(_mapped);
        Array.Clear(_mappedPage);
        Array.Clear(_writable);
        Array.Clear(_wired);
    }

    /// <summary>pmap_remove() of one page of the entry.</summary>
    internal void RemoveMapping(int page)
    {
        V();
        _mapped[page] = null;
        _mappedPage[page] = null;
        _writable[page] = false;
        _wired[page] = false;
    }

    /// <summary>This pmap's part of pmap_page_protect(<paramref name="p"/>, VM_PROT_NONE): its mappings of the page go.</summary>
    internal void RemoveMappingsOf(Page p)
    {
        for (int i = 0; i < _mappedPage.Length; i++)
            if (_mappedPage[i] == p) RemoveMapping(i);
    }

    /// <summary>This pmap's part of pmap_page_protect(<paramref name="p"/>, VM_PROT_READ): its mappings of the page lose write.</summary>
    internal void WriteProtectMappingsOf(Page p)
    {
        for (int i = 0; i < _mappedPage.Length; i++)
            if (_mappedPage[i] == p && _writable[i])
            {
                V();
                _writable[i] = false;
            }
    }

    /// <summary>pmap_protect(VM_PROT_READ) of the whole entry (fork, mprotect).</summary>
    internal void WriteProtectAll()
    {
        V();
        Array.Clear(_writable);
    }

    /// <summary>
    /// The process's own view of its memory, kept by the model (not the kernel): a private mapping
    /// gives back what the process last read or wrote there, or what its parent's memory held at
    /// fork(). <paramref name="p"/> is the page a fault of <paramref name="page"/> is about to map:
    /// if the process has seen that page before and the page holds other data, the fault gives it
    /// another process's write (copy-on-write not broken, a copy from the wrong page) or loses its
    /// own; reported as NoProcessSeesAnotherProcessWrite (properties/DataDetector.cs). The fault makes
    /// no sleep between this check and its pmap_enter().
    /// </summary>
    internal void Sees(Kernel k, KernelThread self, int page, Page p) => Report(k, Seen(self, page, p));

    /// <summary>
    /// What <see cref="Sees"/> would report, or null, without reporting it: a fault that also stores
    /// reports it after the store, so that a store landing on data its process never had is named
    /// as that (EveryStoreLandsOnItsOwnersData) when both hold.
    /// </summary>
    internal string? Seen(KernelThread self, int page, Page p) =>
        !_viewKnown[page] || ReferenceEquals(_view[page], p.Data) ? null
            : $"{self.Name}'s fault of page {page} of {this} maps {p}, which holds {Content.Describe(p.Data)}; the process last saw {Content.Describe(_view[page])} there";

    /// <summary>Reports what <see cref="Seen"/> found, if anything.</summary>
    internal static void Report(Kernel k, string? seen)
    {
        if (seen is not null) k.Events.Break("NoProcessSeesAnotherProcessWrite", seen);
    }

    /// <summary>The process has read or written <paramref name="data"/> at <paramref name="page"/> (the fault is done).</summary>
    internal void Saw(int page, Content? data)
    {
        V();
        _view[page] = data;
        _viewKnown[page] = true;
    }

    /// <summary>fork(): the child's memory starts as the parent's.</summary>
    internal void InheritView(CowSpace parent)
    {
        V();
        Array.Copy(parent._view, _view, _view.Length);
        Array.Copy(parent._viewKnown, _viewKnown, _viewKnown.Length);
    }

    /// <summary>
    /// fork() of a wired entry: amap_cow_now() has just copied <paramref name="page"/> for this child,
    /// so the child's memory there is the parent's as it is now, not as it was when the fork began:
    /// while amap_cow_now() waits for memory with the parent's map locked, the parent's other LWPs
    /// still store through their wired, writable mappings (no fault, no map lock), and a copy made
    /// after such a store carries it. The expectation is the parent process's view, not the copied
    /// page's data, so a copy from the wrong page is still seen at the child's fault.
    /// </summary>
    internal void InheritViewAt(CowSpace parent, int page)
    {
        V();
        _view[page] = parent._view[page];
        _viewKnown[page] = parent._viewKnown[page];
    }

    /// <summary>
    /// The process keeps no expectation of <paramref name="page"/>: madvise(MADV_FREE) gave its data
    /// up, or the page is the object's, not the process's own.
    /// </summary>
    internal void ForgetView(int page)
    {
        V();
        _viewKnown[page] = false;
        _view[page] = null;
    }

    /// <summary>
    /// The page the MMU would use for an access of <paramref name="page"/> without a fault: what the
    /// pmap maps there, if it maps it writable or the access is a load; null when the access faults.
    /// </summary>
    public Page? MmuPage(int page, bool store) =>
        _mappedPage[page] is { } p && (!store || _writable[page]) ? p : null;

    /// <summary>
    /// <see cref="Pmap.MmuAccess"/> through this pmap's mapping of <paramref name="page"/>: the page
    /// must hold what the process last saw there, and the process then sees what it holds.
    /// </summary>
    internal Step MmuAccess(Kernel k, KernelThread self, int page, Page p, bool store)
    {
        Report(k, Seen(self, page, p));
        var step = Pmap.MmuAccess(k, self, p, store);
        Saw(page, p.Data);
        return step;
    }

    /// <summary>vm_map_unlock() after a change: the timestamp moves.</summary>
    internal void UnlockChanged(Kernel k, KernelThread self)
    {
        V();
        Timestamp++;
        Lock.Release(k, self);
    }

    /// <inheritdoc/>
    public override string ToString() => $"vmspace of {Name}";

    /// <summary>The write versions of the kernel; null for a space built alone in a test.</summary>
    private readonly WriteVersions? _versions;

    /// <summary>A write to the copy-on-write spaces (<see cref="StateDomain.CowMaps"/>).</summary>
    private void V() => _versions?.Bump(StateDomain.CowMaps);

    /// <summary>The lock-discipline detector; null for a space built alone in a test.</summary>
    private readonly Discipline? _d;

    /// <summary>
    /// A write of the map entry (its protection, needs-copy, amap, object, wiring, or the entry
    /// itself): while another thread has the map VM_MAP_BUSY (uvm_map_pageable()'s second pass
    /// holds it read-locked and busy), only that thread may change the entry, so a write by any
    /// other is reported to the lock-discipline detector.
    /// </summary>
    private void EntryWritten(string field)
    {
        V();
        _d?.WriteWhileBusy(BusyOwner, this, field);
    }
}
