using Uvm.Model;

namespace Uvm.Scenarios;

/// <summary>
/// A kernel path's workload section of record type <typeparamref name="T"/>: override what the
/// path needs, each given the section when the workload has one; without one, nothing happens.
/// A path whose boot does not depend on its section alone overrides the workload-level members.
/// </summary>
public abstract class WorkloadSection<T> : IWorkloadSection where T : class
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public Type Type => typeof(T);

    /// <inheritdoc/>
    public virtual IReadOnlyList<Scenario> Scenarios => [];

    /// <inheritdoc/>
    public void Validate(Workload workload, Problems problems)
    {
        if (workload.Section<T>() is { } s) Validate(s, workload, problems.At(Name));
    }

    /// <inheritdoc/>
    public IEnumerable<Workload> Shrink(Workload workload) =>
        workload.Section<T>() is { } s ? Shrink(s).Select(smaller => workload.With(smaller)) : [];

    /// <inheritdoc/>
    public int Size(Workload workload) => workload.Section<T>() is { } s ? Size(s) : 0;

    /// <inheritdoc/>
    public string? Summary(Workload workload) => workload.Section<T>() is { } s ? Summary(s) : null;

    /// <inheritdoc/>
    public int ProcessesBefore(Workload workload) => workload.Section<T>() is { } s ? ProcessesBefore(s) : 0;

    /// <inheritdoc/>
    public virtual KernelConfig Configure(Workload workload, KernelConfig config) =>
        workload.Section<T>() is { } s ? Configure(s, config) : config;

    /// <inheritdoc/>
    public virtual void CreateProcesses(Kernel k, Workload workload)
    {
        if (workload.Section<T>() is { } s) CreateProcesses(k, s);
    }

    /// <inheritdoc/>
    public virtual void Start(Kernel k, Workload workload)
    {
        if (workload.Section<T>() is { } s) Start(k, s);
    }

    /// <summary>Adds the section's problems to <paramref name="problems"/>, whose path is already <see cref="Name"/>.</summary>
    protected abstract void Validate(T section, Workload workload, Problems problems);

    /// <summary>The section smaller by one change each, biggest first; invalid ones are dropped later.</summary>
    protected virtual IEnumerable<T> Shrink(T section) => [];

    /// <summary>Things in the section (processes, operations, pages); each <see cref="Shrink(T)"/> lowers it.</summary>
    protected virtual int Size(T section) => 0;

    /// <summary>The section in one line, as a syscall trace would read; by default its record's ToString.</summary>
    protected virtual string Summary(T section) => section.ToString() ?? Name;

    /// <summary>Processes <see cref="CreateProcesses(Kernel, T)"/> creates.</summary>
    protected virtual int ProcessesBefore(T section) => 0;

    /// <summary>The configuration with what the section asks for.</summary>
    protected virtual KernelConfig Configure(T section, KernelConfig config) => config;

    /// <summary>Creates the processes that must precede the workload's.</summary>
    protected virtual void CreateProcesses(Kernel k, T section)
    {
    }

    /// <summary>Sets up the section's state and starts its threads.</summary>
    protected virtual void Start(Kernel k, T section)
    {
    }
}
