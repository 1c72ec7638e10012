using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The loan scenario: a process writes its buffer and sends it on a socket twice (each send loans
/// the pages to the kernel, transmits, and unloans), while another process writes more anonymous
/// memory than is free, so that the pagedaemon scans the queues and pages out during the sends.
/// Exercises loans to the kernel against the pagedaemon (switch loan-kernel-page-queued).
/// </summary>
public static class LoanScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "loan",
        "4 free pages, 4 swap slots; a process sends its 2 written pages on a socket twice (loan to kernel, transmit, unloan) while another writes 3 pages and the pagedaemon pages out.",
        ["vm", "swap", "loan"],
        Default,
        () => MemoryReserves.Drawn(Generate()));

    /// <summary>
    /// loan-mapped: the loan scenario with a lender that has pmaps (LoanClientSpec.Mapped), so its
    /// stores go through the mappings its faults entered, and only a loan's pmap_page_protect(pg,
    /// VM_PROT_READ) (uvm_loan.c) makes the next one fault and break the loan rather than write the
    /// lent page in place. The lender sends both pages, writes one, lends the other to an anon and
    /// writes it while the anon still borrows it. Generated workloads are loan's, their lender mapped.
    /// </summary>
    public static Scenario Mapped { get; } = new(
        "loan-mapped",
        "loan's workload with a lender that has pmaps: sends, a loan to an anon and writes through the mappings its faults entered, while another process pages out.",
        ["vm", "swap", "loan"],
        MappedDefault,
        () => MemoryReserves.Drawn(from w in Generate() select WithMappedLenders(w)));

    /// <summary>The default of <see cref="Mapped"/>.</summary>
    public static Workload MappedDefault() => WithMappedLenders(Default() with
    {
        Sections =
        [
            Default().Section<PagingWorkload>()!,
            new LoanWorkload { Clients = [new(2, [W(0), W(1), new LoanSend(0, 2), W(1), new LoanToAnons(0, 1), W(0), new LoanSendQueued(1, 1)])] },
        ],
    });

    /// <summary><paramref name="w"/> with every lender mapped.</summary>
    private static Workload WithMappedLenders(Workload w) =>
        w.With(w.Section<LoanWorkload>()! with { Clients = [.. w.Section<LoanWorkload>()!.Clients.Select(c => c with { Mapped = true })] });

    /// <summary>The default workload: 5 anon pages in 4 pages of memory, two sends of two loaned pages.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1,
        Seconds = 0,
        SwapoutScans = 0,
        FreePages = 4,
        Sections =
        [
            new PagingWorkload
            {
                SwapSlots = 4,
                FreeMin = 1,
                FreeTarg = 2,
                AnonProcesses = [new(3, [new(0, true), new(1, true), new(2, true), new(0, true)])],
            },
            new LoanWorkload
            {
                Clients = [new(2, [W(0), W(1), new LoanSend(0, 2), W(1), new LoanSend(0, 2), new LoanSendQueued(1, 1)])],
            },
        ],
    };

    /// <summary>
    /// One loaning process of 1-3 pages (writes, sends, loans to anons, reads), in one workload of
    /// two followed by the 1-2 pages of a SysV shm segment it creates, whose pages it loans
    /// through uvm_loanuobj() (to the kernel, O->K, and to anons, O->A); beside 1-2 anon processes,
    /// 3-6 free pages and enough swap for everything, so the pagedaemon always has somewhere to put
    /// a dirty page, plus a page for each one the lender pins (a queued send's kernel loan, the
    /// zero page an anon borrows): without them a lender whose own fault waits for a page while
    /// it pins the rest deadlocks the kernel on memory (a generated workload of seed 0, session 33's
    /// review; the model's interface never transmits while its sender is blocked).
    /// </summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from free in Gen.Choose(3, 6)
        from pages in Gen.Choose(1, 3)
        from shmPages in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
        from groups in Gen.ListOf(GenOps(pages + shmPages), 6)
        let ops = groups.SelectMany(g => g).ToList()
        from n in Gen.Choose(1, 2)
        from procs in Gen.ListOf(
            from p in Gen.Choose(1, 3)
            from touches in Gen.ListOf(from page in Gen.Choose(0, p - 1) select new AnonTouch(page, true), 4)
            select new AnonProcessSpec(p, [.. touches]), n)
        // Pages nothing can reclaim while the lender runs: one per send left queued (its mbuf's loan
        // to the kernel lasts until the lender exits) and the zero page while an anon borrows it.
        let pinned = ops.Count(o => o is LoanSendQueued) + (ops.Any(o => o is LoanToAnons) ? 1 : 0)
        select new Workload
        {
            Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = free + pinned,
            Sections =
            [
                new PagingWorkload { SwapSlots = pages + shmPages + procs.Sum(p => p.Pages) + 1, FreeMin = 1, FreeTarg = 2, AnonProcesses = [.. procs] },
                new LoanWorkload { Clients = [new(pages, [.. ops]) { ShmKey = shmPages > 0 ? 1 : 0, ShmPages = shmPages }] },
            ],
        };

    /// <summary>
    /// One operation, or a loan to anons that one time in two lends a page just written (an anon,
    /// not the zero page) and writes it again while the receiver still holds it: the write breaks
    /// the loan (uvm_fault() case 1B copies the shared anon), a path a hunt's plants lived on that
    /// six independent draws rarely reach.
    /// </summary>
    private static FsCheck.Gen<IReadOnlyList<LoanOp>> GenOps(int pages) =>
        from page in Gen.Choose(0, pages - 1)
        from kind in Gen.Choose(0, 5)
        from writeLent in Gen.Choose(0, 1)
        select kind switch
        {
            0 or 1 => (IReadOnlyList<LoanOp>)[new LoanTouch(page, Write: true)],
            2 => [new LoanTouch(page, Write: false)],
            3 => [new LoanSend(page, 1)],
            4 => [new LoanSendQueued(page, 1)],
            _ => writeLent == 1 ? [W(page), new LoanToAnons(page, 1), W(page)] : [new LoanToAnons(page, 1)],
        };

    /// <summary>A write of page <paramref name="page"/> of a loaning process.</summary>
    internal static LoanTouch W(int page) => new(page, Write: true);
}
