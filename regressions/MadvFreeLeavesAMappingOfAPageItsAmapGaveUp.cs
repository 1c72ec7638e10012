using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// madv-free-keeps-mapping, found by this checker (session 24; docs/fidelity.md, "Found by the
/// checker"): madvise(MADV_FREE) → uvm_map_clean(PGO_FREE) (uvm_map.c; uvm_mmap.c sys_madvise)
/// takes each anon out of the caller's unshared amap with amap_unadd() and <c>refs =
/// --anon-&gt;an_ref</c>, and calls uvm_anfree() only when refs reach 0. Nothing removes the
/// caller's pmap mapping of the page: uvm_anfree()'s pmap_page_protect() is the only removal on the
/// path. When a fork's child still references the anon, the caller keeps mapping (read-only) a
/// page its amap no longer backs. The texts read have the loop unchanged from NetBSD uvm_map.c 1.86
/// (2000) through 1.355 (2018), and OpenBSD's through 1.346 (2025); no fix was found. The default
/// kernel removes the caller's mapping first, as uvm_loan.c says of its own amap_unadd() ("we
/// should not leave the mapping of the oanon page").
///
/// Setup (scenario cow-madvise): a process writes pages 0 and 1 and forks; it writes page 0
/// (amap_copy: an amap of its own, the anons shared with the child's), calls madvise(MADV_FREE) and
/// reads page 1; the child writes page 1, calls madvise(MADV_DONTNEED) and reads page 0.
///
/// Interleaving: none is needed beyond the parent's madvise() running while the child's amap still
/// holds page 1's anon; the parent's pmap then maps page 1 to that anon's page with its amap slot
/// empty. If the child writes page 1 afterwards (an_ref 1: written in place), the parent reads
/// the child's data through the stale mapping.
///
/// Violated: the invariant PmapMapsOnlyPagesItsMappingsOwn (a pmap maps only the page of the anon
/// its amap holds at that address), stated once for every path that changes an amap.
/// </summary>
public sealed class MadvFreeLeavesAMappingOfAPageItsAmapGaveUp
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// madv-free-keeps-mapping --seed S [--engine coyote]</c>): in-process 5, 4, 3, 10, 1, 1, 4, 1, 2,
    /// 1; Coyote 1, 3, 4, 4, 7, 2, 2, 1, 3, 1 (a schedule misses it when the pagedaemon has paged
    /// page 1 out, removing its mappings, before the parent's madvise()).
    /// </summary>
    private const int Budget = 20;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["madv-free-keeps-mapping"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheCallerKeepsMappingAPageItsAmapGaveUp(EngineKind engine)
    {
        Search.AssertFound("cow-madvise", KernelOfTheText, Budget, ["invariant PmapMapsOnlyPagesItsMappingsOwn"], engine, cx =>
        {
            Assert.Contains("but its amap now holds no anon there", cx.Violation.Message);
            // Seen where the loop ends, or (since session 31 cuts the loop where it drops the last
            // reference's an_lock before uvm_anfree()) at that cut.
            Assert.Contains(cx.Steps, s => s.Function is "uvm_map_clean: PGO_FREE" or "uvm_map_clean: an_ref--, simple_unlock(an_lock)");
        });
    }

    /// <summary>The default uvm_map_clean() (the caller's mapping removed) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void RemovingTheMappingSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("cow-madvise", Budget, engine);
    }
}
