using Uvm.Model;
using Uvm.Model.Maps;
using static Uvm.Scenarios.ListShrinks;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>maps</c> section (<see cref="MapsWorkload"/>): one process's map, its boot layout, the
/// exec LWP and the mmap/munmap LWPs (<see cref="MapsBuilder"/>).
/// </summary>
public sealed class MapsSection : WorkloadSection<MapsWorkload>
{
    /// <inheritdoc/>
    public override string Name => "maps";

    /// <inheritdoc/>
    public override IReadOnlyList<Scenario> Scenarios => [ExecTopdownScenario.Scenario, MmapBottomupScenario.Scenario, MmapAlignedScenario.Scenario];

    /// <inheritdoc/>
    protected override void Validate(MapsWorkload m, Workload workload, Problems problems)
    {
        var i = m.Image;
        int before = problems.Lines.Count;
        problems.Check(m.MapMin >= 0, "mapMin", $"must be at least 0, is {m.MapMin}");
        problems.Check(m.UsrStack > m.MapMin && m.UsrStack <= MapsWorkload.MaxPages, "usrStack", $"must be above mapMin and at most {MapsWorkload.MaxPages}, is {m.UsrStack}");
        problems.Check(i is not null, "image", "is missing");
        if (i is null) return;
        problems.Check(i.TextStart >= m.MapMin, "image.textStart", $"must be at least mapMin {m.MapMin}, is {i.TextStart}");
        foreach (var (field, pages) in new[] { ("textPages", i.TextPages), ("dataPages", i.DataPages), ("stackPages", i.StackPages), ("interpreterPages", i.InterpreterPages) })
            problems.Check(pages is >= 1 and <= MapsWorkload.MaxPages, $"image.{field}", $"must be 1..{MapsWorkload.MaxPages}, is {pages}");
        problems.Check(i.Daddr + i.DataPages <= m.UsrStack - i.StackPages, "image", "text, data and stack do not fit below usrStack");
        problems.Check(m.DataLimit >= i.DataPages && m.DataLimit <= MapsWorkload.MaxPages, "dataLimit", $"must be dataPages..{MapsWorkload.MaxPages}, is {m.DataLimit}");
        problems.Check(m.BootStackLimit >= i.StackPages && m.BootStackLimit <= MapsWorkload.MaxPages, "bootStackLimit", $"must be stackPages..{MapsWorkload.MaxPages}, is {m.BootStackLimit}");
        problems.Check(m.StackLimit is null || (m.StackLimit >= i.StackPages && m.StackLimit <= MapsWorkload.MaxPages), "stackLimit", $"must be null (unlimited) or stackPages..{MapsWorkload.MaxPages}, is {m.StackLimit}");
        problems.Check(m.Lwps is not null && m.Lwps.Count <= MapsWorkload.MaxLwps, "lwps", $"must list at most {MapsWorkload.MaxLwps} LWPs");
        for (int l = 0; l < (m.Lwps?.Count ?? 0); l++)
            ValidateLwp(m.Lwps![l], problems.At($"lwps[{l}]"));
        if (problems.Lines.Count == before && BootLayoutError(m) is { } boot) problems.Add("image", boot);
    }

    /// <inheritdoc/>
    protected override IEnumerable<MapsWorkload> Shrink(MapsWorkload m) =>
        Removals(m.Lwps, l => l, (_, ops) => ops).Select(lwps => m with { Lwps = lwps });

    /// <inheritdoc/>
    protected override int Size(MapsWorkload m) => m.Lwps.Sum(l => 1 + l.Count);

    /// <inheritdoc/>
    protected override void Start(Kernel k, MapsWorkload m) => MapsBuilder.Build(k, m);

    private static void ValidateLwp(IReadOnlyList<MapOp>? ops, Problems lwp)
    {
        lwp.Check(ops is { Count: <= MapsWorkload.MaxOps }, "", $"must list at most {MapsWorkload.MaxOps} operations");
        for (int o = 0; o < (ops?.Count ?? 0); o++)
        {
            switch (ops![o])
            {
                case Mmap mmap:
                    lwp.Check(mmap.Pages is >= 1 and <= MapsWorkload.MaxPages, $"[{o}].pages", $"must be 1..{MapsWorkload.MaxPages}, is {mmap.Pages}");
                    lwp.Check(mmap.Align is >= 1 and <= MapsWorkload.MaxAlign, $"[{o}].align", $"must be 1..{MapsWorkload.MaxAlign}, is {mmap.Align}");
                    break;
                case Munmap unmap:
                    lwp.Check(unmap.Offset is >= 0 and < MapsWorkload.MaxPages, $"[{o}].offset", $"must be 0..{MapsWorkload.MaxPages - 1}, is {unmap.Offset}");
                    lwp.Check(unmap.Pages is >= 0 and <= MapsWorkload.MaxPages, $"[{o}].pages", $"must be 0 (the whole range) or up to {MapsWorkload.MaxPages}, is {unmap.Pages}");
                    break;
                default: lwp.Add($"[{o}]", "missing or unknown operation"); break;
            }
        }
    }

    /// <summary>Why the boot image does not fit the map, or null.</summary>
    private static string? BootLayoutError(MapsWorkload m)
    {
        try
        {
            MapsBuilder.Build(new Kernel(KernelConfig.Fixed), m with { Exec = false, Lwps = [] });
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }
}
