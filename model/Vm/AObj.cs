using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// struct uvm_aobj (uvm_aobj.c rev 1.39.2.6): an anonymous-memory object, such as a SysV shm
/// segment or kernel_object. <see cref="Lock"/> (vmobjlock) protects its pages and its per-page
/// swap-slot table (the array form; the hash form for objects over 64 pages is left out).
/// <para>
/// An object made with a kernel (shm segments, vnodes, uvm_loanzero_object) has the rule checked by the lock-discipline
/// detector: a step that looks up, inserts or removes a page (uvm_pagelookup, uvm_pageinsert,
/// uvm_pageremove: "object must be locked") or finds or sets a swap slot (uao_find_swslot,
/// uao_set_swslot: "object must be locked") holds vmobjlock. kernel_object is checked too: the
/// u-area's uvm_fault_wire() and uvm_km_pgremove() take its lock (model/Sched/UareaWiring.cs);
/// uvm_fault_unwire() finds its pages through the kernel pmap (<see cref="MappedPage"/>).
/// </para>
/// </summary>
public sealed class AObj
{
    /// <summary>u_swslots: the swap slot of each page, 0 if none.</summary>
    private int[] _swslots;

    /// <summary>memq, indexed by page: the resident page of each index, or null.</summary>
    private Page?[] _pages;

    /// <summary>The data last written to each page of the object (<see cref="Written"/>); null is zeros.</summary>
    private Content?[] _written;

    /// <summary>A vnode's file: the data on disk of each block (<see cref="Block"/>); empty for other objects.</summary>
    private Content?[] _blocks;

    /// <summary>The detectors of the object's kernel; null for kernel_object and for an object built alone in a test.</summary>
    private readonly Discipline? _d;

    /// <summary>Where uao_free() freed the object (model/Core/Poison.cs); live until then.</summary>
    private Poison _poison;

    /// <summary>Who dropped the reference count to 0 (<see cref="Discipline.Counted"/>).</summary>
    private LastReference _lastReference;

    /// <summary>Creates an aobj of <paramref name="size"/> pages with one reference (uao_create).</summary>
    internal AObj(int id, int size, bool noSwap, string? name = null, WriteVersions? versions = null, Kernel? kernel = null)
    {
        Versions = versions;
        _d = kernel?.Discipline;
        Id = id;
        Name = name ?? $"aobj {id}";
        NoSwap = noSwap;
        _swslots = new int[size];
        _pages = new Page?[size];
        _written = new Content?[size];
        _blocks = [];
        Lock = new SimpleLock($"vmobjlock of {Name}", LockKind.Simple, "vmobjlock");
    }

    /// <summary>A global object number.</summary>
    public int Id { get; }

    /// <summary>A readable name: <c>aobj 2</c>, <c>kernel_object</c>.</summary>
    public string Name { get; }

    /// <summary>u_pages.</summary>
    public int Size => _pages.Length;

    /// <summary>Never swapped: a vnode (its pager writes to the file) or uvm_loanzero_object; an aobj made with UAO_FLAG_NOSWAP.</summary>
    public bool NoSwap { get; }

    /// <summary>
    /// pgo_put of an object whose pages are not swap-backed (no PQ_SWAPBACKED): the pagedaemon
    /// calls it with the object locked and the page queues unlocked; it returns with the object
    /// unlocked, after the steps it takes (it may sleep). Null for aobjs, whose pages the
    /// pagedaemon pages out to swap itself. Set for uvm_loanzero_object (ulz_put, uvm_loan.c rev
    /// 1.41) and for vnodes (model/Pager/VnodePager.cs).
    /// </summary>
    internal Func<Kernel, KernelThread, Page, IEnumerable<Step>>? PgoPut { get; init; }

    /// <summary>
    /// A vnode's uvm_object (uvm_vnode.c): its pages are not swap-backed, their copy is the file,
    /// which genfs_putpages() writes and genfs_getpages() reads (model/Pager/VnodePager.cs).
    /// </summary>
    public bool IsVnode { get; init; }

    /// <summary>
    /// kernel_object (uao_create(…, UAO_FLAG_KERNOBJ) in uvm_km_init()): its uo_refs is
    /// UVM_OBJ_KERN, which uao_reference() and uao_detach() leave alone ("if (UVM_OBJ_IS_KERN_OBJECT(uobj))
    /// return"), so it is never freed; it is on uao_list like every aobj, and its pages are paged
    /// out to swap and back like theirs.
    /// </summary>
    public bool IsKernelObject { get; init; }

