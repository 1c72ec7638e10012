using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// The physical memory and swap state of uvm.h/uvm_page.c: every page, the free, active and inactive
/// queues (uvm.pageqlock), the anons, the aobjs (uao_list under uao_list_lock), kernel_object, the
/// swap space, the SysV shm segments and the pageouts in flight. Free pages are created lazily:
/// <see cref="Unmaterialized"/> free pages exist only as a count until first allocated, so a
/// workload with much free memory costs nothing.
/// </summary>
public sealed class VmState(WriteVersions? versions = null, Kernel? kernel = null)
{
    /// <summary>The write versions of the kernel (the parts of <see cref="StateDomain.Vm"/>); null in a test.</summary>
    internal WriteVersions? Versions { get; } = versions;

    /// <summary>A write to <paramref name="part"/> of the VM state: a setter, or a path taking one of the lists it changes.</summary>
    private void V(StateDomain part) => Versions?.Bump(part);

    /// <summary>A list of <paramref name="part"/> taken by a path that changes it: taking it counts as a write (<see cref="V"/>).</summary>
    private T Taken<T>(T list, StateDomain part)
    {
        V(part);
        return list;
    }

    /// <summary>Every page that has been materialized, by number.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Pages"/>).</remarks>
    internal List<Page> PageList => Taken(_pageList, StateDomain.Pages);

    /// <summary>Backs <see cref="PageList"/>.</summary>
    private readonly List<Page> _pageList = [];

    /// <summary>uvm.page_free.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Pages"/>).</remarks>
    internal List<Page> FreeQ => Taken(_freeQ, StateDomain.Pages);

    /// <summary>Backs <see cref="FreeQ"/>.</summary>
    private readonly List<Page> _freeQ = [];

    /// <summary>uvm.page_active, head first.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Pages"/>).</remarks>
    internal List<Page> ActiveQ => Taken(_activeQ, StateDomain.Pages);

    /// <summary>Backs <see cref="ActiveQ"/>.</summary>
    private readonly List<Page> _activeQ = [];

    /// <summary>uvm.page_inactive, head first.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Pages"/>).</remarks>
    internal List<Page> InactiveQ => Taken(_inactiveQ, StateDomain.Pages);

    /// <summary>Backs <see cref="InactiveQ"/>.</summary>
    private readonly List<Page> _inactiveQ = [];

    /// <summary>Live anons (allocated and not yet freed).</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Anons"/>).</remarks>
    internal List<Anon> AnonList => Taken(_anonList, StateDomain.Anons);

    /// <summary>Backs <see cref="AnonList"/>.</summary>
    private readonly List<Anon> _anonList = [];

    /// <summary>Live aobjs, in creation order (kernel_object excluded).</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Objects"/>).</remarks>
    internal List<AObj> AObjList => Taken(_aObjList, StateDomain.Objects);

    /// <summary>Backs <see cref="AObjList"/>.</summary>
    private readonly List<AObj> _aObjList = [];

    /// <summary>The vnodes of the files the workload maps (model/Pager/VnodePager.cs).</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Objects"/>).</remarks>
    internal List<AObj> VnodeList => Taken(_vnodeList, StateDomain.Objects);

    /// <summary>Backs <see cref="VnodeList"/>.</summary>
    private readonly List<AObj> _vnodeList = [];

    /// <summary>The vnodes of mapped files.</summary>
    public IReadOnlyList<AObj> Vnodes => _vnodeList;

    /// <summary>vnode_free_list (vfs_subr.c 1.222), head first: vnodes of v_usecount 0 that getcleanvnode() may recycle.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Objects"/>).</remarks>
    internal List<AObj> VnodeFreeListTaken => Taken(_vnodeFreeList, StateDomain.Objects);

    /// <summary>Backs <see cref="VnodeFreeListTaken"/>.</summary>
    private readonly List<AObj> _vnodeFreeList = [];

    /// <summary>vnode_free_list, head first.</summary>
    public IReadOnlyList<AObj> VnodeFreeList => _vnodeFreeList;

    /// <summary>vnode_free_list_slock: a spin lock held inside one step.</summary>
    public StepLock VnodeFreeListLock { get; } = new("vnode_free_list_slock");

    /// <summary>numvnodes: vnodes allocated from vnode_pool (getnewvnode() ++, vgonel()'s pool_put --), under vnode_free_list_slock.</summary>
    public int NumVnodes { get; internal set { V(StateDomain.Objects); field = value; } }

    /// <summary>The number of the next vnode pool_get gives: vnodes freed by vgonel() leave gaps, so a count of the live ones would repeat a name (and a lock's wait channel).</summary>
    internal int NextVnodeId { get; set { V(StateDomain.Objects); field = value; } } = 1;

