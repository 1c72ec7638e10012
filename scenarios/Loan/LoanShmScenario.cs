using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The loan-shm scenario: a process lends the pages of its SysV shm segment to anons
/// (uvm_loan with UVM_LOAN_TOANON, so uvm_loanuobj() gives each aobj page a borrowing anon:
/// pg-&gt;uanon set while the aobj owns the page, loan_count 1, the page left on its queue), then
/// writes both shm pages again (a write fault on a page on loan breaks the
/// loan), while another process writes more anonymous memory than is free, so that the pagedaemon
/// scans pages an anon borrows from their object (switch pageout-takes-borrower-for-owner) and
/// pages a broken loan left to its anon (switch loan-break-leaves-old-page-clean).
/// Random workloads are loan's, which lend shm pages to anons one time in two.
/// </summary>
public static class LoanShmScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "loan-shm",
        "3 free pages, 9 swap slots; a process writes the first page of its 2-page shm segment and its private page, lends both shm pages to anons (object pages an anon borrows), writes both again (a write breaks the loan), while another writes 3 pages and the pagedaemon pages out.",
        ["vm", "swap", "loan"],
        Default,
        () => MemoryReserves.Drawn(LoanScenario.Generate()));

    /// <summary>
    /// The default workload: 6 pages of memory wanted in 3, two of them object pages lent to anons;
    /// the first may be paged out and read back (clean) by the loan before its write breaks the loan.
    /// </summary>
    public static Workload Default() => new()
    {
        Cpus = 1,
        Seconds = 0,
        SwapoutScans = 0,
        FreePages = 3,
        Sections =
        [
            new PagingWorkload
            {
                SwapSlots = 9,
                FreeMin = 1,
                FreeTarg = 2,
                AnonProcesses = [new(3, [new(0, true), new(1, true), new(2, true), new(0, true)])],
            },
            new LoanWorkload
            {
                Clients = [new(1, [LoanScenario.W(1), LoanScenario.W(0), new LoanToAnons(1, 2), LoanScenario.W(1), LoanScenario.W(2)]) { ShmKey = 1, ShmPages = 2 }],
            },
        ],
    };
}
