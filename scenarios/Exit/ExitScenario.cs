using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// The exit scenarios: fork/exit/wait storms under memory pressure on two CPUs, one per exit
/// design. Parents fork children and wait for them early, late or never (init collects the
/// orphans); a two-LWP process exits through exit_lwps(); free memory sits below the pagedaemon's
/// target, so every u-area wiring wakes the pagedaemon to drain the u-area cache while forks take
/// u-areas from it. No swap device is configured, so the pagedaemon's passes swap no LWP out
/// (uvmpd_scan() calls uvm_swapout_threads() only when uvmexp.nswapdev != 0; the swapout scenario
/// has swap). Exercises the exit-rework mutations.
/// </summary>
public static class ExitScenario
{
    /// <summary>The 2004 reaperless design.</summary>
    public static Scenario Reaperless { get; } = new(
        "exit-reaperless",
        "2 CPUs, fork/exit/wait storm under memory pressure with the 2004 reaperless exit: u-area cache, wait4 and pagedaemon drains.",
        ["sched", "exit", "vm"],
        () => Default(ExitDesign.Reaperless),
        () => MemoryReserves.Drawn(Generate(ExitDesign.Reaperless)));

    /// <summary>The reaper design of before 2004.</summary>
    public static Scenario Reaper { get; } = new(
        "exit-reaper",
        "2 CPUs, fork/exit/wait storm under memory pressure with the pre-2004 reaper thread freeing u-areas and vmspaces.",
        ["sched", "exit", "vm"],
        () => Default(ExitDesign.Reaper),
        () => MemoryReserves.Drawn(Generate(ExitDesign.Reaper)));

    /// <summary>
    /// exit(2) with live sibling LWPs (kern_exit.c exit1() → exit_lwps()): the exiting LWP makes
    /// its interruptible sleepers runnable and waits for every sibling to leave through the
    /// userret hook, while the clock wakes the same sleepers when their time is up; 2004 design.
    /// </summary>
    public static Scenario Lwps { get; } = new(
        "exit-lwps",
        "2 CPUs, reaperless exit: pid 2's first LWP calls exit(2) while its two siblings sleep in nanosleep(); exit_lwps() interrupts the sleepers and waits for both to take the userret hook to lwp_exit().",
        ["sched", "exit", "vm"],
        LwpsDefault,
        () => MemoryReserves.Drawn(GenerateLwps()));

    /// <summary>
    /// Two LWPs of one parent in wait4() at once, a state the LWPs of 2003 made possible: each
    /// forks a child that computes a quantum and exits, and each waits for one; both may find the
    /// same zombie (kern_exit.c sys_wait4() walks p_children with no mark on what it finds). 2004
    /// design; generated workloads are exit-lwps' (siblings mixing forks, quanta and wait4()s).
    /// </summary>
    public static Scenario Waiters { get; } = new(
        "exit-waiters",
        "2 CPUs, reaperless exit: pid 2's two LWPs each fork a child that computes a quantum and exits, and each calls wait4(): both may find the same zombie.",
        ["sched", "exit", "vm"],
        WaitersDefault,
        () => MemoryReserves.Drawn(GenerateLwps()));

    /// <summary>The default workload of <see cref="Waiters"/>: memory at the pagedaemon's target, with room for both children's u-areas.</summary>
    public static Workload WaitersDefault() => AtTarget(2, ExitDesign.Reaperless, 4,
        [new ProcessSpec([[new Fork([new Compute(1)]), new Wait()], [new Fork([new Compute(1)]), new Wait()]])]);

    /// <summary>
    /// The default workload of <see cref="Lwps"/>: pid 2 has three LWPs: one computes a quantum and
    /// calls exit(2), one sleeps a second in nanosleep() then computes, one sleeps a second. Memory
    /// is at the pagedaemon's target.
    /// </summary>
    public static Workload LwpsDefault() => ReaperlessAtTarget(
        new ProcessSpec([[new Compute(1), new SysExit()], [new SleepFor(1), new Compute(1)], [new SleepFor(1)]]));

