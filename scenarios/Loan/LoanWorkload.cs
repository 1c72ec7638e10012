using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>loans</c> section of a <see cref="Workload"/> (<see cref="LoanSection"/>): processes that
/// loan their memory to the kernel (socket sends) and to anons
/// (<see cref="Uvm.Model.Threads.LoanClient"/>). It needs a paging section: the pagedaemon, swap
/// and the other processes live there.
/// </summary>
public sealed record LoanWorkload
{
    /// <summary>Upper bounds: larger ones explode the state space.</summary>
    public const int MaxClients = 4, MaxPages = 16, MaxOps = 32;

    /// <summary>The loaning processes.</summary>
    public IReadOnlyList<LoanClientSpec> Clients { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join("; ", Clients.Select((c, i) => $"loan {i + 1} ({c.Pages}p{(c.ShmKey > 0 ? $" + shm {c.ShmKey}:{c.ShmPages}p" : "")}{(c.Mapped ? ", mapped" : "")}): {string.Join(" ", c.Ops)}"));
}

/// <summary>
/// A loaning process: <paramref name="Pages"/> private anon pages, then (when
/// <see cref="ShmKey"/> is set) the <see cref="ShmPages"/> pages of that SysV shm segment, and its operations.
/// </summary>
public sealed record LoanClientSpec(int Pages, IReadOnlyList<LoanOp> Ops)
{
    /// <summary>The key of the shm segment the process creates or attaches at start; 0 for none.</summary>
    public int ShmKey { get; init; }

    /// <summary>The segment's size when this process creates it; its pages follow the private ones.</summary>
    public int ShmPages { get; init; }

    /// <summary>
    /// The process has pmaps (<see cref="Uvm.Model.Threads.LoanClient"/>): its accesses through the
    /// mappings its faults entered are the MMU's, so a lent page it still maps writable is written in
    /// place unless the loan write-protected it. Without, every access is a fault.
    /// </summary>
    public bool Mapped { get; init; }
}
