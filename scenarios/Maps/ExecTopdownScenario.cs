using FsCheck.Fluent;
using Uvm.Model.Maps;

namespace Uvm.Scenarios;

/// <summary>
/// The exec-topdown scenario: on a top-down map, LWP 1 of a process execs its program again with
/// <c>ulimit -s unlimited</c> while two more LWPs of the process mmap() and munmap() anonymous
/// memory on the same map. The unlimited stack moves VM_DEFAULT_ADDRESS down beside data, so
/// whether a top-down search starts in a gap too small for it depends on which mappings the
/// other LWPs hold at that moment. Exercises the top-down uvm_map_findspace() bug.
/// </summary>
public static class ExecTopdownScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "exec-topdown",
        "Top-down map: LWP 1 execs with an unlimited stack while 2 LWPs of the process mmap/munmap on the same map.",
        ["maps"],
        Default,
        () => Generate());

    /// <summary>
    /// The default workload. Map [1,32): text [8,10), data [10,12), stack [30,32); data limit 5,
    /// so with the unlimited stack vm_maxsaddr is 15 and ld.elf_so (3 pages) is hinted at 12,
    /// right above data; below text there are 7 free pages. An iteration is about 25 steps.
    /// </summary>
    public static Workload Default() => new()
    {
        Cpus = 1,
        Seconds = 0,
        SwapoutScans = 0,
        Sections =
        [
            new MapsWorkload
            {
                StackLimit = null,
                Lwps =
                [
                    [new Mmap(2), new Munmap(), new Mmap(1), new Munmap()],
                    [new Mmap(1), new Munmap(), new Mmap(2), new Munmap()],
                ],
            },
        ],
    };

    /// <summary>Variants: stack limit unlimited or finite, data limit, interpreter size, 1-3 LWPs of 1-4 calls.</summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from stack in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(2, 16).Select(s => (int?)s))
        from dataLimit in Gen.Choose(2, 8)
        from interp in Gen.Choose(1, 4)
        from n in Gen.Choose(1, 3)
        from lwps in Gen.ListOf(GenProgram(), n)
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0,
            Sections =
            [
                new MapsWorkload
                {
                    StackLimit = stack, DataLimit = dataLimit, Image = new ExecImage(InterpreterPages: interp),
                    Lwps = [.. lwps],
                },
            ],
        };

    /// <summary>
    /// An LWP's program of mmap()s and munmap()s: 1-4 calls, and one time in four 5-8 (since session
    /// 34: a hunt's red-black removal that skipped the augmentation fix-up on its two-children path
    /// needs a successor three levels down, which programs of at most four calls never built). One
    /// munmap() in three unmaps one page one page into the range (the middle of a 3-page mapping, the
    /// tail of a 2-page one): uvm_unmap_remove() clips, which whole-range munmaps never made (a
    /// second hunt's clip that lost its map-entry pool item in session 35 was reached by none). One
    /// mmap() in four asks for an alignment of 2 or 4 pages (session 36: none did, so
    /// uvm_map_space_avail()'s rounding was never judged).
    /// </summary>
    internal static FsCheck.Gen<IReadOnlyList<MapOp>> GenProgram() =>
        from n in Gen.Frequency((3, Gen.Choose(1, 4)), (1, Gen.Choose(5, 8)))
        from ops in Gen.ListOf(Gen.Frequency(
            (2, from p in Gen.Choose(1, 3) from align in Gen.Frequency((3, Gen.Constant(1)), (1, Gen.Elements(2, 4))) select (MapOp)new Mmap(p, align)),
            (1, Gen.Frequency((2, Gen.Constant((MapOp)new Munmap())), (1, Gen.Constant((MapOp)new Munmap(1, 1)))))), n)
        select (IReadOnlyList<MapOp>)[.. ops];
}
