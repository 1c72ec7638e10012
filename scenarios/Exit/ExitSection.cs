using Uvm.Model;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>exit</c> section (<see cref="ExitWorkload"/>): the exit design, init and the u-area
/// cache (<see cref="ExitBoot"/>). Fork and wait operations in LWP programs belong to this path
/// too. Its boot runs with or without the section: fork's u-areas are reserved for every
/// workload, and the reaper runs whenever the configuration's design is the reaper.
/// </summary>
public sealed class ExitSection : WorkloadSection<ExitWorkload>
{
    /// <inheritdoc/>
    public override string Name => "exit";

    /// <inheritdoc/>
    public override IReadOnlyList<Scenario> Scenarios => [ExitScenario.Reaperless, ExitScenario.Reaper, ExitScenario.ProcArgs, ExitScenario.Lwps, ExitScenario.Vfork, ExitScenario.Waiters];

    /// <inheritdoc/>
    public override KernelConfig Configure(Workload workload, KernelConfig config) => ExitBoot.Configure(workload, config);

    /// <inheritdoc/>
    public override void CreateProcesses(Kernel k, Workload workload) => ExitBoot.CreateInit(k, workload);

    /// <inheritdoc/>
    public override void Start(Kernel k, Workload workload) => ExitBoot.Start(k, workload);

    /// <summary>
    /// The problems of a fork's child program under <paramref name="at"/> (the fork's field);
    /// nested forks are followed up to <see cref="ExitWorkload.MaxForkDepth"/> deep.
    /// </summary>
    public static void ValidateChild(Fork fork, Problems at, int depth)
    {
        if (depth > ExitWorkload.MaxForkDepth)
            at.Add("", $"forks nest more than {ExitWorkload.MaxForkDepth} deep");
        else
            Workload.ValidateProgram(fork.Child, at.At("child"), depth);
    }

    /// <inheritdoc/>
    protected override void Validate(ExitWorkload exit, Workload workload, Problems problems)
    {
        if (exit.Design is { } d) problems.Check(Enum.IsDefined(d), "design", $"unknown design {(int)d}");
        problems.Check(exit.NuareaMax is >= 0 and <= ExitWorkload.MaxNuarea, "nuareaMax", $"must be 0..{ExitWorkload.MaxNuarea}, is {exit.NuareaMax}");
        problems.Check(exit.FreeTarget is >= 0 and <= 1 << 20, "freeTarget", $"must be 0..{1 << 20}, is {exit.FreeTarget}");
    }

    /// <summary>No pagedaemon drain, then fewer cached u-areas (none, then one fewer).</summary>
    protected override IEnumerable<ExitWorkload> Shrink(ExitWorkload exit)
    {
        if (exit.Pagedaemon) yield return exit with { Pagedaemon = false };
        if (exit.NuareaMax > 1) yield return exit with { NuareaMax = 0 };
        if (exit.NuareaMax > 0) yield return exit with { NuareaMax = exit.NuareaMax - 1 };
    }

    /// <inheritdoc/>
    protected override int Size(ExitWorkload exit) => exit.NuareaMax + (exit.Pagedaemon ? 1 : 0);

    /// <summary>init, pid 1.</summary>
    protected override int ProcessesBefore(ExitWorkload exit) => 1;
}
