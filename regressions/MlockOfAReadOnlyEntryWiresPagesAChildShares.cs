using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// wire-fault-uses-entry-protection: before VM_FAULT_WIREMAX, a wiring fault broke copy-on-write
/// only if the entry's protection allowed writing. uvm_fault.c 1.47 (2000): <c>wired =
/// VM_MAPENT_ISWIRED(ufi.entry) || (fault_type == VM_FAULT_WIRE); if (wired) access_type =
/// enter_prot;</c> and case 1B only <c>if ((access_type &amp; VM_PROT_WRITE) != 0 &amp;&amp;
/// anon-&gt;an_ref &gt; 1)</c>; uvm_map_pageable() passed the entry's protection. uvm_fault.c 1.113
/// (2006) faults with max_protection (<c>check_prot = fault_flag == UVM_FAULT_WIREMAX ?
/// ufi.entry-&gt;max_protection : ufi.entry-&gt;protection; ... cow_now = (check_prot &amp;
/// VM_PROT_WRITE) != 0;</c>), and NetBSD's machmem.c 1.1 (2004-05) already passes
/// VM_FAULT_WIREMAX: the default kernel runs it. The revision of the change was not found.
///
/// Setup (scenario cow-wire): a process writes 2 pages and forks (its child shares the anons),
/// mprotect(PROT_READ)s and mlock()s its entry, gives writing back and writes page 0.
///
/// Interleaving: none is needed beyond the child not writing page 0 first: the wiring fault maps
/// and wires the shared page read-only; the later write faults on the wired entry, copies the anon
/// (case 1B) into a new page entered PMAP_WIRED but only activated, and the old page keeps a
/// wiring nothing maps wired (munlock() would then uvm_pageunwire() the new page at wire_count 0).
///
/// Violated: WireCountEqualsWiredMappings, a counting rule of wiring (a page's wire_count counts
/// the wired mappings of it), at the write's fault; no invariant of this bug's own.
/// </summary>
public sealed class MlockOfAReadOnlyEntryWiresPagesAChildShares
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// wire-fault-uses-entry-protection --seed S [--engine coyote]</c>): in-process 1, 2, 1, 1, 1, 1, 1, 1, 1, 3; Coyote 1, 2, 2, 2, 2, 2, 1, 1, 1, 2 (worst 3; session 34).
    /// </summary>
    private const int Budget = 50;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["wire-fault-uses-entry-protection"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void WriteAfterMlockCopiesIntoAnUnwiredPageMappedWired(EngineKind engine)
    {
        Search.AssertFound("cow-wire", KernelOfTheText, Budget, "invariant WireCountEqualsWiredMappings", engine, cx =>
        {
            Assert.Contains("wire_count is 0 but 1 wired mapping(s) map it", cx.Violation.Message);
            Assert.Contains("case 1B", cx.Violation.Message);
        });
    }

    /// <summary>The wiring fault with max_protection (VM_FAULT_WIREMAX) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void WiringWithMaxProtectionSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("cow-wire", Budget, engine);
    }
}
