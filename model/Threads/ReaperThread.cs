using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Exit;

namespace Uvm.Model.Threads;

/// <summary>
/// The reaper kernel thread of the pre-2004 exit design (kern_exit.c rev 1.121, reaper()): under
/// deadproc_slock take a dead LWP, else a dead process, else sleep on &amp;deadprocs; free it from
/// this thread's context, where sleeping is allowed (<see cref="ReaperExit.ReapLwp"/>,
/// <see cref="ReaperExit.ReapProc"/>). Runs forever; an iteration ends with it asleep.
/// </summary>
public sealed class ReaperThread(Kernel kernel) : Kthread(kernel, "reaper")
{
    /// <inheritdoc/>
    /// <remarks>reaper(): tsleep(&amp;deadproc, ...) while nothing is left to reap.</remarks>
    public override bool IdlesOn(WaitChannel channel) =>
        channel == ProcLists.Deadprocs && Kernel.ProcLists.DeadProcs.Count == 0 && Kernel.ProcLists.DeadLwps.Count == 0;

    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        var lists = Kernel.ProcLists;
        while (true)
        {
            lists.DeadprocLock.Acquire(this);
            var l = lists.TakeDeadLwp();
            var p = l is null ? lists.TakeDeadProc() : null;
            lists.DeadprocLock.Release(this);
            if (l is not null)
                foreach (var s in ReaperExit.ReapLwp(Kernel, this, l)) yield return s;
            else if (p is not null)
                foreach (var s in ReaperExit.ReapProc(Kernel, this, p)) yield return s;
            else
                yield return Step.Sleep("reaper", ProcLists.Deadprocs);
        }
    }
}
