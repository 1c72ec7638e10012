using System.Text.Json.Serialization;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// What the kernel runs in one exploration: CPUs, processes with their LWPs' programs, the clock,
/// the pagedaemon's swapout passes and the memory they work against, plus one optional section per
/// kernel path (<see cref="WorkloadSections.All"/>: maps, paging, exit, loans). Serialisable, so a user can
/// hand-write one; <see cref="Validate"/> names every bad field.
/// </summary>
public sealed record Workload
{
    /// <summary>Upper bounds a workload may not exceed: larger ones explode the state space.</summary>
    public const int MaxReserve = 8, MaxCpus = 8, MaxProcesses = 16, MaxLwpsPerProcess = 8, MaxOps = 32, MaxSeconds = 64, MaxQuanta = 64;

    /// <summary>The largest pid a sysctl KERN_PROC_ARGS may name (no workload makes more processes).</summary>
    public const int MaxPid = 255;

    /// <summary>The sections present, in registration order.</summary>
    private IReadOnlyList<object> _sections = [];

    /// <summary>Number of CPUs.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>The processes, each a list of LWP programs.</summary>
    public IReadOnlyList<ProcessSpec> Processes { get; init; } = [];

    /// <summary>Seconds the clock ticks at least (schedcpu() calls).</summary>
    public int Seconds { get; init; } = 2;

    /// <summary>How many passes the pagedaemon makes from boot under a stated memory shortage, each calling uvm_swapout_threads() when a swap device is configured (a paging section with swap slots; model/Threads/PagedaemonJobs.cs); 0 makes none.</summary>
    public int SwapoutScans { get; init; } = 1;

    /// <summary>uvmexp.free at boot, in pages.</summary>
    public int FreePages { get; init; } = 2;

    /// <summary>maxslp, in the workload's seconds.</summary>
    public int MaxSlp { get; init; } = 4;

    /// <summary>
    /// uvmexp.reserve_kernel, in pages: free pages only kernel objects and the pool allocator may
    /// take (uvm_pagealloc_strat()). The kernel's uvm_page_init() sets 5 against thousands of
    /// pages; workloads scale memory down, and 0 (the default) leaves the reserve out. The reserve
    /// comes on top of the workload's memory: the kernel boots with <see cref="FreePages"/> +
    /// reserveKernel free pages, and freemin and freetarg (of the paging or exit section) are
    /// raised by it too, as the kernel keeps them above the reserve (uvmpd_tune(): freemin is at
    /// least 16 pages, against reserve_kernel's 5), so the workload's other figures keep their
    /// meaning: the memory users may take and the shortage the pagedaemon answers.
    /// </summary>
    public int ReserveKernel { get; init; }

    /// <summary>uvmexp.reserve_pagedaemon, in pages (the kernel's 1): free pages only the pagedaemon may take; at most <see cref="ReserveKernel"/>.</summary>
    public int ReservePagedaemon { get; init; }

    /// <summary>
    /// The kernel paths' sections (records such as <see cref="PagingWorkload"/>), at most one of
    /// each registered kind; kept in registration order. In JSON each is a member named after it.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<object> Sections
    {
        get => _sections;
        init => _sections = WorkloadSections.InOrder(value);
    }

    /// <summary>The section of record type <typeparamref name="T"/>, or null when the workload has none.</summary>
    public T? Section<T>() where T : class
    {
        for (int i = 0; i < _sections.Count; i++)
            if (_sections[i] is T s) return s;
        return null;
    }

    /// <summary>This workload with <paramref name="section"/> in place of its section of that kind.</summary>
    public Workload With<T>(T section) where T : class =>
        this with { Sections = [.. _sections.Where(s => s.GetType() != section.GetType()), section] };

    /// <summary>This workload without its section of record type <typeparamref name="T"/>.</summary>
    public Workload Without<T>() where T : class => this with { Sections = [.. _sections.Where(s => s is not T)] };

