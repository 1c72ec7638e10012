using Uvm.Model;

namespace Uvm.Scenarios;

/// <summary>
/// A kernel path's part of a <see cref="Workload"/>, as the code that handles every section sees
/// it: JSON member, validation, shrinking, size, summary and boot. <see cref="Workload.Validate"/>,
/// <see cref="Workload.ToString"/>, <see cref="WorkloadShrinker"/>, <see cref="KernelBuilder"/> and
/// the JSON reader and writer iterate <see cref="WorkloadSections.All"/>, so a registered section is
/// covered by all of them. Derive from <see cref="WorkloadSection{T}"/> rather than implement this.
/// </summary>
public interface IWorkloadSection
{
    /// <summary>The JSON member, and the first part of its problems' field paths (<c>loans</c>).</summary>
    string Name { get; }

    /// <summary>The section's record.</summary>
    Type Type { get; }

    /// <summary>
    /// The scenarios of the path's folder, in the order <c>uvmcheck list scenarios</c> shows them;
    /// <see cref="ScenarioCatalogue"/> collects them, so registering the section registers them.
    /// </summary>
    IReadOnlyList<Scenario> Scenarios { get; }

    /// <summary>Adds the problems of the workload's section, if it has one, under <see cref="Name"/>.</summary>
    void Validate(Workload workload, Problems problems);

    /// <summary>The workload with its section smaller by one change each, biggest first; some may be invalid.</summary>
    IEnumerable<Workload> Shrink(Workload workload);

    /// <summary>What the section adds to <see cref="WorkloadShrinker.Size"/>; every shrink makes it smaller.</summary>
    int Size(Workload workload);

    /// <summary>The section's part of the workload's one-line summary, or null when it has none.</summary>
    string? Summary(Workload workload);

    /// <summary>How many processes the section boots before the workload's own (which then start at a higher pid).</summary>
    int ProcessesBefore(Workload workload);

    /// <summary>The kernel configuration the section asks for.</summary>
    KernelConfig Configure(Workload workload, KernelConfig config);

    /// <summary>Boot, before the workload's processes: processes that must come first (init is pid 1).</summary>
    void CreateProcesses(Kernel k, Workload workload);

    /// <summary>Boot, after the CPUs, the clock and the scheduler: the section's state and threads.</summary>
    void Start(Kernel k, Workload workload);
}