    /// <summary>
    /// Two CPUs and the reaperless exit, with three free pages at the pagedaemon's target and room
    /// for one cached u-area: the small exit scenarios' default machine, running <paramref name="processes"/>.
    /// </summary>
    private static Workload ReaperlessAtTarget(params ProcessSpec[] processes) =>
        AtTarget(2, ExitDesign.Reaperless, 3, processes);

    /// <summary>
    /// The small exit scenarios' machine: <paramref name="cpus"/> CPUs, one second of clock, the exit
    /// <paramref name="design"/>, <paramref name="free"/> free pages at the pagedaemon's target and
    /// room for one cached u-area, running <paramref name="processes"/>.
    /// </summary>
    private static Workload AtTarget(int cpus, ExitDesign design, int free, IReadOnlyList<ProcessSpec> processes) => new()
    {
        Cpus = cpus,
        Seconds = 1,
        FreePages = free,
        MaxSlp = 4,
        Sections = [new ExitWorkload { Design = design, NuareaMax = 1, FreeTarget = free }],
        Processes = processes,
    };

    /// <summary>
    /// 1-3 CPUs, either exit design, 1-2 processes of 2-3 LWPs: one LWP of the first calls exit(2)
    /// after 0-2 quanta; the others mix nanosleep()s, quanta, forks (a fork1() whose process is
    /// exiting meanwhile) and wait4()s (interrupted by the exit: PCATCH), and may also call exit(2)
    /// (the second caller goes to lwp_exit()).
    /// </summary>
    public static FsCheck.Gen<Workload> GenerateLwps() =>
        from cpus in Gen.Choose(1, 3)
        from design in Gen.Elements(ExitDesign.Reaperless, ExitDesign.Reaper)
        from procs in Gen.Choose(1, 2)
        from programs in Gen.ListOf(GenExitingProcess(), procs)
        from free in Gen.Choose(2, 4)
        select AtTarget(cpus, design, free, [.. programs.Select(lwps => new ProcessSpec(lwps))]);

    private static FsCheck.Gen<IReadOnlyList<IReadOnlyList<LwpOp>>> GenExitingProcess() =>
        from before in Gen.Choose(0, 2)
        from siblings in Gen.Choose(1, 2)
        from others in Gen.ListOf(GenSibling(), siblings)
        select (IReadOnlyList<IReadOnlyList<LwpOp>>)[[.. before > 0 ? [new Compute(before)] : Array.Empty<LwpOp>(), new SysExit()], .. others];

    private static FsCheck.Gen<IReadOnlyList<LwpOp>> GenSibling() =>
        from n in Gen.Choose(1, 3)
        from ops in Gen.ListOf(Gen.Frequency(
            (2, Gen.Choose(1, 2).Select(s => (LwpOp)new SleepFor(s))),
            (2, Gen.Choose(1, 2).Select(q => (LwpOp)new Compute(q))),
            (1, Gen.Choose(1, 2).Select(q => (LwpOp)new Fork([new Compute(q)]))),
            (1, Gen.Constant((LwpOp)new Wait()))), n)
        from exits in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        select (IReadOnlyList<LwpOp>)[.. ops, .. exits ? [new SysExit()] : Array.Empty<LwpOp>()];

    /// <summary>
    /// vfork() (kern_fork.c fork1() with FORK_PPWAIT | FORK_SHAREVM): a child that runs in its
    /// parent's vmspace while the parent LWP sleeps in "ppwait" on its proc, the channel wait4()
    /// sleeps on too, until the child's execve() or exit1() clears P_PPWAIT; a sibling LWP of the
    /// parent waits meanwhile, so wait4() may collect the vfork child; it forks a child of its own
    /// first, whose exit1() wakes the same channel while the vfork child may still run (a wakeup
    /// the ppwait loop must sleep through); 2004 design.
    /// </summary>
    public static Scenario Vfork { get; } = new(
        "vfork",
        "2 CPUs, reaperless exit: pid 2's first LWP vfork()s a child that computes a quantum and exits while the parent sleeps in ppwait on its proc; its second LWP forks a child that computes a quantum and exits (waking the same channel), computes and calls wait4() twice, on the same channel, so it may collect the vfork child.",
        ["sched", "exit", "vm"],
        VforkDefault,
        () => MemoryReserves.Drawn(GenerateVfork()));