    /// <summary>Every problem with this workload, each naming its field; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new Problems();
        ValidateProcesses(problems);
        foreach (var section in WorkloadSections.All) section.Validate(this, problems);
        return problems.Lines;
    }

    /// <summary>A one-line summary, as a syscall trace would read.</summary>
    public override string ToString()
    {
        int firstPid = 1 + WorkloadSections.All.Sum(s => s.ProcessesBefore(this));
        var parts = Processes.Select((p, i) => $"pid {i + firstPid}{(p.StopFork ? " (stopfork)" : "")}: " + string.Join(" | ", p.Lwps.Select(ops => string.Join(" ", ops))))
            .Concat(WorkloadSections.All.Select(s => s.Summary(this)).OfType<string>());
        string reserves = ReserveKernel > 0 ? $" + reserve {ReserveKernel} (pagedaemon {ReservePagedaemon})" : "";
        return $"{Cpus} cpus, {Seconds}s, free {FreePages}{reserves}, {SwapoutScans} swapout scans; " + string.Join("; ", parts);
    }

    /// <summary>The section of this record type, for the JSON writer.</summary>
    internal object? Section(Type type) => _sections.FirstOrDefault(s => s.GetType() == type);

    /// <summary>Sets a section while the JSON reader builds this workload, as it sets init-only members; null is none.</summary>
    internal void ReadSection(object? section)
    {
        if (section is not null) _sections = WorkloadSections.InOrder([.. _sections.Where(s => s.GetType() != section.GetType()), section]);
    }

    private void ValidateProcesses(Problems problems)
    {
        problems.Check(Cpus is >= 1 and <= MaxCpus, "cpus", $"must be 1..{MaxCpus}, is {Cpus}");
        problems.Check(Seconds is >= 0 and <= MaxSeconds, "seconds", $"must be 0..{MaxSeconds}, is {Seconds}");
        problems.Check(SwapoutScans is >= 0 and <= 16, "swapoutScans", $"must be 0..16, is {SwapoutScans}");
        // With no free page, the last swapped-out LWP could never come back: swap-in needs more than a
        // u-area free, and here memory comes back only by paging out the swapped-out u-areas'
        // unwired pages (the real kernel also pages others out).
        problems.Check(FreePages is >= 1 and <= 1 << 20, "freePages", $"must be 1..{1 << 20}, is {FreePages}");
        problems.Check(MaxSlp is >= 1 and <= MaxSeconds, "maxSlp", $"must be 1..{MaxSeconds}, is {MaxSlp}");
        // uvm_page_init() keeps reserve_pagedaemon (1) below reserve_kernel (5).
        problems.Check(ReserveKernel is >= 0 and <= MaxReserve, "reserveKernel", $"must be 0..{MaxReserve}, is {ReserveKernel}");
        problems.Check(ReservePagedaemon >= 0 && ReservePagedaemon <= ReserveKernel, "reservePagedaemon", $"must be 0..reserveKernel ({ReserveKernel}), is {ReservePagedaemon}");
        problems.Check(Processes is not null && Processes.Count <= MaxProcesses, "processes", $"must list at most {MaxProcesses} processes");
        for (int p = 0; p < (Processes?.Count ?? 0); p++)
        {
            var lwps = Processes![p]?.Lwps;
            problems.Check(lwps is { Count: >= 1 and <= MaxLwpsPerProcess }, $"processes[{p}].lwps", $"must list 1..{MaxLwpsPerProcess} LWPs");
            for (int l = 0; l < (lwps?.Count ?? 0); l++)
                ValidateProgram(lwps![l], problems.At($"processes[{p}].lwps[{l}]"));
        }
    }

    /// <summary>
    /// The problems of an LWP's program, or of a forked child's <paramref name="forkDepth"/> forks
    /// deep, each operation under its index.
    /// </summary>
    internal static void ValidateProgram(IReadOnlyList<LwpOp>? ops, Problems at, int forkDepth = 0)
    {
        at.Check(ops is { Count: <= MaxOps }, "", $"must list at most {MaxOps} operations");
        for (int o = 0; o < (ops is { Count: <= MaxOps } ? ops.Count : 0); o++)
        {
            var op = at.At($"[{o}]");
            switch (ops![o])
            {
                case Compute c: op.Check(c.Quanta is >= 1 and <= MaxQuanta, "quanta", $"must be 1..{MaxQuanta}, is {c.Quanta}"); break;
                case SleepFor s: op.Check(s.Seconds is >= 1 and <= MaxSeconds, "seconds", $"must be 1..{MaxSeconds}, is {s.Seconds}"); break;
                case Fork f: ExitSection.ValidateChild(f, op, forkDepth + 1); break;
                case Wait: break;
                case ProcArgs a: op.Check(a.Pid is >= 0 and <= MaxPid, "pid", $"must be 0..{MaxPid}, is {a.Pid}"); break;
                case ProcRegs r: op.Check(r.Pid is >= 0 and <= MaxPid, "pid", $"must be 0..{MaxPid}, is {r.Pid}"); break;
                case Exec: break;
                case SysExit: break;
                case Kill k:
                    op.Check(Enum.IsDefined(k.Signal), "signal", $"unknown signal {(int)k.Signal}");
                    op.Check(k.Pid is >= 0 and <= MaxPid, "pid", $"must be 0..{MaxPid} (0: the child of the last fork), is {k.Pid}");
                    break;
                default: op.Add("", "missing or unknown operation"); break;
            }
        }
    }
}

/// <summary>
/// One process: the program of each of its LWPs; with <paramref name="NoCldWait"/>, it has called
/// sigaction(SIGCHLD, SA_NOCLDWAIT) before anything else (P_NOCLDWAIT: its children are given to init
/// as they exit; kern_exit.c exit1()); with <paramref name="StopFork"/>, a debugger has set its
/// P_STOPFORK (sysctl proc.PID.stopfork) before it runs: its children, and theirs, start stopped
/// (fork1(), model/Exit/ProcessFork.cs), for a <see cref="Kill"/> SIGCONT to continue.
/// </summary>
public sealed record ProcessSpec(
    [property: JsonPropertyName("lwps")] IReadOnlyList<IReadOnlyList<LwpOp>> Lwps,
    [property: JsonPropertyName("noCldWait")] bool NoCldWait = false,
    [property: JsonPropertyName("stopFork")] bool StopFork = false);
