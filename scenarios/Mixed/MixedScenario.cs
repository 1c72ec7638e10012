using FsCheck.Fluent;
using Uvm.Model.Vm;

namespace Uvm.Scenarios;

/// <summary>
/// The mixed scenario: the virtual-memory paths of several scenarios in one kernel. Each other
/// scenario runs one path against the pagedaemon; a bug of the kernel may need two of them at once
/// (a swapctl -d paging in an anon a fork shares, a loan of a page the pagedaemon is writing while a
/// shm segment pages, a copy-on-write fault beside a vnode pageout). Its generator draws two or
/// three of the other scenarios' generators, each from a different path, and merges their
/// workloads (<see cref="Merge"/>), so every path keeps the shapes its own generator makes; its
/// default runs an anon writer, a shm user, swapctl -d/-a, a lender and a forking process together,
/// and fails one pageout, so that a page of any of them may be left with a slot marked bad.
/// </summary>
public static class MixedScenario
{
    /// <summary>The scenario entry.</summary>
    public static Scenario Scenario { get; } = new(
        "mixed",
        "7 free pages, 10 swap slots, the second pageout fails (EIO); an anon writer, a shm user, swapctl -d/-a, a process sending loaned pages and a process forking (copy-on-write), all at once, while the pagedaemon pages out.",
        ["sched", "exit", "vm", "swap", "cow", "loan", "vnode"],
        Default,
        () => MemoryReserves.Drawn(Generate()))
    {
        Unjudged = new Dictionary<string, string>
        {
            ["PagedaemonNeverReclaimsAPageLoanedToTheKernel"] = "swapctl -d's anon_pagein() puts a page a socket send loaned to the kernel back on the inactive queue "
                + "(uvm_anon.c 1.21.4.2: uvm_pagedeactivate() unconditionally), the kernel's behaviour, not a bug: the rule states the intent of the "
                + "2002 loan code, and PageLoanedToTheKernelIsNeverFree still judges what the kernel needs (docs/fidelity.md, open findings of the session-19 review)",
        },
    };

    /// <summary>The default workload.</summary>
    public static Workload Default() => new()
    {
        Cpus = 1, Seconds = 0, SwapoutScans = 0, FreePages = 7,
        Sections =
        [
            new PagingWorkload
            {
                SwapSlots = 10, FreeMin = 1, FreeTarg = 3,
                AnonProcesses = [new(3, [new(0, true), new(1, true), new(2, true), new(0, false)])],
                ShmUsers = [[new ShmGet(1, 2), new ShmAt(1), new ShmTouch(1, 0, true), new ShmTouch(1, 1, true), new ShmTouch(1, 0, false), new ShmDt(1), new ShmRmid(1)]],
                SwapCtl = [SwapCtlOp.Off, SwapCtlOp.On],
            },
            new LoanWorkload { Clients = [new(2, [new LoanTouch(0, true), new LoanTouch(1, true), new LoanSend(0, 2), new LoanTouch(1, true)])] },
            new CowWorkload
            {
                Processes = [new(2, [CowOps.W(0), CowOps.W(1), new(CowOpKind.Fork), CowOps.W(0), CowOps.R(1)]) { ChildOps = [CowOps.R(0), CowOps.W(1)] }],
            },
            new SwapIoWorkload { ClusterPages = 1, Errors = [new(2, PageoutError.Eio)] },
        ],
    };

    /// <summary>
    /// The paths whose generators the mixed scenario draws from, one family per kernel path: two
    /// generators of one family would make two sections of one kind.
    /// </summary>
    private static IReadOnlyList<FsCheck.Gen<Workload>[]> Families() =>
    [
        [PagedaemonScenario.Generate(), ShmSwapScenario.Generate(), AnonSwapOffScenario.Generate(), ShmPagingScenario.Generate(), AnonMunmapScenario.Generate()],
        [CowForkScenario.Generate(), CowMadviseScenario.Generate(), CowWireScenario.Generate(), RefaultScenario.Generate(), CowFileScenario.Generate(), CowPartialScenario.Generate()],
        [LoanScenario.Generate(), LoanZeroScenario.Generate()],
        [VnodePageoutScenario.Generate()],
        [SwapoutScenario.Generate(), ExitScenario.Generate(Uvm.Model.ExitDesign.Reaperless)],
    ];

    /// <summary>Two or three workloads of different paths, merged.</summary>
    public static FsCheck.Gen<Workload> Generate() =>
        from order in Gen.Shuffle(Enumerable.Range(0, Families().Count).ToArray())
        from n in Gen.Choose(2, 3)
        from a in Gen.OneOf(Families()[order[0]])
        from b in Gen.OneOf(Families()[order[1]])
        from c in Gen.OneOf(Families()[order[2]])
        select Merge(n == 2 ? [a, b] : [a, b, c]);

