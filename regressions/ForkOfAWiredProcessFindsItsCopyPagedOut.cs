using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// cow-now-panics-on-copied-anon: amap_cow_now() of uvm_amap.c 1.22 (1999) restarts its loop from
/// the first slot after a sleep and tests the page first: <c>pg = anon-&gt;u.an_page; if (pg ==
/// NULL) panic("amap_cow_now: non-resident wired page in anon %p", anon); if (anon-&gt;an_ref &gt; 1
/// &amp;&amp; pg-&gt;loan_count == 0) { ... if (nanon == NULL || npg == NULL) { ... uvm_wait("cownowpage");
/// goto ReStart; } ... uvm_pageactivate(npg); }</c>. uvm_amap.c 1.82.16.2 (2007) skips an anon with
/// one reference first: "If the anon has only one ref, we must have already copied it. This can
/// happen if we needed to sleep waiting for memory in a previous run through this loop. The new
/// page might even have been paged out, since the new page is not wired." The default kernel runs
/// that. The change is uvm_amap.c 1.66 (chs, 2005; PR kern/25392, port-sparc/30257, kern/31924),
/// from its pull-ups in doc/CHANGES-2.0.4 (ticket #10230) and CHANGES-3.0 (#939), read by a
/// helper of session 37: the 2003-04 kernel had the earlier test.
///
/// Setup (scenario cow-wire): a process mlock()s its 2 pages (copying them from a first child) and
/// forks again while another process fills memory.
///
/// Interleaving: uvmspace_fork() of the wired entry: amap_cow_now() copies the first anon the new
/// child shares, finds no free page for the second and sleeps in uvm_wait("cownowpage"); the
/// pagedaemon pages out the child's new page (active, not wired); amap_cow_now() restarts and finds
/// the copied anon's page gone.
///
/// Violated: the kernel's own panic in the text of the time; the default's KASSERT(pg != NULL)
/// holds because it is reached only for a parent's (wired) anon.
/// </summary>
public sealed class ForkOfAWiredProcessFindsItsCopyPagedOut
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// cow-now-panics-on-copied-anon --seed S [--engine coyote]</c>): in-process 7, 11, 33, 47, 41, 7, 6, 41, 19, 65; Coyote 37, 84, 30, 130, 15, 13, 34, 227, 11, 38 (worst 227; session 34, once a failed user fault ended its process and the second LWP gave writing back).
    /// </summary>
    private const int Budget = 300;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["cow-now-panics-on-copied-anon"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void AmapCowNowPanicsOnAPagedOutCopy(EngineKind engine)
    {
        Search.AssertFound("cow-wire", KernelOfTheText, Budget, "panic amap_cow_now", engine, cx =>
        {
            Assert.Contains("non-resident wired page", cx.Violation.Message);
        });
    }

    /// <summary>Skipping an anon with one reference survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void SkippingCopiedAnonsSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("cow-wire", Budget, engine);
    }
}