    /// <summary>
    /// The default workload of <see cref="Vfork"/>: pid 2's first LWP vfork()s a child (one quantum,
    /// then exit); its second LWP forks a child (one quantum, then exit), computes a quantum and
    /// calls wait4() for each. Memory is at the pagedaemon's target, with room for both children's
    /// u-areas (with three pages the fork waits for the vfork child's u-area, and the second
    /// child's exit never comes while the vfork child runs).
    /// </summary>
    public static Workload VforkDefault() => AtTarget(2, ExitDesign.Reaperless, 4,
        [new ProcessSpec([[new Vfork([new Compute(1)])], [new Fork([new Compute(1)]), new Compute(1), new Wait(), new Wait()]])]);

    /// <summary>
    /// 1-3 CPUs, either exit design, 1-2 processes of 1-2 LWPs: one LWP vfork()s a child that execs
    /// or not, computes or sleeps, may fork or vfork itself, then exits; the other LWP mixes forks,
    /// quanta and wait4()s; a reader may read the vfork child's arguments (a third reference to the
    /// shared vmspace).
    /// </summary>
    public static FsCheck.Gen<Workload> GenerateVfork() =>
        from cpus in Gen.Choose(1, 3)
        from design in Gen.Elements(ExitDesign.Reaperless, ExitDesign.Reaper)
        from procs in Gen.Choose(1, 2)
        from programs in Gen.ListOf(GenVforkingProcess(), procs)
        from readers in Gen.Choose(0, 1)
        let forks = programs.Sum(p => p.Sum(Forks))
        let lastPid = 1 + procs + readers + forks
        from reads in Gen.ListOf(Gen.ListOf(Gen.Choose(2, lastPid), 2), readers)
        from extra in Gen.Choose(0, 2)
        let free = 2 * forks + 1 + extra
        select AtTarget(cpus, design, free, [.. programs.Select(lwps => new ProcessSpec(lwps)), .. reads.Select(r => new ProcessSpec([Reader(r, 1)]))]);

    private static FsCheck.Gen<IReadOnlyList<IReadOnlyList<LwpOp>>> GenVforkingProcess() =>
        from before in Gen.Choose(0, 1)
        from child in Gen.Frequency(
            (3, Gen.Choose(1, 2).Select(q => (IReadOnlyList<LwpOp>)[new Compute(q)])),
            (2, Gen.Choose(1, 2).Select(q => (IReadOnlyList<LwpOp>)[new Exec(), new Compute(q)])),
            (1, Gen.Choose(1, 2).Select(s => (IReadOnlyList<LwpOp>)[new SleepFor(s)])),
            (1, Gen.Choose(1, 2).Select(q => (IReadOnlyList<LwpOp>)[new Vfork([new Compute(q)]), new Compute(1)])))
        from after in Gen.Choose(0, 1)
        from sibling in Gen.Choose(0, 2)
        from ops in Gen.ListOf(Gen.Frequency(
            (2, Gen.Choose(1, 2).Select(q => (LwpOp)new Fork([new Compute(q)]))),
            (2, Gen.Constant((LwpOp)new Wait())),
            (1, Gen.Choose(1, 2).Select(q => (LwpOp)new Compute(q)))), sibling * 2)
        let first = (IReadOnlyList<LwpOp>)[.. before > 0 ? [new Compute(before)] : Array.Empty<LwpOp>(), new Vfork(child), .. after > 0 ? [new Compute(after)] : Array.Empty<LwpOp>()]
        select sibling == 0 ? (IReadOnlyList<IReadOnlyList<LwpOp>>)[first] : [first, ops];