    /// <summary>uo_refs; kernel_object's never changes (<see cref="IsKernelObject"/>).</summary>
    public int Refs
    {
        get { Touch(); return field; }
        internal set
        {
            Touch();
            if (IsKernelObject) return;
            if (!IsVnode) _d?.Counted(this, "uo_refs", field, value, ref _lastReference); // a vnode's count may leave 0 (vget() of a free vnode)
            V();
            field = value;
        }
    } = 1;

    /// <summary>On uao_list (the list uao_swap_off() walks); cleared by the last uao_detach().</summary>
    public bool OnList
    {
        get { Touch(); return field; }
        internal set { Touch(); V(); field = value; }
    } = true;

    /// <summary>
    /// A vnode's v_numoutput (vfs_subr.c 1.171, genfs_vnops.c 1.101): the vwakeup()s its write bufs
    /// still owe. genfs_gop_write() adds 2 per buf, biodone() and uvm_aio_aiodone() each call
    /// vwakeup(), which decrements it and wakes <see cref="NumOutputChannel"/> when it reaches 0
    /// with <see cref="VbWait"/> set. Kept under splbio and global_v_numoutput_slock in the
    /// kernel; in the model every access is inside one step.
    /// </summary>
    public int NumOutput
    {
        get { Touch(); return field; }
        internal set { Touch(); V(); field = value; }
    }

    /// <summary>VBWAIT in v_flag: a thread sleeps on &amp;v_numoutput ("genput2", "vflushbuf") until it is 0.</summary>
    public bool VbWait
    {
        get { Touch(); return field; }
        internal set { Touch(); V(); field = value; }
    }

    /// <summary>&amp;vp->v_numoutput, the channel of genfs_putpages()'s "genput2" and vflushbuf()'s waits.</summary>
    public WaitChannel NumOutputChannel => _numOutputChannel ??= new($"&v_numoutput of {Name}");

    /// <summary>Backs <see cref="NumOutputChannel"/>.</summary>
    private WaitChannel? _numOutputChannel;

    /// <summary><see cref="NumOutputChannel"/> if some path has named it (slept on it or woken it), else null; never names it (for the properties, which only read).</summary>
    public WaitChannel? NamedNumOutputChannel => _numOutputChannel;

    /// <summary>The write bufs genfs_gop_write() counted in <see cref="NumOutput"/> and no uvm_aio_aiodone() has released yet (putiobuf()).</summary>
    public IReadOnlyList<PageIo> Outputs => _outputs;

    /// <summary>Backs <see cref="Outputs"/>.</summary>
    private readonly List<PageIo> _outputs = [];

    /// <summary>genfs_gop_write(): a write buf of the vnode is counted.</summary>
    internal void AddOutput(PageIo io)
    {
        Touch();
        V();
        _outputs.Add(io);
    }

    /// <summary>uvm_aio_aiodone()'s putiobuf(bp): the buf is gone, whatever it still owes.</summary>
    internal void RemoveOutput(PageIo io)
    {
        Touch();
        V();
        _outputs.Remove(io);
    }

    /// <summary>
    /// vmobjlock. A vnode's is v_interlock, part of the struct vnode that vgonel()'s pool_put
    /// frees: taking it through a stale vnode pointer is a use after free (session 37).
    /// </summary>
    public SimpleLock Lock
    {
        get
        {
            if (IsVnode) Touch();
            return field;
        }
    }

    /// <summary>The resident page at <paramref name="index"/>, or null (uvm_pagelookup).</summary>
    public Page? PageAt(int index)
    {
        Touch();
        _d?.Read(Lock, this, "memq");
        return _pages[index];
    }

    /// <summary>
    /// The page the kernel pmap maps at <paramref name="index"/> of a wired kernel_object range:
    /// uvm_fault_unwire_locked() finds each page with pmap_extract() and PHYS_TO_VM_PAGE(), not
    /// by an object lookup, and holds only uvm.pageqlock (so no vmobjlock check here).
    /// </summary>
    internal Page? MappedPage(int index) => _pages[index];

    /// <summary>uao_find_swslot(): the swap slot of a page, 0 if none.</summary>
    public int FindSwslot(int index)
    {
        Touch();
        _d?.Read(Lock, this, "u_swslots");
        return NoSwap ? 0 : _swslots[index];
    }

    /// <summary>The whole slot table, for invariants.</summary>
    public IReadOnlyList<int> SwapSlots => _swslots;

    /// <summary>
    /// uao_set_swslot(): record <paramref name="slot"/> for the page and return the old slot (0 if
    /// none). The caller holds vmobjlock. A NOSWAP object panics on a nonzero slot, as the kernel does.
    /// </summary>
    internal int SetSwslot(int index, int slot)
    {
        Touch();
        _d?.Write(Lock, this, "u_swslots", _swslots[index]);
        V();
        if (NoSwap)
        {
            if (slot == 0) return 0;
            throw new KernelPanicException("uao_set_swslot", $"NOSWAP object {Name}");
        }
        int old = _swslots[index];
        _swslots[index] = slot;
        return old;
    }

