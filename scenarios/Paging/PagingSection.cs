using Uvm.Model;
using Uvm.Model.Vm;
using static Uvm.Scenarios.ListShrinks;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>paging</c> section (<see cref="PagingWorkload"/>): swap, the pagedaemon's targets, the
/// anon and shm processes and swapctl (<see cref="PagingBuilder"/>).
/// </summary>
public sealed class PagingSection : WorkloadSection<PagingWorkload>
{
    /// <inheritdoc/>
    public override string Name => "paging";

    /// <inheritdoc/>
    public override IReadOnlyList<Scenario> Scenarios => [PagedaemonScenario.Scenario, ShmSwapScenario.Scenario, AnonSwapOffScenario.Scenario, ShmPagingScenario.Scenario, AnonMunmapScenario.Scenario];

    /// <inheritdoc/>
    protected override void Validate(PagingWorkload pg, Workload workload, Problems problems)
    {
        const int MaxPages = PagingWorkload.MaxPages, MaxUsers = PagingWorkload.MaxUsers, MaxOps = PagingWorkload.MaxOps;
        problems.Check(pg.SwapSlots is >= 0 and <= PagingWorkload.MaxSlots, "swapSlots", $"must be 0..{PagingWorkload.MaxSlots}, is {pg.SwapSlots}");
        problems.Check(pg.FreeTarg is >= 1 and <= MaxPages, "freeTarg", $"must be 1..{MaxPages}, is {pg.FreeTarg}");
        problems.Check(pg.FreeMin >= 0 && pg.FreeMin <= pg.FreeTarg, "freeMin", $"must be 0..freeTarg ({pg.FreeTarg}), is {pg.FreeMin}");
        // uvm_scheduler() swaps an LWP in only while free > atop(USPACE), and the pagedaemon stops
        // freeing once free reaches freetarg and the inactive queue its target: with freetarg at or
        // below a u-area, proc0 waits for memory for ever with the pagedaemon satisfied. The
        // kernel's uvmpd_tune() (uvm_pdaemon.c) keeps freetarg above that: freemin is at least
        // 16 KB and freetarg 4/3 of it, 5 pages of 4 KB against the model's 2-page u-area.
        problems.Check(workload.Processes.Count == 0 || pg.FreeTarg > Uvmexp.UspacePages, "freeTarg",
            $"must exceed a u-area's {Uvmexp.UspacePages} pages when the workload has LWPs (proc0 swaps in only above that), is {pg.FreeTarg}");
        problems.Check(pg.AnonProcesses is not null && pg.AnonProcesses.Count <= MaxUsers, "anonProcesses", $"must list at most {MaxUsers} processes");
        for (int p = 0; p < (pg.AnonProcesses?.Count ?? 0); p++)
        {
            var spec = pg.AnonProcesses![p];
            var process = problems.At($"anonProcesses[{p}]");
            if (spec?.Touches is null) { process.Add("", "missing touches"); continue; }
            process.Check(spec.Pages is >= 1 and <= MaxPages, "pages", $"must be 1..{MaxPages}, is {spec.Pages}");
            process.Check(spec.Touches.Count <= MaxOps, "touches", $"must list at most {MaxOps} touches");
            process.Check(spec.MunmapLwpAfter is null or >= 0, "munmapLwpAfter", $"must be null or at least 0, is {spec.MunmapLwpAfter}");
            for (int t = 0; t < spec.Touches.Count; t++)
                process.Check(spec.Touches[t] is { } touch && touch.Page >= 0 && touch.Page < spec.Pages, $"touches[{t}].page", $"must be 0..{spec.Pages - 1}");
        }
        problems.Check(pg.ShmUsers is not null && pg.ShmUsers.Count <= MaxUsers, "shmUsers", $"must list at most {MaxUsers} users");
        for (int u = 0; u < (pg.ShmUsers?.Count ?? 0); u++)
        {
            var ops = pg.ShmUsers![u];
            problems.Check(ops is { Count: <= MaxOps }, $"shmUsers[{u}]", $"must list at most {MaxOps} operations");
            for (int o = 0; o < (ops?.Count ?? 0); o++)
                ValidateOp(ops![o], problems.At($"shmUsers[{u}][{o}]"));
        }
        problems.Check(pg.SwapCtl is not null && pg.SwapCtl.Count <= MaxOps, "swapCtl", $"must list at most {MaxOps} operations");
        problems.Check(pg.SwapCtl is null || pg.SwapCtl.All(Enum.IsDefined), "swapCtl", "must hold only \"off\" and \"on\"");
    }

    /// <summary>Fewer anon processes, shm users, swapctl cycles, and fewer operations of each.</summary>
    protected override IEnumerable<PagingWorkload> Shrink(PagingWorkload pg)
    {
        for (int i = 0; i < pg.AnonProcesses.Count; i++)
            if (pg.AnonProcesses[i].MunmapLwpAfter is not null)
                yield return pg with { AnonProcesses = [.. pg.AnonProcesses.Select((a, j) => j == i ? a with { MunmapLwpAfter = null } : a)] };
        foreach (var anon in Removals(pg.AnonProcesses, a => a.Touches, (a, t) => a with { Touches = t }))
            yield return pg with { AnonProcesses = anon };
        foreach (var users in Removals(pg.ShmUsers, u => u, (_, ops) => ops))
            yield return pg with { ShmUsers = users };
        for (int i = 0; i < pg.SwapCtl.Count; i++)
            yield return pg with { SwapCtl = Without(pg.SwapCtl, i) };
    }

    /// <inheritdoc/>
    protected override int Size(PagingWorkload pg) =>
        pg.AnonProcesses.Sum(a => 1 + a.Touches.Count + (a.MunmapLwpAfter is null ? 0 : 1)) + pg.ShmUsers.Sum(u => 1 + u.Count) + pg.SwapCtl.Count;

    /// <inheritdoc/>
    protected override string Summary(PagingWorkload pg) => $"paging: {pg}";

    /// <inheritdoc/>
    protected override void Start(Kernel k, PagingWorkload pg) => PagingBuilder.Build(k, pg);

    private static void ValidateOp(ShmOp op, Problems at)
    {
        const int MaxKey = PagingWorkload.MaxKey, MaxPages = PagingWorkload.MaxPages;
        switch (op)
        {
            case ShmGet g: at.Check(g.Key is >= 1 and <= MaxKey && g.Pages is >= 1 and <= MaxPages, "", $"shmget needs key 1..{MaxKey} and pages 1..{MaxPages}"); break;
            case ShmAt a: at.Check(a.Key is >= 1 and <= MaxKey, "", $"key must be 1..{MaxKey}"); break;
            case ShmTouch t: at.Check(t.Key is >= 1 and <= MaxKey && t.Page is >= 0 and < MaxPages, "", $"touch needs key 1..{MaxKey} and page 0..{MaxPages - 1}"); break;
            case ShmDt d: at.Check(d.Key is >= 1 and <= MaxKey, "", $"key must be 1..{MaxKey}"); break;
            case ShmRmid r: at.Check(r.Key is >= 1 and <= MaxKey, "", $"key must be 1..{MaxKey}"); break;
            default: at.Add("", "missing or unknown operation"); break;
        }
    }
}
