using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Sched;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The swapout scenario: two CPUs run three LWPs that compute, sleep and exit while the clock ages
/// them and the pagedaemon, short of memory, calls uvm_swapout_threads(); proc0 swaps them back in.
/// A swap device is configured (the paging section), as uvmpd_scan() swaps LWPs out only then
/// (uvmexp.nswapdev != 0): a swapped-out u-area's pages are unwired, not freed, and memory comes
/// back when the pagedaemon, woken by proc0's uvm_wait("schedpwait"), deactivates them and pages
/// them out to swap; swap-in faults them back from it. Exercises PR kern/23095.
/// </summary>
public static class SwapoutScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "swapout",
        "2 CPUs, 3 LWPs computing and sleeping; the pagedaemon swaps out u-areas under a memory shortage while proc0 swaps them in.",
        ["sched", "vm"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>
    /// swapout-swapctl: the swapout default with swapctl -d and -a run twice beside it. uao_swap_off()
    /// pages in every slot of the device, kernel_object's u-area pages among them (a page a swap-in
    /// read back keeps its slot), while the pagedaemon swaps LWPs out and proc0 wires their u-areas
    /// back in: swap-off and swap-in meet on one page. Generated workloads are swapout's with one or
    /// two swapctl cycles always, and without its anon processes: with the device off, the kernel
    /// of the time waits in uvmfault_anonget()'s uvm_wait("flt_noram1") for memory that only a
    /// pageout could free, a memory deadlock of the workload's size (uvm_reclaimable() and the
    /// ENOMEM return came later, uvm_fault.c of 2006) that the cycle detector reports at once.
    /// </summary>
    public static Scenario Swapctl { get; } = new(
        "swapout-swapctl",
        "2 CPUs, swapout's 3 LWPs while swapctl -d/-a runs twice: uao_swap_off() pages u-area pages in as proc0 swaps them in.",
        ["sched", "vm", "swap"],
        WithSwapctl,
        () => MemoryReserves.Drawn(from w in Generate() from cycles in Gen.Choose(1, 2) select Cycles(w, cycles)));

    /// <summary>
    /// swapout-procfs: swapout's processes while a third reads their registers through procfs
    /// (model/Exit/ProcfsRegs.cs): process_doregs()'s PHOLD() swaps a swapped-out LWP in from the
    /// reader's context, beside proc0's swap-ins, and the reader holds the LWP across a uiomove()
    /// that may sleep while its process runs on and exits. Generated workloads are swapout's with
    /// a reader of one to three reads of the workload's processes.
    /// </summary>
    public static Scenario Procfs { get; } = new(
        "swapout-procfs",
        "2 CPUs, swapout's 3 LWPs while pid 3 reads /proc/1/regs and /proc/2/regs: PHOLD() swaps LWPs in beside proc0 and holds them as their processes exit.",
        ["sched", "exit"],
        WithProcfs,
        () => MemoryReserves.Drawn(from w in Generate() from n in Gen.Choose(1, 3) from reads in Gen.ListOf(Gen.Choose(1, w.Processes.Count), n) select Reader(w, [.. reads])));

    /// <summary>The swapout default with pid 3 reading the registers of pid 1, pid 2 and pid 1 again, after a quantum of its own.</summary>
    public static Workload WithProcfs() => Reader(Default(), [1, 2, 1]);

    /// <summary><paramref name="w"/> with one more process, whose one LWP computes a quantum and then reads the registers of each pid in <paramref name="pids"/>.</summary>
    private static Workload Reader(Workload w, IReadOnlyList<int> pids) => w with
    {
        Processes = [.. w.Processes, new ProcessSpec([[new Compute(1), .. pids.Select(pid => (LwpOp)new ProcRegs(pid))]])],
    };

    /// <summary>The swapout default with two swapctl -d/-a cycles.</summary>
    public static Workload WithSwapctl() => Cycles(Default(), 2);

    /// <summary><paramref name="w"/> with exactly <paramref name="cycles"/> swapctl -d/-a cycles and no anon processes.</summary>
    private static Workload Cycles(Workload w, int cycles) => w with
    {
        Sections = [.. w.Sections.Select(s => s is PagingWorkload p
            ? p with { SwapCtl = [.. Enumerable.Repeat<SwapCtlOp[]>([SwapCtlOp.Off, SwapCtlOp.On], cycles).SelectMany(c => c)], AnonProcesses = [] }
            : s)],
    };

    /// <summary>
    /// The default workload: small enough that an iteration takes ~100 steps, large enough that an
    /// LWP can be runnable, running and sleeping while the pagedaemon scans; a swap slot for each
    /// u-area page.
    /// </summary>
    public static Workload Default() => new()
    {
        Cpus = 2,
        Seconds = 2,
        SwapoutScans = 2,
        FreePages = 2,
        MaxSlp = 4,
        Sections = [Swap(3)],
        Processes =
        [
            new([[new Compute(3), new SleepFor(1), new Compute(2)], [new Compute(4)]]),
            new([[new Compute(3), new SleepFor(2), new Compute(1)]]),
        ],
    };

    /// <summary>
    /// The paging section of a swapout workload: a swap slot for every page of <paramref name="lwps"/>
    /// u-areas, so every LWP may be swapped out at once, and the pagedaemon's targets, freetarg
    /// one page above a u-area (<see cref="PagingSection"/> says why it must be).
    /// </summary>
    public static PagingWorkload Swap(int lwps) => new() { SwapSlots = lwps * Uvmexp.UspacePages, FreeMin = 1, FreeTarg = Uvmexp.UspacePages + 1 };

    /// <summary>
    /// Workloads of 1-3 CPUs and 1-3 processes of 1-2 LWPs, each a few computes and sleeps; one in
    /// three also runs swapctl -d and -a once or twice, whose uao_swap_off() pages swapped-out
    /// u-area pages back into kernel_object while proc0 and the pagedaemon work on them; and one in
    /// three has a process faulting anon pages (<see cref="PagedaemonScenario.GenProcess"/>), user
    /// allocations beside the u-areas' kernel_object ones, which the page reserves tell apart.
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from cpus in Gen.Choose(1, 3)
        from procs in Gen.Choose(1, 3)
        from processes in Gen.ListOf(GenProcess(), procs)
        from seconds in Gen.Choose(1, 4)
        from scans in Gen.Choose(1, 3)
        from free in Gen.Choose(1, 4)
        from cycles in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
        from anon in PagedaemonScenario.GenSometimesOneProcess()
        let swap = Swap(processes.Sum(p => p.Lwps.Count))
        select new Workload
        {
            Cpus = cpus, Seconds = seconds, SwapoutScans = scans, FreePages = free, MaxSlp = 4,
            Sections =
            [
                swap with
                {
                    // A slot for each anon page too, so that the anon memory fits in swap whatever the u-areas hold.
                    SwapSlots = swap.SwapSlots + anon.Sum(a => a.Pages),
                    AnonProcesses = anon,
                    SwapCtl = [.. Enumerable.Repeat<SwapCtlOp[]>([SwapCtlOp.Off, SwapCtlOp.On], cycles).SelectMany(c => c)],
                },
            ],
            Processes = [.. processes],
        };

    private static FsCheck.Gen<ProcessSpec> GenProcess() =>
        from n in Gen.Choose(1, 2)
        from lwps in Gen.ListOf(GenProgram(), n)
        select new ProcessSpec([.. lwps]);

    private static FsCheck.Gen<IReadOnlyList<LwpOp>> GenProgram() =>
        from n in Gen.Choose(1, 3)
        from ops in Gen.ListOf(GenOp(), n)
        select (IReadOnlyList<LwpOp>)[.. ops];

    private static FsCheck.Gen<LwpOp> GenOp() =>
        Gen.Frequency(
            (3, Gen.Choose(1, 4).Select(q => (LwpOp)new Compute(q))),
            (1, Gen.Choose(1, 3).Select(s => (LwpOp)new SleepFor(s))));
}
