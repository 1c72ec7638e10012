using System.Text.Json.Serialization;
using Uvm.Model.Sched;

namespace Uvm.Scenarios;

/// <summary>
/// What the kernel runs in one exploration: CPUs, processes with their LWPs' programs, the clock,
/// the swapper and the memory it works against. Serialisable, so a user can hand-write one
/// (<c>uvmcheck run --workload FILE</c>); <see cref="Validate"/> names every bad field.
/// </summary>
public sealed record Workload
{
    /// <summary>Upper bounds a workload may not exceed: larger ones explode the state space.</summary>
    public const int MaxCpus = 8, MaxProcesses = 16, MaxLwpsPerProcess = 8, MaxOps = 32, MaxSeconds = 64, MaxQuanta = 64;

    /// <summary>Number of CPUs.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>The processes, each a list of LWP programs.</summary>
    public IReadOnlyList<ProcessSpec> Processes { get; init; } = [];

    /// <summary>Seconds the clock ticks at least (schedcpu() calls).</summary>
    public int Seconds { get; init; } = 2;

    /// <summary>How many times the pagedaemon calls uvm_swapout_threads(); 0 runs no swapper.</summary>
    public int SwapoutScans { get; init; } = 1;

    /// <summary>uvmexp.free at boot, in pages.</summary>
    public int FreePages { get; init; } = 2;

    /// <summary>maxslp, in the workload's seconds.</summary>
    public int MaxSlp { get; init; } = 4;

    /// <summary>One process's address map and the exec/mmap LWPs working on it; null runs none.</summary>
    public MapsWorkload? Maps { get; init; }

    /// <summary>Pages, swap, the pagedaemon and its users; null runs no pagedaemon.</summary>
    public PagingWorkload? Paging { get; init; }

    /// <summary>Process exit, wait4 and the u-area cache (init, the pagedaemon's drain, the exit design); null: none.</summary>
    public ExitWorkload? Exit { get; init; }

    /// <summary>Processes that loan their pages to the kernel and to anons; needs <see cref="Paging"/>.</summary>
    public LoanWorkload? Loans { get; init; }

    /// <summary>Every problem with this workload, each naming its field; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string field, string what) { if (!ok) errors.Add($"{field}: {what}"); }
        Check(Cpus is >= 1 and <= MaxCpus, "cpus", $"must be 1..{MaxCpus}, is {Cpus}");
        Check(Seconds is >= 0 and <= MaxSeconds, "seconds", $"must be 0..{MaxSeconds}, is {Seconds}");
        Check(SwapoutScans is >= 0 and <= 16, "swapoutScans", $"must be 0..16, is {SwapoutScans}");
        // With no free page, the last swapped-out LWP could never come back: swap-in needs more than a
        // u-area free, and in this model only u-areas move memory (the real kernel pages others out).
        Check(FreePages is >= 1 and <= 1 << 20, "freePages", $"must be 1..{1 << 20}, is {FreePages}");
        Check(MaxSlp is >= 1 and <= MaxSeconds, "maxSlp", $"must be 1..{MaxSeconds}, is {MaxSlp}");
        Check(Processes is not null && Processes.Count <= MaxProcesses, "processes", $"must list at most {MaxProcesses} processes");
        for (int p = 0; p < (Processes?.Count ?? 0); p++)
        {
            var lwps = Processes![p]?.Lwps;
            Check(lwps is { Count: >= 1 and <= MaxLwpsPerProcess }, $"processes[{p}].lwps", $"must list 1..{MaxLwpsPerProcess} LWPs");
            for (int l = 0; l < (lwps?.Count ?? 0); l++)
            {
                var ops = lwps![l];
                var field = $"processes[{p}].lwps[{l}]";
                Check(ops is { Count: <= MaxOps }, field, $"must list at most {MaxOps} operations");
                for (int o = 0; o < (ops?.Count ?? 0); o++)
                {
                    switch (ops![o])
                    {
                        case Compute c: Check(c.Quanta is >= 1 and <= MaxQuanta, $"{field}[{o}].quanta", $"must be 1..{MaxQuanta}, is {c.Quanta}"); break;
                        case SleepFor s: Check(s.Seconds is >= 1 and <= MaxSeconds, $"{field}[{o}].seconds", $"must be 1..{MaxSeconds}, is {s.Seconds}"); break;
                        case Fork f: errors.AddRange(ExitWorkload.ValidateChild(f, $"{field}[{o}]")); break;
                        case Wait: break;
                        default: errors.Add($"{field}[{o}]: missing or unknown operation"); break;
                    }
                }
            }
        }
        if (Maps is not null) errors.AddRange(Maps.Validate().Select(e => "maps." + e));

        if (Paging is not null) errors.AddRange(Paging.Validate());
        if (Exit is { } exit) errors.AddRange(exit.Validate().Select(e => $"exit.{e}"));
        if (Loans is not null && Paging is null) errors.Add("loans: needs a paging section (the pagedaemon and swap)");
        if (Loans is not null) errors.AddRange(Loans.Validate());
        return errors;
    }

    /// <summary>The pid of the first workload process: init takes pid 1 when the exit model boots it.</summary>
    private int FirstPid => Exit is null ? 1 : 2;

    /// <summary>A one-line summary, as a syscall trace would read.</summary>
    public override string ToString() =>
        $"{Cpus} cpus, {Seconds}s, free {FreePages}, {SwapoutScans} swapout scans; "
        + string.Join("; ", Processes.Select((p, i) => $"pid {i + FirstPid}: " + string.Join(" | ", p.Lwps.Select(ops => string.Join(" ", ops)))))
        + (Paging is null ? "" : $"{(Processes.Count > 0 ? "; " : "")}paging: {Paging}")
        + (Exit is { } exit ? $"; {exit}" : "")
        + (Loans is null ? "" : $"; loans: {Loans}");
}

/// <summary>One process: the program of each of its LWPs.</summary>
public sealed record ProcessSpec([property: JsonPropertyName("lwps")] IReadOnlyList<IReadOnlyList<LwpOp>> Lwps);
