using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// shmat-counts-after-uvm-map, found by this checker once ShmNattchCountsAttachments also asked
/// that a segment shm_deallocate_segment() freed be attached by nobody (session 34's mutation
/// hunt planted an IPC_RMID off-by-one that deallocated an attached segment, and no rule saw it).
/// sys_shmat() of 2002-04 (the order of sysv_shm.c 1.49, 1998) finds the segment,
/// <c>uao_reference()</c>s its aobj, calls <c>uvm_map()</c>, which may sleep, and only then records
/// the attach (<c>shmmap_s-&gt;shmid = ...; shmseg-&gt;shm_nattch++</c>). The shm_lock rework (read
/// in 1.128 of 2015) counts it under shm_lock before uvm_map(); the default kernel does.
///
/// Setup (scenario shm-paging): processes shmget(), shmat() and touch shm segments and one
/// shmctl(IPC_RMID)s a segment, while another process fills memory.
///
/// Interleaving: a shmat() references the aobj and may sleep in uvm_map(); IPC_RMID of the same
/// segment sees shm_nattch 0 and frees it; shmat() resumes and attaches the freed segment.
///
/// Violated: ShmNattchCountsAttachments (a freed segment still attached), the accounting
/// detector's count of attachments; nothing of this bug's own.
/// </summary>
public sealed class ShmatAttachesASegmentIpcRmidFreed
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run -s
    /// shm-paging --bug shmat-counts-after-uvm-map --seed S [--engine coyote]</c>): in-process 45,
    /// 117, 15, 54, 107, 62, 25, 208, 23, 41; Coyote 172, 215, 31, 110, 39, 19, 113, 162, 24, 30 (worst 215).
    /// </summary>
    private const int Budget = 500;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["shmat-counts-after-uvm-map"]);

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void IpcRmidFreesTheSegmentAShmatIsAttaching(EngineKind engine)
    {
        Search.AssertFound("shm-paging", KernelOfTheText, Budget, "invariant ShmNattchCountsAttachments", engine, cx =>
        {
            Assert.Contains("was freed by shm_deallocate_segment() while", cx.Violation.Message);
            Assert.EndsWith("shmat: uvm_map, shm_nattch++.", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s shm-paging --bug shmat-counts-after-uvm-map
    /// --seed 3000009</c> (schedule 54, co-shrunk: workload size 22 -> 6, steps 61 -> 10): shm1
    /// creates the segment (steps 0-1) and its shmat() references the aobj and leaves the big lock
    /// in uvm_map() (3); shm2's IPC_RMID finds shm_nattch 0 and frees the segment (7); shm1's
    /// shmat() records its attach of the freed segment (9). It prints:
    /// <code>
    /// BUG FOUND in schedule 54: [invariant ShmNattchCountsAttachments] ... Violated: shm key 1 (aobj 1) was freed by shm_deallocate_segment() while shm1 still has it attached. After shm1: shmat: uvm_map, shm_nattch++.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("shm-paging-shmat-counts-after-uvm-map-ShmNattchCountsAttachments-seed3000009.json", "invariant ShmNattchCountsAttachments", replay =>
        {
            Assert.Contains(replay.Steps, s => s.Function == "shmctl(IPC_RMID) → shm_deallocate_segment");
            Assert.Equal("shmat: uvm_map, shm_nattch++", replay.Steps[^1].Function);
        });
    }

    /// <summary>The default kernel (the attach counted before uvm_map()) survives the same search in both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void CountingBeforeUvmMapSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("shm-paging", Budget, engine);
    }
}