    /// <summary>
    /// The data a process last wrote to page <paramref name="index"/> of the object (through a
    /// shared mapping), or that the kernel put there (a u-area at boot, a file's blocks): what its
    /// resident page, or else its swap slot or file block, must hold (properties/DataDetector.cs).
    /// Null is zeros: an aobj page that never existed. Kept by the model, not the kernel.
    /// </summary>
    public Content? Written(int index) => _written[index];

    /// <summary>Records what <see cref="Written"/> says of page <paramref name="index"/>.</summary>
    internal void SetWritten(int index, Content? data)
    {
        Touch();
        V();
        _written[index] = data;
    }

    /// <summary>A vnode's file block <paramref name="index"/> on disk: what genfs_getpages() reads into a new page.</summary>
    public Content? Block(int index) => _blocks[index];

    /// <summary>genfs_do_io()'s write of block <paramref name="index"/> completed with <paramref name="data"/>.</summary>
    internal void StoreBlock(int index, Content? data)
    {
        V();
        _blocks[index] = data;
    }

    /// <summary>
    /// The file of a new vnode: each block holds data of its own, which the object's pages are
    /// expected to hold until a process writes them.
    /// </summary>
    internal void CreateFile()
    {
        _blocks = new Content?[Size];
        for (int i = 0; i < Size; i++) _blocks[i] = _written[i] = new Content($"{Name} block", i);
    }

    /// <summary>uvm_pageinsert(): the page now lives at <paramref name="index"/>; a duplicate panics.</summary>
    internal void Insert(Page p, int index)
    {
        Touch();
        _d?.WriteRef(Lock, this, "memq", _pages[index]);
        V();
        if (_pages[index] is { } other)
            throw new KernelPanicException("uvm_pageinsert", $"{Name}[{index}] already holds page {other.Number}");
        _pages[index] = p;
        p.Object = this;
        p.Index = index;
    }

    /// <summary>uvm_pageremove(): the page leaves the object.</summary>
    internal void Remove(Page p)
    {
        Touch();
        _d?.WriteRef(Lock, this, "memq", p);
        V();
        if (_pages[p.Index] == p) _pages[p.Index] = null;
        p.Object = null;
    }

    /// <summary>
    /// v_usecount of a vnode (vfs_subr.c 1.222): the references of open files, mappings (uvn_attach's
    /// VREF, uvn_detach's vrele) and namei. Under v_interlock, which is the object's vmobjlock
    /// (vnode.h: "#define v_interlock v_uobj.vmobjlock"). 0 on the free list.
    /// </summary>
    public int UseCount
    {
        get { Touch(); _d?.Read(Lock, this, "v_usecount"); return _useCount; }
        internal set { Touch(); _d?.Write(Lock, this, "v_usecount", _useCount); V(); _useCount = value; }
    }

    /// <summary>Backs <see cref="UseCount"/>.</summary>
    private int _useCount;

    /// <summary>
    /// v_usecount read without v_interlock where the kernel does: vgonel()'s "if (vp->v_usecount
    /// == 0)" after vclean() (vfs_subr.c 1.222), under the big lock as its writers are.
    /// </summary>
    public int UseCountUnlocked(string why)
    {
        Touch();
        _ = why;
        return _useCount;
    }

    /// <summary>
    /// getnewvnode() of a vnode getcleanvnode() took off the free list, which no list and no
    /// other thread reaches any more: "vp->v_flag = 0", and "vp->v_usecount = 1", without v_interlock.
    /// </summary>
    internal void InitRecycledUnlocked()
    {
        Touch();
        V();
        _xlock = _xwant = false;
        _useCount = 1;
    }

    /// <summary>
    /// The vnode lock (v_lock, lockmgr "vnlock"): vn_lock() and VOP_INACTIVE, vclean()'s
    /// VOP_LOCK(LK_DRAIN). A sleep lock; shared locking and draining are left out.
    /// </summary>
    public SimpleLock VnLock => _vnLock ??= new SimpleLock($"vnlock of {Name}", LockKind.Sleep, "vnlock");

    /// <summary>Backs <see cref="VnLock"/>.</summary>
    private SimpleLock? _vnLock;

    /// <summary>VXLOCK in v_flag: vclean() is disassociating the vnode from its file (v_interlock).</summary>
    public bool XLock
    {
        get { Touch(); _d?.Read(Lock, this, "v_flag"); return _xlock; }
        internal set { Touch(); _d?.Write(Lock, this, "v_flag", _xlock ? 1 : 0); V(); _xlock = value; }
    }