    /// <summary>
    /// One kernel that runs <paramref name="parts"/> together: memory and swap are the sums of
    /// theirs (each part keeps the shortage it was drawn with), the paging section's users are
    /// concatenated (part i's shm keys moved up by 3 i, so that each part keeps its own segments),
    /// swapctl runs the longest part's operations, and of every other section the first part's is
    /// kept with the lenders of every part.
    /// </summary>
    internal static Workload Merge(IReadOnlyList<Workload> parts)
    {
        var paging = parts.Select((w, i) => (Paging: w.Section<PagingWorkload>(), Shift: 3 * i)).Where(p => p.Paging is not null).ToArray();
        var sections = new List<object>();
        if (paging.Length > 0)
            sections.Add(new PagingWorkload
            {
                SwapSlots = Math.Min(PagingWorkload.MaxSlots, paging.Sum(p => p.Paging!.SwapSlots)),
                FreeMin = paging.Max(p => p.Paging!.FreeMin),
                // With LWPs, above a u-area's pages: proc0 swaps in only above that (Workload.Validate).
                FreeTarg = Math.Max(paging.Max(p => p.Paging!.FreeTarg), parts.Any(w => w.Processes.Count > 0) ? Uvm.Model.Uvmexp.UspacePages + 1 : 0),
                AnonProcesses = [.. paging.SelectMany(p => p.Paging!.AnonProcesses)],
                ShmUsers = [.. paging.SelectMany(p => p.Paging!.ShmUsers.Select(u => (IReadOnlyList<ShmOp>)[.. u.Select(op => Rekey(op, p.Shift))]))],
                SwapCtl = paging.Select(p => p.Paging!.SwapCtl).MaxBy(s => s.Count)!,
            });
        var loans = parts.Select((w, i) => (Loans: w.Section<LoanWorkload>(), Shift: 3 * i)).Where(p => p.Loans is not null).ToArray();
        if (loans.Length > 0)
            sections.Add(new LoanWorkload { Clients = [.. loans.SelectMany(p => p.Loans!.Clients.Select(c => c.ShmKey == 0 ? c : c with { ShmKey = c.ShmKey + p.Shift }))] });
        foreach (var w in parts)
            foreach (var s in w.Sections)
                if (s is not PagingWorkload and not LoanWorkload && !sections.Any(t => t.GetType() == s.GetType()))
                    sections.Add(s);
        // A workload with file users gets no injected EIO: an EIO on a file write leaves every page
        // of the buf that is not freed (the syncer's and fsync's pages, the pagedaemon's cluster
        // neighbours) clean with data its file lacks, the kernel's own behaviour ("the data in the
        // page is lost. bummer.", docs/fidelity.md, open findings), which would be the first report
        // of nearly every such run and hide the rest; vnode-sync's generator keeps it.
        // Nor into one with LWPs: a u-area page whose pageout failed cannot be read back, and
        // uvm_swapin() panics ("rewiring stack failed"), as the kernel does on a swap error under a
        // kernel stack.
        if ((sections.OfType<VnodeWorkload>().Any() || parts.Any(w => w.Processes.Count > 0))
            && sections.OfType<SwapIoWorkload>().FirstOrDefault() is { } io && io.Errors.Any(e => e.Error == PageoutError.Eio))
        {
            sections.Remove(io);
            if (io.Errors.Any(e => e.Error != PageoutError.Eio))
                sections.Add(io with { Errors = [.. io.Errors.Where(e => e.Error != PageoutError.Eio)] });
        }
        return new Workload
        {
            Cpus = parts.Max(w => w.Cpus),
            Processes = [.. parts.SelectMany(w => w.Processes)],
            ReserveKernel = parts.Max(w => w.ReserveKernel),
            ReservePagedaemon = parts.Max(w => w.ReservePagedaemon),
            Seconds = parts.Max(w => w.Seconds),
            SwapoutScans = parts.Max(w => w.SwapoutScans),
            FreePages = parts.Sum(w => w.FreePages),
            MaxSlp = parts.Max(w => w.MaxSlp),
            Sections = sections,
        };
    }

    /// <summary><paramref name="op"/> with its shm key moved up by <paramref name="shift"/>.</summary>
    private static ShmOp Rekey(ShmOp op, int shift) => op switch
    {
        ShmGet g => g with { Key = g.Key + shift },
        ShmAt a => a with { Key = a.Key + shift },
        ShmTouch t => t with { Key = t.Key + shift },
        ShmDt d => d with { Key = d.Key + shift },
        ShmRmid r => r with { Key = r.Key + shift },
        _ => op,
    };
}
