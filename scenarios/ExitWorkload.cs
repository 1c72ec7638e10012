using Uvm.Model;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// The process-exit part of a workload: which exit design runs, the scaled-down UVM_NUAREA_MAX,
/// the free-memory target below which the pagedaemon drains cached u-areas, and whether it runs.
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

    /// <summary>Run the pagedaemon's drain under shortage (<c>pagedaemon-drain</c> thread).</summary>
    public bool Pagedaemon { get; init; } = true;

    /// <summary>
    /// fork1() and proc_free() take struct proc and struct lwp from proc_pool and lwp_pool, and the
    /// pagedaemon's drain calls pool_drain() first (subr_pool.c, 2003-04).
    /// </summary>
    public bool Pools { get; init; }

    /// <summary>Every problem with this section, each naming its field (relative to <c>exit</c>).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Design is { } d && !Enum.IsDefined(d)) errors.Add($"design: unknown design {(int)d}");
        if (NuareaMax is < 0 or > MaxNuarea) errors.Add($"nuareaMax: must be 0..{MaxNuarea}, is {NuareaMax}");
        if (FreeTarget is < 0 or > 1 << 20) errors.Add($"freeTarget: must be 0..{1 << 20}, is {FreeTarget}");
        return errors;
    }

    /// <summary>
    /// The errors of a fork's child program, each naming its field; nested forks are followed up to
    /// <see cref="MaxForkDepth"/> deep.
    /// </summary>
    public static IEnumerable<string> ValidateChild(Fork fork, string field, int depth = 1)
    {
        if (depth > MaxForkDepth)
        {
            yield return $"{field}: forks nest more than {MaxForkDepth} deep";
            yield break;
        }
        var ops = fork.Child;
        if (ops is null || ops.Count > Workload.MaxOps)
        {
            yield return $"{field}.child: must list at most {Workload.MaxOps} operations";
            yield break;
        }
        for (int o = 0; o < ops.Count; o++)
        {
            var at = $"{field}.child[{o}]";
            switch (ops[o])
            {
                case Compute c when c.Quanta is < 1 or > Workload.MaxQuanta:
                    yield return $"{at}.quanta: must be 1..{Workload.MaxQuanta}, is {c.Quanta}";
                    break;
                case SleepFor s when s.Seconds is < 1 or > Workload.MaxSeconds:
                    yield return $"{at}.seconds: must be 1..{Workload.MaxSeconds}, is {s.Seconds}";
                    break;
                case Fork f:
                    foreach (var e in ValidateChild(f, at, depth + 1)) yield return e;
                    break;
                case Compute or SleepFor or Wait:
                    break;
                default:
                    yield return $"{at}: missing or unknown operation";
                    break;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"exit {(Design is { } d ? d.ToString().ToLowerInvariant() : "by config")}, nuarea max {NuareaMax}, freetarg {FreeTarget}{(Pagedaemon ? "" : ", no pagedaemon")}{(Pools ? ", pools" : "")}";
}
