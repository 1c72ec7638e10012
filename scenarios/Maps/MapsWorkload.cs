using Uvm.Model;
using Uvm.Model.Maps;

namespace Uvm.Scenarios;

/// <summary>
/// The address-space part of a workload: one process's map (bounds in pages, top-down or not),
/// the program it ran at boot, an optional exec of that program with new rlimits, and the
/// mmap()/munmap() calls of the process's other LWPs. Optional in <see cref="Workload"/>: without
/// it no map threads run.
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

    /// <summary>Every problem, each naming its field (relative to this section); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string field, string what) { if (!ok) errors.Add($"{field}: {what}"); }
        var i = Image;
        Check(MapMin >= 0, "mapMin", $"must be at least 0, is {MapMin}");
        Check(UsrStack > MapMin && UsrStack <= MaxPages, "usrStack", $"must be above mapMin and at most {MaxPages}, is {UsrStack}");
        Check(i is not null, "image", "is missing");
        if (i is null) return errors;
        Check(i.TextStart >= MapMin, "image.textStart", $"must be at least mapMin {MapMin}, is {i.TextStart}");
        foreach (var (field, pages) in new[] { ("textPages", i.TextPages), ("dataPages", i.DataPages), ("stackPages", i.StackPages), ("interpreterPages", i.InterpreterPages) })
            Check(pages is >= 1 and <= MaxPages, $"image.{field}", $"must be 1..{MaxPages}, is {pages}");
        Check(i.Daddr + i.DataPages <= UsrStack - i.StackPages, "image", "text, data and stack do not fit below usrStack");
        Check(DataLimit >= i.DataPages && DataLimit <= MaxPages, "dataLimit", $"must be dataPages..{MaxPages}, is {DataLimit}");
        Check(BootStackLimit >= i.StackPages && BootStackLimit <= MaxPages, "bootStackLimit", $"must be stackPages..{MaxPages}, is {BootStackLimit}");
        Check(StackLimit is null || (StackLimit >= i.StackPages && StackLimit <= MaxPages), "stackLimit", $"must be null (unlimited) or stackPages..{MaxPages}, is {StackLimit}");
        Check(Lwps is not null && Lwps.Count <= MaxLwps, "lwps", $"must list at most {MaxLwps} LWPs");
        for (int l = 0; l < (Lwps?.Count ?? 0); l++)
        {
            var ops = Lwps![l];
            Check(ops is { Count: <= MaxOps }, $"lwps[{l}]", $"must list at most {MaxOps} operations");
            for (int o = 0; o < (ops?.Count ?? 0); o++)
            {
                switch (ops![o])
                {
                    case Mmap m:
                        Check(m.Pages is >= 1 and <= MaxPages, $"lwps[{l}][{o}].pages", $"must be 1..{MaxPages}, is {m.Pages}");
                        Check(m.Align is >= 1 and <= MaxAlign, $"lwps[{l}][{o}].align", $"must be 1..{MaxAlign}, is {m.Align}");
                        break;
                    case Munmap: break;
                    default: errors.Add($"lwps[{l}][{o}]: missing or unknown operation"); break;
                }
            }
        }
        if (errors.Count == 0 && BootLayoutError() is { } boot) errors.Add($"image: {boot}");
        return errors;
    }

    /// <summary>Why the boot image does not fit the map, or null.</summary>
    private string? BootLayoutError()
    {
        try
        {
            MapsBuilder.Build(new Kernel(KernelConfig.Fixed), this with { Exec = false, Lwps = [] });
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"map [{MapMin},{UsrStack}){(TopDown ? " topdown" : "")}, {Image}, data limit {DataLimit}; "
        + (Exec ? $"exec with stack limit {StackLimit?.ToString() ?? "unlimited"} (boot {BootStackLimit})" : $"no exec (stack limit {BootStackLimit})")
        + string.Concat(Lwps.Select((ops, l) => $"; lwp{l + 2}: " + string.Join(" ", ops)));
}
