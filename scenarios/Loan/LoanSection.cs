using Uvm.Model;
using Uvm.Model.Vm;
using static Uvm.Scenarios.ListShrinks;

namespace Uvm.Scenarios;

/// <summary>
/// The <c>loans</c> section (<see cref="LoanWorkload"/>): processes that loan their pages to the
/// kernel and to anons (<see cref="LoanBuilder"/>). It needs the <c>paging</c> section.
/// </summary>
public sealed class LoanSection : WorkloadSection<LoanWorkload>
{
    /// <inheritdoc/>
    public override string Name => "loans";

    /// <inheritdoc/>
    public override IReadOnlyList<Scenario> Scenarios => [LoanScenario.Scenario, LoanScenario.Mapped, LoanZeroScenario.Scenario, LoanShareScenario.Scenario, LoanShmScenario.Scenario];

    /// <inheritdoc/>
    protected override void Validate(LoanWorkload loans, Workload workload, Problems problems)
    {
        const int MaxPages = LoanWorkload.MaxPages;
        problems.Check(workload.Section<PagingWorkload>() is not null, "", "needs a paging section (the pagedaemon and swap)");
        problems.Check(loans.Clients is not null && loans.Clients.Count <= LoanWorkload.MaxClients, "clients", $"must list at most {LoanWorkload.MaxClients} processes");
        for (int c = 0; c < (loans.Clients?.Count ?? 0); c++)
        {
            var spec = loans.Clients![c];
            var client = problems.At($"clients[{c}]");
            if (spec?.Ops is null) { client.Add("", "missing ops"); continue; }
            client.Check(spec.Pages is >= 0 and <= MaxPages, "pages", $"must be 0..{MaxPages}, is {spec.Pages}");
            client.Check(spec.ShmKey is >= 0 and <= PagingWorkload.MaxKey, "shmKey", $"must be 0 (none) or 1..{PagingWorkload.MaxKey}, is {spec.ShmKey}");
            client.Check(spec.ShmKey == 0 ? spec.ShmPages == 0 : spec.ShmPages is >= 1 and <= MaxPages, "shmPages",
                spec.ShmKey == 0 ? "must be 0 without a shmKey" : $"must be 1..{MaxPages}, is {spec.ShmPages}");
            client.Check(spec.Pages + spec.ShmPages >= 1, "pages", "the process needs at least one page");
            client.Check(spec.Ops.Count <= LoanWorkload.MaxOps, "ops", $"must list at most {LoanWorkload.MaxOps} operations");
            int total = spec.Pages + spec.ShmPages;
            for (int o = 0; o < spec.Ops.Count; o++)
                ValidateOp(spec.Ops[o], total, client.At($"ops[{o}]"));
        }
    }

    /// <summary>Fewer clients, fewer operations of a client, then fewer private pages of a client.</summary>
    protected override IEnumerable<LoanWorkload> Shrink(LoanWorkload loans)
    {
        foreach (var clients in Removals(loans.Clients, c => c.Ops, (c, ops) => c with { Ops = ops }))
            yield return loans with { Clients = clients };
        for (int c = 0; c < loans.Clients.Count; c++)
            if (loans.Clients[c].Pages > 0)
                yield return loans with { Clients = With(loans.Clients, c, loans.Clients[c] with { Pages = loans.Clients[c].Pages - 1 }) };
    }

    /// <inheritdoc/>
    protected override int Size(LoanWorkload loans) => loans.Clients.Sum(c => 1 + c.Ops.Count + c.Pages);

    /// <inheritdoc/>
    protected override string Summary(LoanWorkload loans) => $"loans: {loans}";

    /// <inheritdoc/>
    protected override void Start(Kernel k, LoanWorkload loans) => LoanBuilder.Build(k, loans);

    private static void ValidateOp(LoanOp op, int total, Problems at)
    {
        switch (op)
        {
            case LoanTouch t: at.Check(t.Page >= 0 && t.Page < total, "", $"page must be 0..{total - 1}"); break;
            case LoanSend s: at.Check(s.Page >= 0 && s.Count >= 1 && s.Page + s.Count <= total, "", $"pages must lie in 0..{total - 1} and count be at least 1"); break;
            case LoanSendQueued s: at.Check(s.Page >= 0 && s.Count >= 1 && s.Page + s.Count <= total, "", $"pages must lie in 0..{total - 1} and count be at least 1"); break;
            case LoanToAnons a: at.Check(a.Page >= 0 && a.Count >= 1 && a.Page + a.Count <= total, "", $"pages must lie in 0..{total - 1} and count be at least 1"); break;
            case UnloanAnons: break;
            default: at.Add("", "missing or unknown operation"); break;
        }
    }
}
