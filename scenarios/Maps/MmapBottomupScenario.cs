using FsCheck.Fluent;
using Uvm.Model.Maps;

namespace Uvm.Scenarios;

/// <summary>
/// The mmap-bottomup scenario: on a bottom-up map (no VM_MAP_TOPDOWN, the layout of most ports in
/// 2003-04, i386 included unless built with USE_TOPDOWN_VM), LWPs of a process mmap() and munmap()
/// anonymous memory while LWP 1 execs. Every non-fixed mmap() is hinted at VM_DEFAULT_ADDRESS,
/// vm_daddr + the data limit, so after the first one the hint falls inside a mapping and
/// uvm_map_findspace() tries the gap above it first; whether that gap has room depends on what
/// the other LWPs hold at that moment. Exercises the bottom-up first-gap test
/// (<c>findspace-bottomup-ignores-gap-end</c>).
/// </summary>
public static class MmapBottomupScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "mmap-bottomup",
        "Bottom-up map: LWP 1 execs while 2 LWPs of the process mmap/munmap on the same map, every mmap hinted at the top of the data limit.",
        ["maps"],
        Default,
        () => Generate());

    /// <summary>
    /// The default workload. Map [1,32): text [8,10), data [10,12), stack [30,32); data limit 5,
    /// so VM_DEFAULT_ADDRESS is 15 and ld.elf_so (3 pages) sits at [15,18) from boot. The first
    /// mmap() of either LWP is hinted inside it and tries the gap above [15,18), which is empty
    /// once the other LWP's mapping starts at 18: the search must walk on up. An iteration is
    /// about 25 steps.
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
                TopDown = false,
                StackLimit = 8,
                Lwps =
                [
                    [new Mmap(2), new Munmap(), new Mmap(1), new Munmap()],
                    [new Mmap(1), new Mmap(2), new Munmap(), new Munmap()],
                ],
            },
        ],
    };

    /// <summary>Variants: with or without the exec, stack and data limits, interpreter size, 1-3 LWPs of 1-4 calls.</summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from exec in Gen.Elements(true, false)
        from stack in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(2, 16).Select(s => (int?)s))
        from dataLimit in Gen.Choose(2, 8)
        from interp in Gen.Choose(1, 4)
        from n in Gen.Choose(1, 3)
        from lwps in Gen.ListOf(ExecTopdownScenario.GenProgram(), n)
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0,
            Sections =
            [
                new MapsWorkload
                {
                    TopDown = false, Exec = exec, StackLimit = stack, DataLimit = dataLimit,
                    Image = new ExecImage(InterpreterPages: interp), Lwps = [.. lwps],
                },
            ],
        };
}
