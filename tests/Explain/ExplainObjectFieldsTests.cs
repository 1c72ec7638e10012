using Uvm.Scenarios;
using Uvm.Scenarios.Explain;
using Xunit;

namespace Uvm.Tests.Explain;

/// <summary>
/// Issue 22, "Explain shows the cause": the state diff shows the fields of the objects inside the
/// view's groups (each page's queue, flags, wire and loan counts and owner; each anon's an_ref,
/// page and slot; each aobj's slots), not only their labels in lists, next to the uvmexp counters.
/// Explains the committed counterexample of the loan-kernel-page-queued bug: the pagedaemon
/// deactivates the loaned page (uvmpd_scan: active → inactive), then pages it out
/// (uvmpd_scan_inactive: uvmexp.paging goes up).
/// </summary>
public sealed class ExplainObjectFieldsTests
{
    private const string File = "loan-loan-kernel-page-queued-PagedaemonNeverReclaimsAPageLoanedToTheKernel-seed0.json";

    private static Explanation Explain()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Checker.sln")))
                return Explanation.Of(CounterexampleFile.Read(Path.Combine(dir.FullName, "regressions", "schedules", File)));
        throw new InvalidOperationException("Checker.sln not found above the test binaries");
    }

    /// <summary>The page the violation names ("page 1"), read from its message.</summary>
    private static string PageOf(Explanation e) => System.Text.RegularExpressions.Regex.Match(e.Violation!.Message, @"page \d+").Value;

    [Fact]
    public void AStepThatMovesAPageBetweenQueuesShowsItsQueueChange()
    {
        var e = Explain();
        var page = PageOf(e);
        var moves = e.Steps.Where(s => s.Diff.Changes.Any(c => c.Label == page && c.Fact == "Queue" && c.Before is not null)).ToList();

        Assert.Contains(moves, s => s.Diff.Changes.Any(c => c.Label == page && c.Fact == "Queue" && c.Before == "Active" && c.After == "Inactive"));
        foreach (var s in moves)
        {
            var change = s.Diff.Changes.Single(c => c.Label == page && c.Fact == "Queue");
            var before = s.Index == 0 ? e.Boot : e.Steps[s.Index - 1].After;
            Assert.Equal(change.Before, before.Entities.FirstOrDefault(x => x.Label == page)?["Queue"]);
            Assert.Contains($"{page}: Queue={change.After}", s.Diff.Compact());
        }
        Assert.Equal("None", e.Final.Entities.Single(x => x.Label == page)["Queue"]);   // paged out: off every queue
    }

    /// <summary>
    /// Under the big lock, with loan1's send holding it until it returns to user mode (issue 18),
    /// the pagedaemon's one pageout is of the page on loan to the kernel: the step that fails.
    /// </summary>
    [Fact]
    public void TheStepThatStartsThePageoutShowsUvmexpPagingGoUp()
    {
        var e = Explain();
        var paging = e.Steps.Where(s => s.Diff.Changes.Any(c => c.Label == "uvmexp" && c.Fact == "Paging")).ToList();

        var pageout = Assert.Single(paging);
        Assert.True(pageout.Violated);                                // the uvm_swap_put step is the one that failed
        Assert.Contains("Paging=1", pageout.Diff.Compact());
        Assert.Contains(pageout.Diff.Changes, c => c.Label == "swap" && c.Fact == "InUse" && c.After == "1");
    }

    [Fact]
    public void PagesAnonsAndAobjsAreDescribedFieldByField()
    {
        var e = Explain();
        var page = e.Final.Entities.Single(x => x.Label == PageOf(e));
        var anon = e.Final.Entities.Single(x => x.Label == page["OwnerAnon"]);

        Assert.Equal("Vm.Pages", page.Group);
        foreach (var field in new[] { "Queue", "Flags", "PqAnon", "WireCount", "LoanCount", "OwnerAnon", "Object", "OwnerSlot" })
            Assert.NotNull(page[field]);
        Assert.Equal("1", page["LoanCount"]);
        Assert.Equal(page.Label, anon["Page"]);
        Assert.Equal(page["OwnerSlot"], anon["SwSlot"]);
        Assert.NotNull(anon["RefCount"]);
        Assert.NotNull(e.Final.Entities.Single(x => x.Label == "kernel_object")["SwapSlots"]);
        Assert.Equal($"an_lock of {anon.Label}", anon["Lock"]);               // a lock by its name, not its type
        Assert.DoesNotContain(e.Final.Entities, x => x.Facts.Any(f => f.Value.StartsWith("Uvm.", StringComparison.Ordinal)));
    }
}
