using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The loan-share scenario: two processes each lend a page they never touched to an anon
/// (uvm_loan with UVM_LOAN_TOANON), so both go to uvm_loanzero() and share the zero page's anon
/// through pg-&gt;uanon, then give it back (uvm_unloananon) and lend it again. Exercises the last
/// reference of a shared loan anon against a new borrower (switch loan-shares-dying-anon). Random
/// workloads are loan-zero's.
/// </summary>
public static class LoanShareScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "loan-share",
        "3 free pages, 6 swap slots; two processes lend a never-touched page to an anon (both share the zero page's anon), give it back and lend it again.",
        ["vm", "swap", "loan"],
        Default,
        () => MemoryReserves.Drawn(LoanZeroScenario.Generate()));

    /// <summary>The default workload: two lenders of the zero page, two rounds each. About 20 steps a schedule.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1,
        Seconds = 0,
        SwapoutScans = 0,
        FreePages = 3,
        Sections =
        [
            new PagingWorkload { SwapSlots = 6, FreeMin = 1, FreeTarg = 2 },
            new LoanWorkload { Clients = [Lender(), Lender()] },
        ],
    };

    /// <summary>A process of one never-touched page that lends it to an anon and gives it back, twice.</summary>
    private static LoanClientSpec Lender() =>
        new(1, [new LoanToAnons(0, 1), new UnloanAnons(), new LoanToAnons(0, 1), new UnloanAnons()]);
}
