using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The loan section of a <see cref="Workload"/>: processes that loan their memory to the kernel
/// (socket sends) and to anons (<see cref="Uvm.Model.Threads.LoanClient"/>). It needs a paging
/// section: the pagedaemon, swap and the other processes live there.
/// </summary>
public sealed record LoanWorkload
{
    /// <summary>Upper bounds: larger ones explode the state space.</summary>
    public const int MaxClients = 4, MaxPages = 16, MaxOps = 32;

    /// <summary>The loaning processes.</summary>
    public IReadOnlyList<LoanClientSpec> Clients { get; init; } = [];

    /// <summary>Every problem with this section, each naming its field (prefixed <c>loans.</c>).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string field, string what) { if (!ok) errors.Add($"loans.{field}: {what}"); }
        Check(Clients is not null && Clients.Count <= MaxClients, "clients", $"must list at most {MaxClients} processes");
        for (int c = 0; c < (Clients?.Count ?? 0); c++)
        {
            var spec = Clients![c];
            var field = $"clients[{c}]";
            if (spec?.Ops is null) { errors.Add($"loans.{field}: missing ops"); continue; }
            Check(spec.Pages is >= 0 and <= MaxPages, $"{field}.pages", $"must be 0..{MaxPages}, is {spec.Pages}");
            Check(spec.ShmKey is >= 0 and <= PagingWorkload.MaxKey, $"{field}.shmKey", $"must be 0 (none) or 1..{PagingWorkload.MaxKey}, is {spec.ShmKey}");
            Check(spec.ShmKey == 0 ? spec.ShmPages == 0 : spec.ShmPages is >= 1 and <= MaxPages, $"{field}.shmPages",
                spec.ShmKey == 0 ? "must be 0 without a shmKey" : $"must be 1..{MaxPages}, is {spec.ShmPages}");
            Check(spec.Pages + spec.ShmPages >= 1, $"{field}.pages", "the process needs at least one page");
            Check(spec.Ops.Count <= MaxOps, $"{field}.ops", $"must list at most {MaxOps} operations");
            int total = spec.Pages + spec.ShmPages;
            for (int o = 0; o < spec.Ops.Count; o++)
                ValidateOp(spec.Ops[o], total, $"{field}.ops[{o}]", errors);
        }
        return errors;
    }

    private static void ValidateOp(LoanOp op, int total, string field, List<string> errors)
    {
        void Check(bool ok, string what) { if (!ok) errors.Add($"loans.{field}: {what}"); }
        switch (op)
        {
            case LoanTouch t: Check(t.Page >= 0 && t.Page < total, $"page must be 0..{total - 1}"); break;
            case LoanSend s: Check(s.Page >= 0 && s.Count >= 1 && s.Page + s.Count <= total, $"pages must lie in 0..{total - 1} and count be at least 1"); break;
            case LoanToAnons a: Check(a.Page >= 0 && a.Count >= 1 && a.Page + a.Count <= total, $"pages must lie in 0..{total - 1} and count be at least 1"); break;
            case UnloanAnons: break;
            default: errors.Add($"loans.{field}: missing or unknown operation"); break;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join("; ", Clients.Select((c, i) => $"loan {i + 1} ({c.Pages}p{(c.ShmKey > 0 ? $" + shm {c.ShmKey}:{c.ShmPages}p" : "")}): {string.Join(" ", c.Ops)}"));
}

/// <summary>
/// A loaning process: <paramref name="Pages"/> private anon pages, then (when
/// <see cref="ShmKey"/> is set) the <see cref="ShmPages"/> pages of that SysV shm segment, and its operations.
/// </summary>
public sealed record LoanClientSpec(int Pages, IReadOnlyList<LoanOp> Ops)
{
    /// <summary>The key of the shm segment the process creates or attaches at start; 0 for none.</summary>
    public int ShmKey { get; init; }

    /// <summary>The segment's size when this process creates it; its pages follow the private ones.</summary>
    public int ShmPages { get; init; }
}
