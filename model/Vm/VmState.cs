using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// The physical memory and swap state of uvm.h/uvm_page.c: every page, the free, active and inactive
/// queues (uvm.pageqlock), the anons, the aobjs (uao_list under uao_list_lock), kernel_object, the
/// swap space, the SysV shm segments and the pageouts in flight. Free pages are created lazily:
/// <see cref="Unmaterialized"/> free pages exist only as a count until first allocated, so a
/// workload with much free memory costs nothing.
/// </summary>
public sealed class VmState
{
    /// <summary>Every page that has been materialized, by number.</summary>
    internal List<Page> PageList { get; } = [];

    /// <summary>uvm.page_free.</summary>
    internal List<Page> FreeQ { get; } = [];

    /// <summary>uvm.page_active, head first.</summary>
    internal List<Page> ActiveQ { get; } = [];

    /// <summary>uvm.page_inactive, head first.</summary>
    internal List<Page> InactiveQ { get; } = [];

    /// <summary>Live anons (allocated and not yet freed).</summary>
    internal List<Anon> AnonList { get; } = [];

    /// <summary>Live aobjs, in creation order (kernel_object excluded).</summary>
    internal List<AObj> AObjList { get; } = [];

    /// <summary>The vnodes of the files the workload maps (model/Pager/VnodePager.cs).</summary>
    internal List<AObj> VnodeList { get; } = [];

    /// <summary>The vnodes of mapped files.</summary>
    public IReadOnlyList<AObj> Vnodes => VnodeList;

    /// <summary>SysV shm segments not yet deallocated.</summary>
    internal List<ShmSegment> ShmList { get; } = [];

    /// <summary>Pageouts started and not yet completed by the aiodone daemon.</summary>
    internal List<PageIo> Pending { get; } = [];

    /// <summary>The swap cluster the pagedaemon is building, or null (swslot == 0).</summary>
    public SwapCluster? Cluster { get; internal set; }

    /// <summary>
    /// MAXBSIZE &gt;&gt; PAGE_SHIFT: the slots uvmpd_scan_inactive() asks uvm_swap_alloc() for when
    /// it opens a cluster. 1 unless the workload says otherwise (the one-page pageouts of the
    /// scenarios written before clusters were modelled).
    /// </summary>
    public int ClusterPages { get; internal set; } = 1;

    /// <summary>The error each pageout completion gets, by completion number (1 = the first buf the aiodone daemon completes); absent = success.</summary>
    internal Dictionary<int, PageoutError> IoErrors { get; } = [];

    /// <summary>Pageout bufs completed so far by uvm_aio_aiodone().</summary>
    public int IoCompletions { get; internal set; }

    /// <summary>Every materialized page.</summary>
    public IReadOnlyList<Page> Pages => PageList;

    /// <summary>The free queue.</summary>
    public IReadOnlyList<Page> FreeQueue => FreeQ;

    /// <summary>The active queue, head first.</summary>
    public IReadOnlyList<Page> ActiveQueue => ActiveQ;

    /// <summary>The inactive queue, head first (the pagedaemon scans from the head).</summary>
    public IReadOnlyList<Page> InactiveQueue => InactiveQ;

    /// <summary>Live anons.</summary>
    public IReadOnlyList<Anon> Anons => AnonList;

    /// <summary>Live aobjs (shm segments' objects); kernel_object is <see cref="KernelObject"/>.</summary>
    public IReadOnlyList<AObj> AObjs => AObjList;

    /// <summary>SysV shm segments.</summary>
    public IReadOnlyList<ShmSegment> ShmSegments => ShmList;

    /// <summary>Pageouts in flight.</summary>
    public IReadOnlyList<PageIo> PagesInFlight => Pending;

    /// <summary>Free pages counted in uvmexp.free that no page object stands for yet.</summary>
    public int Unmaterialized { get; internal set; }

    /// <summary>uvm.pageqlock: queue membership, wire and loan counts.</summary>
    public StepLock PageQueueLock { get; } = new("uvm.pageqlock");

    /// <summary>uao_list_lock.</summary>
    public StepLock UaoListLock { get; } = new("uao_list_lock");

    /// <summary>kernel_object: owns wired u-area pages (NOSWAP here).</summary>
    public AObj KernelObject { get; internal set; } = new(0, 0, noSwap: true, "kernel_object");

    /// <summary>The swap space; none until the workload configures one.</summary>
    public SwapSpace Swap { get; internal set; } = new(0);

    /// <summary>
    /// uvm_loanzero_object (uvm_loan.c, 2003): owns the one shared zero-filled page that
    /// uvm_loanzero() loans out, at offset 0. It has no swap (the page is never paged out).
    /// </summary>
    public AObj LoanZeroObject { get; } = new(-1, 1, noSwap: true, "uvm_loanzero_object") { PgoPut = LoanZero.Put };

    /// <summary>Pages loaned to the kernel (O->K, A->K) and not yet unloaned, once per loan: the mbufs in flight.</summary>
    internal List<Page> KernelLoanList { get; } = [];

    /// <summary>Pages the kernel holds on loan, once per outstanding uvm_loan(UVM_LOAN_TOPAGE).</summary>
    public IReadOnlyList<Page> KernelLoans => KernelLoanList;

    /// <summary>The next anon and aobj numbers.</summary>
    internal int NextAnonId { get; set; } = 1;

    /// <summary>The next amap number (uvm_amap.c has no ids; messages need one).</summary>
    internal int NextAmapId { get; set; } = 1;

    /// <summary>The address spaces of copy-on-write processes (model/Cow).</summary>
    internal List<Cow.CowSpace> CowSpaceList { get; } = [];

    /// <summary>The copy-on-write processes' address spaces, for the amap invariants.</summary>
    public IReadOnlyList<Cow.CowSpace> CowSpaces => CowSpaceList;

    internal int NextAObjId { get; set; } = 1;
}
