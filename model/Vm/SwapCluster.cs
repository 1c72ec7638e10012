using Uvm.Model.Core;
namespace Uvm.Model.Vm;

/// <summary>
/// The swap cluster uvmpd_scan_inactive() (uvm_pdaemon.c 1.39) is building: swslot, swnpages slots
/// allocated by one uvm_swap_alloc(), and the swcpages pages (swpps) given slots swslot + i so far.
/// Held across the pgo_put calls that drop the page queues, so other threads can see it; the
/// unused tail is freed when the cluster is written.
/// </summary>
public sealed class SwapCluster(int slot, int allocated, WriteVersions? versions = null)
{
    /// <summary>The write versions of the kernel; null in a test.</summary>
    private readonly WriteVersions? _versions = versions;

    /// <summary>swslot: the first slot.</summary>
    public int Slot { get; } = slot;

    /// <summary>swnpages: the slots allocated.</summary>
    public int Allocated { get; } = allocated;

    /// <summary>swpps[0 .. swcpages): the pages added, each at slot <see cref="Slot"/> + its index.</summary>
    /// <remarks>Taken by the paths that change it: taking it counts as a write.</remarks>
    internal List<Page> PageList => Taken(_pageList);

    /// <summary>Backs <see cref="Pages"/> and <see cref="PageList"/>.</summary>
    private readonly List<Page> _pageList = [];

    /// <summary>The pages added so far.</summary>
    public IReadOnlyList<Page> Pages => _pageList;

    /// <summary>swcpages &lt; swnpages: more pages fit.</summary>
    public bool HasRoom => _pageList.Count < Allocated;

    /// <summary>A write to the swap state (<see cref="StateDomain.Swap"/>).</summary>
    private void V() => _versions?.Bump(StateDomain.Swap);

    /// <summary>A list taken by a path that changes it: taking it counts as a write (<see cref="V"/>).</summary>
    private T Taken<T>(T list)
    {
        V();
        return list;
    }
}