    /// <summary>
    /// An outside reader of a process's vmspace against that process's exit: ps(1)'s sysctl
    /// KERN_PROC_ARGS (model/Exit/SysctlProcArgs.cs) on a child that exits and is collected
    /// meanwhile, with the 2004 reaperless exit.
    /// </summary>
    public static Scenario ProcArgs { get; } = new(
        "proc-args",
        "2 CPUs, reaperless exit: pid 2 (SA_NOCLDWAIT) forks pid 4, which execs and exits and is given to init, and waits for it while pid 3 reads pid 4's arguments twice with sysctl KERN_PROC_ARGS (a vmspace reference from outside).",
        ["sched", "exit", "vm"],
        ProcArgsDefault,
        () => MemoryReserves.Drawn(Generate(ExitDesign.Reaperless, readers: 1)));

    /// <summary>
    /// The default workload of <see cref="ProcArgs"/>: pid 2 forks pid 4 (an execve, then one quantum
    /// of work) and waits for it, with SA_NOCLDWAIT set, so pid 4's exit1() gives it to init, which
    /// collects it, and pid 2's wait4() ends in ECHILD (woken by that exit1() if it slept); pid 3
    /// computes, then reads pid 4's arguments twice, so the exec may find the vmspace shared with
    /// the reader. Free memory covers the
    /// fork's u-area with one page to spare, at the pagedaemon's target.
    /// </summary>
    public static Workload ProcArgsDefault() => ReaperlessAtTarget(
        new ProcessSpec([[new Fork([new Exec(), new Compute(1)]), new Wait()]], NoCldWait: true),
        new ProcessSpec([[new Compute(1), new ProcArgs(4), new ProcArgs(4)]]));

    /// <summary>
    /// The default workload: pid 2 forks two children and waits for both (one late), pid 3 forks a
    /// child that forks a grandchild and exits without waiting (init inherits them), pid 4 has two
    /// LWPs. Free memory (4 pages, two fresh u-areas) is below the target (6), NUAREA_MAX is 1.
    /// </summary>
    public static Workload Default(ExitDesign design) => new()
    {
        Cpus = 2,
        Seconds = 1,
        SwapoutScans = 1,
        FreePages = 4,
        MaxSlp = 4,
        Sections = [new ExitWorkload { Design = design, NuareaMax = 1, FreeTarget = 6 }],
        Processes =
        [
            new([[new Fork([new Compute(1)]), new Fork([new Compute(2)]), new Wait(), new Compute(1), new Wait()]]),
            new([[new Fork([new Compute(1), new Fork([new Compute(1)])]), new Compute(2)]]),
            new([[new Compute(2)], [new Compute(1)]]),
        ],
    };

