using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The paging section of a <see cref="Workload"/>: the swap device, the pagedaemon's targets, the
/// processes touching anon memory, the SysV shm users, and swapctl. Present only in scenarios that
/// exercise the pagedaemon; memory is the workload's <c>freePages</c>.
/// </summary>
public sealed record PagingWorkload
{
    /// <summary>Upper bounds: larger ones explode the state space.</summary>
    public const int MaxSlots = 64, MaxPages = 16, MaxUsers = 8, MaxOps = 32, MaxKey = 8;

    /// <summary>Slots of the swap device (0: no swap).</summary>
    public int SwapSlots { get; init; } = 4;

    /// <summary>uvmexp.freemin.</summary>
    public int FreeMin { get; init; } = 1;

    /// <summary>uvmexp.freetarg.</summary>
    public int FreeTarg { get; init; } = 2;

    /// <summary>Processes touching private anonymous memory.</summary>
    public IReadOnlyList<AnonProcessSpec> AnonProcesses { get; init; } = [];

    /// <summary>Processes using SysV shared memory, each a list of shm operations.</summary>
    public IReadOnlyList<IReadOnlyList<ShmOp>> ShmUsers { get; init; } = [];

    /// <summary>What swapctl does to the swap device, in order (empty: no swapctl thread).</summary>
    public IReadOnlyList<SwapCtlOp> SwapCtl { get; init; } = [];

    /// <summary>
    /// The pagedaemon calls uvm_swapout_threads() when free &lt; freetarg (needs LWPs). Known
    /// limit: the swapout model's u-area wiring is a flag, not a wire count, so a uvm_fault_unwire()
    /// that runs after proc0 swapped the same LWP back in unwires a running LWP's u-area and
    /// OnProcLwpIsInMemory fires even in the fixed kernel; none of the built-in scenarios turn this on.
    /// </summary>
    public bool SwapoutThreads { get; init; }

    /// <summary>Every problem with this section, each naming its field (prefixed <c>paging.</c>).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string field, string what) { if (!ok) errors.Add($"paging.{field}: {what}"); }
        Check(SwapSlots is >= 0 and <= MaxSlots, "swapSlots", $"must be 0..{MaxSlots}, is {SwapSlots}");
        Check(FreeTarg is >= 1 and <= MaxPages, "freeTarg", $"must be 1..{MaxPages}, is {FreeTarg}");
        Check(FreeMin >= 0 && FreeMin <= FreeTarg, "freeMin", $"must be 0..freeTarg ({FreeTarg}), is {FreeMin}");
        Check(AnonProcesses is not null && AnonProcesses.Count <= MaxUsers, "anonProcesses", $"must list at most {MaxUsers} processes");
        for (int p = 0; p < (AnonProcesses?.Count ?? 0); p++)
        {
            var spec = AnonProcesses![p];
            var field = $"anonProcesses[{p}]";
            if (spec?.Touches is null) { errors.Add($"paging.{field}: missing touches"); continue; }
            Check(spec.Pages is >= 1 and <= MaxPages, $"{field}.pages", $"must be 1..{MaxPages}, is {spec.Pages}");
            Check(spec.Touches.Count <= MaxOps, $"{field}.touches", $"must list at most {MaxOps} touches");
            for (int t = 0; t < spec.Touches.Count; t++)
                Check(spec.Touches[t] is { } touch && touch.Page >= 0 && touch.Page < spec.Pages, $"{field}.touches[{t}].page",
                    $"must be 0..{spec.Pages - 1}");
        }
        Check(ShmUsers is not null && ShmUsers.Count <= MaxUsers, "shmUsers", $"must list at most {MaxUsers} users");
        for (int u = 0; u < (ShmUsers?.Count ?? 0); u++)
        {
            var ops = ShmUsers![u];
            Check(ops is { Count: <= MaxOps }, $"shmUsers[{u}]", $"must list at most {MaxOps} operations");
            for (int o = 0; o < (ops?.Count ?? 0); o++)
                ValidateOp(ops![o], $"shmUsers[{u}][{o}]", errors);
        }
        Check(SwapCtl is not null && SwapCtl.Count <= MaxOps, "swapCtl", $"must list at most {MaxOps} operations");
        Check(SwapCtl is null || SwapCtl.All(Enum.IsDefined), "swapCtl", "must hold only \"off\" and \"on\"");
        return errors;
    }

    private static void ValidateOp(ShmOp op, string field, List<string> errors)
    {
        void Check(bool ok, string what) { if (!ok) errors.Add($"paging.{field}: {what}"); }
        switch (op)
        {
            case ShmGet g: Check(g.Key is >= 1 and <= MaxKey && g.Pages is >= 1 and <= MaxPages, $"shmget needs key 1..{MaxKey} and pages 1..{MaxPages}"); break;
            case ShmAt a: Check(a.Key is >= 1 and <= MaxKey, $"key must be 1..{MaxKey}"); break;
            case ShmTouch t: Check(t.Key is >= 1 and <= MaxKey && t.Page is >= 0 and < MaxPages, $"touch needs key 1..{MaxKey} and page 0..{MaxPages - 1}"); break;
            case ShmDt d: Check(d.Key is >= 1 and <= MaxKey, $"key must be 1..{MaxKey}"); break;
            case ShmRmid r: Check(r.Key is >= 1 and <= MaxKey, $"key must be 1..{MaxKey}"); break;
            default: errors.Add($"paging.{field}: missing or unknown operation"); break;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"swap {SwapSlots}, freetarg {FreeTarg}"
        + string.Concat(AnonProcesses.Select((p, i) => $"; anon {i + 1} ({p.Pages}p): {string.Join(" ", p.Touches)}"))
        + string.Concat(ShmUsers.Select((ops, i) => $"; shm {i + 1}: {string.Join(" ", ops)}"))
        + (SwapCtl.Count > 0 ? $"; swapctl: {string.Join(" ", SwapCtl.Select(o => o == SwapCtlOp.Off ? "-d" : "-a"))}" : "");
}

/// <summary>A process with <paramref name="Pages"/> pages of private anonymous memory and the touches it makes.</summary>
public sealed record AnonProcessSpec(int Pages, IReadOnlyList<AnonTouch> Touches);
