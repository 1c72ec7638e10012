using Uvm.Model;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>exit</c> section of a workload (<see cref="ExitSection"/>): which exit design runs, the
/// scaled-down UVM_NUAREA_MAX, the free-memory target below which the pagedaemon drains cached
/// u-areas, and whether it runs.
/// With this section the kernel also has init(8), the parent of the workload's processes and of
/// every orphan, so every exited process can be collected. LWP programs may then use
/// <see cref="Fork"/> and <see cref="Wait"/>.
/// </summary>
public sealed record ExitWorkload
{
    /// <summary>Limits of the section.</summary>
    public const int MaxNuarea = 16, MaxForkDepth = 4;

    /// <summary>The exit design; null runs the configuration's (reaperless unless a switch says otherwise).</summary>
    public ExitDesign? Design { get; init; }

    /// <summary>UVM_NUAREA_MAX, scaled down from the kernel's 16 so that drains happen in small workloads.</summary>
    public int NuareaMax { get; init; } = 1;

    /// <summary>uvmexp.freetarg in pages: below it there is a shortage and the pagedaemon drains the u-area cache.</summary>
    public int FreeTarget { get; init; } = 4;

    /// <summary>The pagedaemon drains the u-area cache under shortage (model/Threads/PagedaemonJobs.cs).</summary>
    public bool Pagedaemon { get; init; } = true;

    /// <inheritdoc/>
    public override string ToString() =>
        $"exit {(Design is { } d ? d.ToString().ToLowerInvariant() : "by config")}, nuarea max {NuareaMax}, freetarg {FreeTarget}{(Pagedaemon ? "" : ", no pagedaemon")}";
}
