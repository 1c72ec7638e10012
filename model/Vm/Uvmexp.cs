using Uvm.Model.Core;
namespace Uvm.Model;

/// <summary>
/// uvmexp and the VM tunables the modelled paths read. <see cref="Free"/> counts the pages on the
/// free list (<see cref="PageQueues"/>): uvm_pagealloc() takes them, uvm_pagefree() returns them;
/// <see cref="Active"/>, <see cref="Inactive"/> and <see cref="Wired"/> count the paging queues and
/// the wired pages, kept where uvm_page.c and uvm_page_i.h (rev 1.6x, 2002) keep them, and the
/// pagedaemon and uvm_pagealloc() read these counters, not the queues;
/// uvm_fault_unwire() of a swapped-out u-area puts its pages on the active queue, and
/// uvm_fault_wire() at swap-in wires them again or faults them back from swap (<see cref="PhysMem"/>).
/// </summary>
public sealed class Uvmexp(WriteVersions? versions = null)
{
    /// <summary>The write versions of the kernel; null in a test.</summary>
    private readonly WriteVersions? _versions = versions;

    /// <summary>atop(USPACE): pages in one u-area.</summary>
    public const int UspacePages = 2;

    /// <summary>uvmexp.free: free pages.</summary>
    public int Free { get; internal set { _versions?.Bump(StateDomain.Pages); field = value; } }

    /// <summary>uvmexp.active: pages on the active queue (uvm_pageactivate ++, uvm_pagefree/uvm_pagedeactivate/uvm_pagewire --).</summary>
    public int Active { get; internal set { _versions?.Bump(StateDomain.Pages); field = value; } }

    /// <summary>uvmexp.inactive: pages on the inactive queue (uvm_pagedeactivate ++, uvm_pageactivate/uvm_pagefree/uvm_pagewire --).</summary>
    public int Inactive { get; internal set { _versions?.Bump(StateDomain.Pages); field = value; } }

    /// <summary>uvmexp.wired: pages with a non-zero wire_count (uvm_pagewire on 0 → 1, uvm_pageunwire on 1 → 0, uvm_pagefree).</summary>
    public int Wired { get; internal set { _versions?.Bump(StateDomain.Pages); field = value; } }

    /// <summary>uvmexp.swapouts: LWPs swapped out so far.</summary>
    [field: NotState("a statistic: counted, never read")]
    public int Swapouts { get; internal set { V(); field = value; } }

    /// <summary>uvmexp.swapins: LWPs swapped in so far.</summary>
    [field: Clock("a count that only grows; read only against the clock's copy of it (ClockThread shows whether the two agree)")]
    public int Swapins { get; internal set { V(); field = value; } }

    /// <summary>
    /// maxslp: seconds asleep after which uvm_swapout_threads() swaps a sleeper out at once, and
    /// half of which proc0 may sleep before uvm_meter() wakes it. The kernel's is 20 (MAXSLP);
    /// workloads scale time down, so it is a workload setting here.
    /// </summary>
    public int MaxSlp { get; internal set { V(); field = value; } } = 4;

    /// <summary>uvmexp.freemin: below free + paging &lt; freemin an allocation wakes the pagedaemon.</summary>
    public int FreeMin { get; internal set { V(); field = value; } } = 1;

    /// <summary>uvmexp.freetarg: the pagedaemon scans until free + paging reaches it.</summary>
    public int FreeTarg { get; internal set { V(); field = value; } } = 2;

    /// <summary>uvmexp.inactarg: the inactive-queue target, recomputed by each pagedaemon pass.</summary>
    public int InactTarg { get; internal set { V(); field = value; } } = 3;

    /// <summary>
    /// uvmexp.reserve_kernel: at or below this many free pages, uvm_pagealloc() fails an allocation
    /// that may not use the reserve (neither UVM_PGA_USERESERVE nor a kernel object). uvm_page_init()
    /// sets 5; workloads scale memory down, so it is a workload setting here, as maxslp is.
    /// </summary>
    public int ReserveKernel { get; internal set { V(); field = value; } }

    /// <summary>
    /// uvmexp.reserve_pagedaemon: at or below this many free pages, uvm_pagealloc() fails every
    /// allocation but the pagedaemon's own reserve ones. uvm_page_init() sets 1; a workload setting here.
    /// </summary>
    public int ReservePagedaemon { get; internal set { V(); field = value; } }

    /// <summary>uvmexp.paging: pages in pageout I/O.</summary>
    public int Paging { get; internal set { _versions?.Bump(StateDomain.Pages); field = value; } }

    /// <summary>uvmexp.swpgonly: pages whose only copy is in swap.</summary>
    public int SwpgOnly { get; internal set { _versions?.Bump(StateDomain.Swap); field = value; } }

    /// <summary>uvmexp.pdwoke: pagedaemon passes.</summary>
    [field: NotState("a statistic: counted, never read")]
    public int PdWoke { get; internal set { V(); field = value; } }

    /// <summary>uvmexp.pdfreed: pages freed by the pagedaemon.</summary>
    [field: Clock("a count that only grows; read only as its difference across one pass of uvmpd_scan() (a local of the pass while it runs)")]
    public int PdFreed { get; internal set { V(); field = value; } }

    /// <summary>uvmexp.pdpageouts: pageouts started by the pagedaemon.</summary>
    [field: NotState("a statistic: counted, never read")]
    public int PdPageouts { get; internal set { V(); field = value; } }

    /// <summary>
    /// A write to a counter or tunable of uvmexp (<see cref="StateDomain.VmCounters"/>); free,
    /// active, inactive, wired and paging count with the pages (<see cref="StateDomain.Pages"/>), swpgonly with the swap state
    /// (<see cref="StateDomain.Swap"/>), as the invariants that recount them read those parts.
    /// </summary>
    private void V() => _versions?.Bump(StateDomain.VmCounters);
}