    /// <summary>
    /// Storms of 1-3 CPUs and 1-3 parents, each forking (or, one time in five, vfork()ing) 1-3
    /// children (some forking again) and waiting for none, some or all of them; one parent in five
    /// has SA_NOCLDWAIT set, so its children go to init as they exit; one storm in three also has a
    /// process of 2-3 LWPs that run off their programs. Free memory covers two pages per fork, so no fork
    /// waits for memory forever, plus one: uvm_scheduler() swaps an LWP in only while
    /// <c>uvmexp.free &gt; atop(USPACE)</c> ("XXX: this part is really bogus cuz we could deadlock
    /// on memory despite our feeble check", uvm_glue.c), and with exactly two pages per fork a
    /// storm could end with a runnable LWP swapped out and proc0 in uvm_wait for good (found by
    /// this generator: one storm in several thousand). The memory sits below the target, so the
    /// pagedaemon drains.
    /// </summary>
    /// <remarks>
    /// With <paramref name="readers"/> 1, one more process (after the parents) reads the arguments
    /// of two pids with sysctl KERN_PROC_ARGS: pids from 2 up to the last a fork of the storm can
    /// get, so a read may meet a process being built, running, exiting, a zombie, or none.
    /// </remarks>
    public static FsCheck.Gen<Workload> Generate(ExitDesign design, int readers = 0) =>
        from cpus in Gen.Choose(1, 3)
        from parents in Gen.Choose(1, 3)
        from programs in Gen.ListOf(GenParent(), parents)
        from nocldwait in Gen.ListOf(Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true))), parents)
        from extra in Gen.Choose(0, 2)
        from shortage in Gen.Choose(0, 4)
        from nuarea in Gen.Choose(0, 2)
        from scans in Gen.Choose(0, 2)
        let free = 2 * programs.Sum(Forks) + 1 + extra
        let lastPid = 1 + parents + readers + programs.Sum(Forks)
        from reads in Gen.ListOf(Gen.ListOf(Gen.Choose(2, lastPid), 2), readers)
        from delay in Gen.Choose(0, 2)
        from lwps in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(2, 3)))
        select new Workload
        {
            Cpus = cpus, Seconds = 1, SwapoutScans = scans, FreePages = free, MaxSlp = 4,
            Sections = [new ExitWorkload { Design = design, NuareaMax = nuarea, FreeTarget = free + shortage }],
            Processes =
            [
                .. programs.Select((p, i) => new ProcessSpec([p], nocldwait[i])), .. reads.Select(r => new ProcessSpec([Reader(r, delay)])),
                .. lwps > 0 ? [MultiLwp(lwps)] : Array.Empty<ProcessSpec>(),
            ],
        };

    /// <summary>
    /// A process of <paramref name="lwps"/> LWPs that each compute a quantum or two and run off
    /// their program (lwp_exit(), the last one exit1()), as the default's pid 4: one storm in three
    /// has one, so the generated storms exit LWPs of a live process too (the reaper's p_nzlwps path;
    /// session 33's second hunt found none there).
    /// </summary>
    private static ProcessSpec MultiLwp(int lwps) =>
        new([.. Enumerable.Range(0, lwps).Select(j => (IReadOnlyList<LwpOp>)[new Compute(1 + j % 2)])]);

    /// <summary>A reader's program: <paramref name="delay"/> quanta of work, then sysctl KERN_PROC_ARGS on each pid.</summary>
    private static IReadOnlyList<LwpOp> Reader(IEnumerable<int> pids, int delay) =>
        [.. delay > 0 ? [new Compute(delay)] : Array.Empty<LwpOp>(), .. pids.Select(pid => (LwpOp)new ProcArgs(pid))];

    private static FsCheck.Gen<IReadOnlyList<LwpOp>> GenParent() =>
        from children in Gen.Choose(1, 3)
        from forks in Gen.ListOf(GenChild(), children)
        from vforks in Gen.ListOf(Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true))), children)
        from waits in Gen.Choose(0, children)
        from work in Gen.Choose(1, 2)
        select (IReadOnlyList<LwpOp>)[.. forks.Select((c, i) => vforks[i] ? new Vfork(c) : new Fork(c)), new Compute(work), .. Enumerable.Repeat<LwpOp>(new Wait(), waits)];

    private static FsCheck.Gen<IReadOnlyList<LwpOp>> GenChild() =>
        Gen.Frequency(
            (4, Gen.Choose(1, 2).Select(q => (IReadOnlyList<LwpOp>)[new Compute(q)])),
            (1, Gen.Choose(1, 2).Select(s => (IReadOnlyList<LwpOp>)[new SleepFor(s)])),
            (1, Gen.Choose(1, 2).Select(q => (IReadOnlyList<LwpOp>)[new Exec(), new Compute(q)])),
            (1, Gen.Choose(1, 2).Select(q => (IReadOnlyList<LwpOp>)[new Fork([new Compute(q)]), new Compute(1)])));

    /// <summary>Forks in a program, nested ones included.</summary>
    private static int Forks(IReadOnlyList<LwpOp> program) =>
        program.Sum(op => op is Fork f ? 1 + Forks(f.Child) : 0);
}