    /// <summary>Backs <see cref="XLock"/>.</summary>
    private bool _xlock;

    /// <summary>VXWANT in v_flag: a thread sleeps on the vnode until VXLOCK clears (v_interlock).</summary>
    public bool XWant
    {
        get { Touch(); _d?.Read(Lock, this, "v_flag"); return _xwant; }
        internal set { Touch(); _d?.Write(Lock, this, "v_flag", _xwant ? 1 : 0); V(); _xwant = value; }
    }

    /// <summary>Backs <see cref="XWant"/>.</summary>
    private bool _xwant;

    /// <summary>vnode_free_list_slock, which protects <see cref="OnFreeList"/>; null for objects that are not vnodes.</summary>
    internal IOwnedLock? FreeListLock { get; init; }

    /// <summary>
    /// On vnode_free_list: v_freelist.tqe_prev is a list link rather than getcleanvnode()'s
    /// 0xdeadb (vnode_free_list_slock). Kept with <see cref="Vm.VmState.VnodeFreeList"/> in one step.
    /// </summary>
    public bool OnFreeList
    {
        get { Touch(); if (FreeListLock is { } l) _d?.Read(l, this, "v_freelist"); return _onFreeList; }
        internal set { Touch(); if (FreeListLock is { } l) _d?.Write(l, this, "v_freelist", _onFreeList ? 1 : 0); V(); _onFreeList = value; }
    }

    /// <summary>Backs <see cref="OnFreeList"/>.</summary>
    private bool _onFreeList;

    /// <summary>v_type == VBAD: vgonel() cut the vnode from its file; getcleanvnode() reuses such a vnode without vgonel().</summary>
    public bool Bad
    {
        get { Touch(); return field; }
        internal set { Touch(); V(); field = value; }
    }

    /// <summary>The file's link count went to 0 (ufs_remove()): ufs_inactive() will vrecycle() the vnode.</summary>
    public bool Unlinked
    {
        get { Touch(); return field; }
        internal set { Touch(); V(); field = value; }
    }

    /// <summary>The file (its number in the workload) whose inode the vnode holds; -1 once reclaimed.</summary>
    public int FileId
    {
        get { Touch(); return field; }
        internal set { Touch(); V(); field = value; }
    }

    /// <summary>vp as a wait channel: vget()'s and vgonel()'s sleeps for VXLOCK, vclean()'s wakeup.</summary>
    public WaitChannel VnodeChannel => _vnodeChannel ??= new($"vnode {Name}");

    /// <summary>Backs <see cref="VnodeChannel"/>.</summary>
    private WaitChannel? _vnodeChannel;

    /// <summary><see cref="VnodeChannel"/> if some path has named it, else null; never names it (for the properties).</summary>
    public WaitChannel? NamedVnodeChannel => _vnodeChannel;

    /// <summary>
    /// getnewvnode() of a recycled vnode: it now holds file <paramref name="fileId"/> of
    /// <paramref name="blocks"/>.Length pages, whose disk holds <paramref name="blocks"/> and whose
    /// last writes are <paramref name="written"/>. The caller checked that no page is left.
    /// </summary>
    internal void Reidentify(int fileId, Content?[] blocks, Content?[] written)
    {
        Touch();
        V();
        FileId = fileId;
        _pages = new Page?[blocks.Length];
        _swslots = new int[blocks.Length];
        _blocks = blocks;
        _written = written;
    }

    /// <summary>The file's disk blocks and last writes, handed back at VOP_RECLAIM (the inode goes, the file stays).</summary>
    internal (Content?[] Blocks, Content?[] Written) File => (_blocks, _written);

    /// <summary>True once uao_free() freed the object.</summary>
    public bool Freed => _poison.Freed;

    /// <summary>uao_free() (uvm_aobj.c): pool_put of the aobj; any later access through a stale pointer is a use after free.</summary>
    internal void Free(string function)
    {
        V();
        Discipline.Free(_d, ref _poison, function, this);
    }

    /// <summary>An access to a field: a use-after-free violation during a step once the object is freed.</summary>
    private void Touch() => _d?.Touch(_poison, this);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>The write versions of the kernel; null for an object built alone in a test.</summary>
    internal WriteVersions? Versions { get; }

    /// <summary>The detectors of the object's kernel (null for kernel_object and a test's own object), for the shm segment it backs.</summary>
    internal Discipline? Discipline => _d;

    /// <summary>A write to the memory objects (<see cref="StateDomain.Objects"/>).</summary>
    private void V() => Versions?.Bump(StateDomain.Objects);
}
