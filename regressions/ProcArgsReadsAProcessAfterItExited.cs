using Uvm.Model;
using Uvm.Scenarios;
using Xunit;

namespace Uvm.Regressions;

/// <summary>
/// procargs-rereads-proc: sysctl KERN_PROC_ARGS of 2003-04 against the exit of the process it
/// reads (docs/fidelity.md, "Found by the checker"). sysctl_procargs() (kern_sysctl.c 1.95; the
/// same lines in init_sysctl.c 1.47 of 2005 and darwin_sysctl.c 1.24 of 2004) finds the process
/// with pfind(), which holds proclist_lock only inside itself, tests P_WEXIT and does
/// <c>p-&gt;p_vmspace-&gt;vm_refcnt++</c>, then keeps only <c>p</c>: after malloc(M_WAITOK) and each
/// uvm_io() it reads <c>p-&gt;p_vmspace</c> again, and it ends with
/// <c>uvmspace_free(p-&gt;p_vmspace)</c>. init_sysctl.c 1.96.2.2 (2007-03-09) saves the vmspace and
/// takes its reference under proclist_lock; the default kernel runs that.
///
/// Setup (scenario proc-args): pid 2 forks pid 4, which execs, and waits for it; pid 3 reads pid 4's
/// arguments twice, on the other CPU.
///
/// Interleaving: the reader takes its reference while pid 4 runs and drops the big lock where
/// malloc() or uvm_io() may sleep; pid 4 exits (the 2004 exit1() points p_vmspace at vmspace0 and
/// drops its own reference) and its parent's wait4() frees it. The reader then reads the freed
/// struct proc (use after free); or, before the free, it reads vmspace0 and drops one of
/// vmspace0's references, leaving pid 4's old vmspace with a reference nobody holds; or pid 4's exec
/// found its vmspace shared with the reader, gave pid 4 a new one, and the reader drops that one's
/// only reference.
///
/// Violated: the generic use-after-free detector, or the recount VmspaceRefCountMatchesItsReferences
/// (vm_refcnt against the process in the vmspace, the outside readers and vmspace0's fixed
/// references), whichever the schedule meets first; no invariant of its own.
/// </summary>
public sealed class ProcArgsReadsAProcessAfterItExited
{
    /// <summary>
    /// Iterations per seed over the ten seeds of <see cref="Search.Seeds"/> (<c>uvmcheck run --bug
    /// procargs-rereads-proc --seed S [--engine coyote]</c>): in-process 1, 2, 2, 1, 1, 1, 1, 2, 1, 1;
    /// Coyote 1, 1, 1, 1, 1, 1, 2, 3, 1, 1 (worst 3).
    /// </summary>
    private const int Budget = 50;

    private static readonly KernelConfig KernelOfTheText = Switches.Configure(["procargs-rereads-proc"]);

    private static readonly string[] Symptoms = ["detector UseAfterFree", "invariant VmspaceRefCountMatchesItsReferences"];

    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void TheReaderUsesWhatTheExitLeft(EngineKind engine)
    {
        Search.AssertFound("proc-args", KernelOfTheText, Budget, Symptoms, engine, cx =>
        {
            if (cx.Violation.Id == Symptoms[0]) Assert.Contains("pid 4 freed by", cx.Violation.Message);
            else Assert.Contains("vmspace of", cx.Violation.Message);
        });
    }

    /// <summary>
    /// The pinned schedule, found by <c>uvmcheck run -s proc-args --bug procargs-rereads-proc</c>
    /// (seed 0, schedule 1, co-shrunk: workload size 15 -> 9, steps 51 -> 38; re-pinned in session
    /// 28, when exit1()'s pool_get() of the rusage became a point where it may block, which moved
    /// every exit schedule; the use after free of the earlier pin is the other symptom above): the
    /// reader takes a reference on pid 4's vmspace at step 18 and may block in malloc and the first
    /// uvm_io (19-20); pid 4 execs (31-34: uvmspace_exec() finds the vmspace shared and gives pid 4
    /// a new one); the reader's uvmspace_free(p->p_vmspace) at step 37 reads p_vmspace again and
    /// drops the new vmspace's reference, so the old one keeps a count nobody holds:
    /// <code>
    /// BUG FOUND in schedule 1: [invariant VmspaceRefCountMatchesItsReferences] ... vmspace of pid 4
    /// has vm_refcnt 1 but 0 reference(s): 0 process(es), 0 reader(s). After cpu0: sysctl_procargs: uvmspace_free.
    /// </code>
    /// </summary>
    [Fact]
    public void PinnedScheduleReplaysToTheSameViolation()
    {
        Search.AssertReplays("proc-args-procargs-rereads-proc-VmspaceRefCountMatchesItsReferences-seed0.json", "invariant VmspaceRefCountMatchesItsReferences");
    }

    /// <summary>The default sysctl_procargs() (the saved vmspace) survives the same search, under both engines.</summary>
    [Theory]
    [MemberData(nameof(Search.Engines), MemberType = typeof(Search))]
    public void SavedVmspaceSurvivesTheSearch(EngineKind engine)
    {
        Search.AssertClean("proc-args", Budget, engine);
    }
}