    /// <summary>desiredvnodes: below it getnewvnode() allocates, at it it recycles a free vnode.</summary>
    public int DesiredVnodes { get; internal set { V(StateDomain.Objects); field = value; } }

    /// <summary>Files whose last link unlink(2) removed: a lookup of their name fails with ENOENT.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Objects"/>).</remarks>
    internal List<int> RemovedFilesTaken => Taken(_removedFiles, StateDomain.Objects);

    /// <summary>Backs <see cref="RemovedFilesTaken"/>.</summary>
    private readonly List<int> _removedFiles = [];

    /// <summary>Files whose last link unlink(2) removed.</summary>
    public IReadOnlyList<int> RemovedFiles => _removedFiles;

    /// <summary>The disks of files whose vnode was reclaimed, for the next vnode that holds the file.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Objects"/>).</remarks>
    internal List<FileDisk> FileDisksTaken => Taken(_fileDisks, StateDomain.Objects);

    /// <summary>Backs <see cref="FileDisksTaken"/>.</summary>
    private readonly List<FileDisk> _fileDisks = [];

    /// <summary>The disks of files no vnode holds.</summary>
    public IReadOnlyList<FileDisk> FileDisks => _fileDisks;

    /// <summary>SysV shm segments not yet deallocated.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Objects"/>).</remarks>
    internal List<ShmSegment> ShmList => Taken(_shmList, StateDomain.Objects);

    /// <summary>Backs <see cref="ShmList"/>.</summary>
    private readonly List<ShmSegment> _shmList = [];

    /// <summary>shmget()s of new keys between their SHMSEG_ALLOCATED|SHMSEG_REMOVED marking and their end (<see cref="ShmAllocation"/>).</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Objects"/>).</remarks>
    internal List<ShmAllocation> ShmAllocating => Taken(_shmAllocating, StateDomain.Objects);

    /// <summary>Backs <see cref="ShmAllocating"/>.</summary>
    private readonly List<ShmAllocation> _shmAllocating = [];

    /// <summary>The shmget()s of new keys under way.</summary>
    public IReadOnlyList<ShmAllocation> ShmAllocations => _shmAllocating;

    /// <summary>
    /// The anon swapctl -d is paging in, on which anon_swap_off() holds a reference for the amap
    /// amap_swap_off() holds (AMAP_SWAPOFF), or null (model/Pager/AnonPager.cs SwapOff()): an an_ref
    /// no amap slot accounts for.
    /// </summary>
    public Anon? SwapOffHeld { get; internal set { V(StateDomain.Anons); field = value; } }

    /// <summary>Pageouts started and not yet completed by the aiodone daemon.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Swap"/>).</remarks>
    internal List<PageIo> Pending => Taken(_pending, StateDomain.Swap);

    /// <summary>Backs <see cref="Pending"/>.</summary>
    private readonly List<PageIo> _pending = [];

    /// <summary>The swap cluster the pagedaemon is building, or null (swslot == 0).</summary>
    public SwapCluster? Cluster { get; internal set { V(StateDomain.Swap); field = value; } }

    /// <summary>
    /// MAXBSIZE &gt;&gt; PAGE_SHIFT: the slots uvmpd_scan_inactive() asks uvm_swap_alloc() for when
    /// it opens a cluster. 1 unless the workload says otherwise (the one-page pageouts of the
    /// scenarios written before clusters were modelled).
    /// </summary>
    public int ClusterPages { get; internal set { V(StateDomain.Swap); field = value; } } = 1;

    /// <summary>The error each pageout completion gets, by completion number (1 = the first buf the aiodone daemon completes); absent = success.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Swap"/>).</remarks>
    internal Dictionary<int, PageoutError> IoErrors => Taken(_ioErrors, StateDomain.Swap);

    /// <summary>Backs <see cref="IoErrors"/>.</summary>
    private readonly Dictionary<int, PageoutError> _ioErrors = [];

    /// <summary>Pageout bufs completed so far by uvm_aio_aiodone().</summary>
    public int IoCompletions { get; internal set { V(StateDomain.Swap); field = value; } }

    /// <summary>Every materialized page.</summary>
    public IReadOnlyList<Page> Pages => _pageList;

    /// <summary>The free queue.</summary>
    public IReadOnlyList<Page> FreeQueue => _freeQ;

    /// <summary>The active queue, head first.</summary>
    public IReadOnlyList<Page> ActiveQueue => _activeQ;

    /// <summary>The inactive queue, head first (the pagedaemon scans from the head).</summary>
    public IReadOnlyList<Page> InactiveQueue => _inactiveQ;

    /// <summary>Live anons.</summary>
    public IReadOnlyList<Anon> Anons => _anonList;

