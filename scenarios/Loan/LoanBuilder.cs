using Uvm.Model;
using Uvm.Model.Threads;

namespace Uvm.Scenarios;

/// <summary>Adds the loan section of a workload to a kernel whose paging section is built.</summary>
public static class LoanBuilder
{
    /// <summary>One <see cref="LoanClient"/> per client, named loan1, loan2, ...</summary>
    public static void Build(Kernel k, LoanWorkload loans)
    {
        for (int i = 0; i < loans.Clients.Count; i++)
        {
            var c = loans.Clients[i];
            _ = new LoanClient(k, $"loan{i + 1}", c.Pages, c.ShmKey, c.ShmPages, c.Ops, c.Mapped);
        }
    }
}
