namespace Uvm.Model;

/// <summary>
/// uvmexp and the VM tunables the modelled paths read. In this slice free memory moves only with
/// u-areas: uvm_fault_unwire() of a swapped-out u-area gives its pages back (standing for the
/// pagedaemon reclaiming them) and uvm_fault_wire() at swap-in takes them.
/// </summary>
public sealed class Uvmexp
{
    /// <summary>atop(USPACE): pages in one u-area.</summary>
    public const int UspacePages = 2;

    /// <summary>uvmexp.free: free pages.</summary>
    public int Free { get; internal set; }

    /// <summary>uvmexp.swapouts: LWPs swapped out so far.</summary>
    public int Swapouts { get; internal set; }

    /// <summary>uvmexp.swapins: LWPs swapped in so far.</summary>
    public int Swapins { get; internal set; }

    /// <summary>
    /// maxslp: seconds asleep after which uvm_swapout_threads() swaps a sleeper out at once, and
    /// half of which proc0 may sleep before uvm_meter() wakes it. The kernel's is 20 (MAXSLP);
    /// workloads scale time down, so it is a workload setting here.
    /// </summary>
    public int MaxSlp { get; internal set; } = 4;
}
