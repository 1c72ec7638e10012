using FsCheck.Fluent;
using Uvm.Model.Maps;

namespace Uvm.Scenarios;

/// <summary>
/// The mmap-aligned scenario: exec-topdown's map and exec, its LWPs' mmap()s asking for an
/// alignment (uvm_map()'s align argument, which mmap() of a device or a shared mapping passes, as
/// PMAP_PREFER and MAP_ALIGNED do): uvm_map_findspace() and uvm_map_space_avail() round each
/// candidate down (top-down) or up (bottom-up) to the alignment before they test the gap. No other
/// scenario asked for an alignment, so that rounding was never judged; a fix of the era, uvm_map.c
/// 1.165 (2004, "uvm_map_findspace: don't return unaligned address if alignment is specified"),
/// lived there. FoundSpaceIsFree checks the alignment of the range findspace returned, and
/// UvmMapFailsOnlyWhenTheMapHasNoRoom's oracle (properties/FreeSpaceOracle.cs) the aligned ranges an
/// ENOMEM says do not exist.
/// </summary>
public static class MmapAlignedScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "mmap-aligned",
        "Top-down map: LWP 1 execs while 2 LWPs of the process mmap/munmap on the same map, with mmaps aligned to 2 and 4 pages.",
        ["maps"],
        Default,
        () => Generate());

    /// <summary>The default workload: exec-topdown's map and exec, each LWP mixing aligned and unaligned mmap()s with munmap()s.</summary>
    public static Workload Default()
    {
        var w = ExecTopdownScenario.Default();
        return w.With(w.Section<MapsWorkload>()! with
        {
            Lwps =
            [
                [new Mmap(1), new Mmap(2, 4), new Munmap(), new Mmap(1, 2), new Munmap()],
                [new Mmap(3, 4), new Munmap(1, 1), new Mmap(1, 2), new Munmap(), new Munmap()],
            ],
        });
    }

    /// <summary>Variants: exec-topdown's and mmap-bottomup's (either direction), every LWP's mmap()s aligned to 2 or 4 pages one time in two.</summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from w in Gen.OneOf(ExecTopdownScenario.Generate(), MmapBottomupScenario.Generate())
        from aligns in Gen.ArrayOf(Gen.Elements(1, 2, 4, 4), 64)
        select w.With(w.Section<MapsWorkload>()! is var m ? m with
        {
            Lwps = [.. m.Lwps.Select((ops, i) => (IReadOnlyList<MapOp>)[.. ops.Select((op, j) => op is Mmap mm ? mm with { Align = aligns[(8 * i + j) % aligns.Length] } : op)])],
        } : null!);
}