    /// <summary>Live aobjs (shm segments' objects); kernel_object is <see cref="KernelObject"/>.</summary>
    public IReadOnlyList<AObj> AObjs => _aObjList;

    /// <summary>SysV shm segments.</summary>
    public IReadOnlyList<ShmSegment> ShmSegments => _shmList;

    /// <summary>Pageouts in flight.</summary>
    public IReadOnlyList<PageIo> PagesInFlight => _pending;

    /// <summary>Free pages counted in uvmexp.free that no page object stands for yet.</summary>
    public int Unmaterialized { get; internal set { V(StateDomain.Pages); field = value; } }

    /// <summary>uvm.pageqlock: queue membership, wire and loan counts.</summary>
    public StepLock PageQueueLock { get; } = new("uvm.pageqlock");

    /// <summary>uao_list_lock.</summary>
    public StepLock UaoListLock { get; } = new("uao_list_lock");

    /// <summary>kernel_object: owns the u-area pages, wired or paged like any aobj's (model/Vm/PhysMem.cs).</summary>
    /// <remarks>
    /// Boot sizes it (PhysMem.Boot sets it); an empty one is made only if it is read before, as in
    /// a test without boot: made at every boot, it was thrown away at once.
    /// </remarks>
    public AObj KernelObject
    {
        get => field ??= new(0, 0, noSwap: false, "kernel_object", Versions) { IsKernelObject = true };
        internal set { V(StateDomain.Objects); field = value; }
    }

    /// <summary>The swap space; none until the workload configures one.</summary>
    /// <remarks>The empty one (no slots) is made on first read: a workload with swap sets its own at boot, and every schedule boots.</remarks>
    public SwapSpace Swap
    {
        get => field ??= new(0, Versions);
        internal set { V(StateDomain.Swap); field = value; }
    }

    /// <summary>
    /// uvm_loanzero_object (uvm_loan.c, 2003): owns the one shared zero-filled page that
    /// uvm_loanzero() loans out, at offset 0. It has no swap (the page is never paged out).
    /// </summary>
    public AObj LoanZeroObject { get; } = new(-1, 1, noSwap: true, "uvm_loanzero_object", versions, kernel) { PgoPut = LoanZero.Put };

    /// <summary>Pages loaned to the kernel (O->K, A->K) and not yet unloaned, once per loan: the mbufs in flight.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.Pages"/>).</remarks>
    internal List<Page> KernelLoanList => Taken(_kernelLoanList, StateDomain.Pages);

    /// <summary>Backs <see cref="KernelLoanList"/>.</summary>
    private readonly List<Page> _kernelLoanList = [];

    /// <summary>Pages the kernel holds on loan, once per outstanding uvm_loan(UVM_LOAN_TOPAGE).</summary>
    public IReadOnlyList<Page> KernelLoans => _kernelLoanList;

    /// <summary>The next anon and aobj numbers.</summary>
    internal int NextAnonId { get; set { V(StateDomain.Anons); field = value; } } = 1;

    /// <summary>The next amap number (uvm_amap.c has no ids; messages need one).</summary>
    internal int NextAmapId { get; set { V(StateDomain.CowMaps); field = value; } } = 1;

    /// <summary>The address spaces of copy-on-write processes (model/Cow).</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.CowMaps"/>).</remarks>
    internal List<Cow.CowSpace> CowSpaceList => Taken(_cowSpaceList, StateDomain.CowMaps);

    /// <summary>Backs <see cref="CowSpaceList"/>.</summary>
    private readonly List<Cow.CowSpace> _cowSpaceList = [];

    /// <summary>The pmaps of the file and anon users (<see cref="UserPmap"/>).</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write (<see cref="StateDomain.CowMaps"/>).</remarks>
    internal List<UserPmap> UserPmapList => Taken(_userPmapList, StateDomain.CowMaps);

    /// <summary>Backs <see cref="UserPmapList"/>.</summary>
    private readonly List<UserPmap> _userPmapList = [];

    /// <summary>The file and anon users' pmaps, for the pmap invariants.</summary>
    public IReadOnlyList<UserPmap> UserPmaps => _userPmapList;

    /// <summary>The serial number of the next write through a mapping (<see cref="Contents.Write"/>), for messages.</summary>
    internal int NextWrite() => ++_writes;

    /// <summary>Backs <see cref="NextWrite"/>.</summary>
    [NotState("only numbers writes in messages; which places share data is the state")]
    private int _writes;

    /// <summary>The copy-on-write processes' address spaces, for the amap invariants.</summary>
    public IReadOnlyList<Cow.CowSpace> CowSpaces => _cowSpaceList;

    internal int NextAObjId { get; set { V(StateDomain.Objects); field = value; } } = 1;
}
