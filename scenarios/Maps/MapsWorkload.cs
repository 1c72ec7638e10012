using Uvm.Model.Maps;

namespace Uvm.Scenarios;

/// <summary>
/// The address-space part of a workload: one process's map (bounds in pages, top-down or not),
/// the program it ran at boot, an optional exec of that program with new rlimits, and the
/// mmap()/munmap() calls of the process's other LWPs. The optional <c>maps</c> section of a
/// <see cref="Workload"/> (<see cref="MapsSection"/>): without it no map threads run.
/// </summary>
public sealed record MapsWorkload
{
    /// <summary>Upper bounds that keep the state space small.</summary>
    public const int MaxPages = 256, MaxLwps = 8, MaxOps = 32, MaxAlign = 16;

    /// <summary>VM_MAP_TOPDOWN on the process map.</summary>
    public bool TopDown { get; init; } = true;

    /// <summary>vm_map_min, in pages (page 0 stays unmapped).</summary>
    public int MapMin { get; init; } = 1;

    /// <summary>USRSTACK = vm_map_max, in pages.</summary>
    public int UsrStack { get; init; } = 32;

    /// <summary>The program: laid out at boot, and exec'd again by the exec LWP.</summary>
    public ExecImage Image { get; init; } = new();

    /// <summary>RLIMIT_DATA in pages (data, bss and heap from vm_daddr).</summary>
    public int DataLimit { get; init; } = 5;

    /// <summary>RLIMIT_STACK in pages the boot image ran with.</summary>
    public int BootStackLimit { get; init; } = 8;

    /// <summary>RLIMIT_STACK in pages for the exec; null is unlimited (RLIM_INFINITY).</summary>
    public int? StackLimit { get; init; }

    /// <summary>Whether LWP 1 execs the program again.</summary>
    public bool Exec { get; init; } = true;

    /// <summary>The system calls of the process's other LWPs, one list per LWP.</summary>
    public IReadOnlyList<IReadOnlyList<MapOp>> Lwps { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() =>
        $"map [{MapMin},{UsrStack}){(TopDown ? " topdown" : "")}, {Image}, data limit {DataLimit}; "
        + (Exec ? $"exec with stack limit {StackLimit?.ToString() ?? "unlimited"} (boot {BootStackLimit})" : $"no exec (stack limit {BootStackLimit})")
        + string.Concat(Lwps.Select((ops, l) => $"; lwp{l + 2}: " + string.Join(" ", ops)));
}
