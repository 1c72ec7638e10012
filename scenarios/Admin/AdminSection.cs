using Uvm.Model;
using Uvm.Model.Threads;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>The <c>admin</c> section (<see cref="AdminWorkload"/>): one swapctl thread.</summary>
public sealed class AdminSection : WorkloadSection<AdminWorkload>
{
    /// <inheritdoc/>
    public override string Name => "admin";

    /// <inheritdoc/>
    protected override void Validate(AdminWorkload admin, Workload workload, Problems problems)
    {
        problems.Check(workload.Section<PagingWorkload>() is not null, "", "needs a paging section (the swap device)");
        problems.Check(admin.SwapctlCycles is >= 1 and <= 4, "swapctlCycles", $"must be 1..4, is {admin.SwapctlCycles}");
    }

    /// <inheritdoc/>
    protected override IEnumerable<AdminWorkload> Shrink(AdminWorkload admin) =>
        admin.SwapctlCycles > 1 ? [admin with { SwapctlCycles = admin.SwapctlCycles - 1 }] : [];

    /// <inheritdoc/>
    protected override int Size(AdminWorkload admin) => admin.SwapctlCycles;

    /// <inheritdoc/>
    protected override string Summary(AdminWorkload admin) => $"admin: swapctl -d/-a x{admin.SwapctlCycles}";

    /// <inheritdoc/>
    protected override void Start(Kernel k, AdminWorkload admin) =>
        _ = new SwapCtl(k, [.. Enumerable.Repeat(new[] { SwapCtlOp.Off, SwapCtlOp.On }, admin.SwapctlCycles).SelectMany(x => x)]);
}
