using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// proc0 in uvm_scheduler(): swap in the runnable non-resident LWP that has waited longest; sleep
/// on &amp;proc0 when there is none (setrunnable() and uvm_meter() wake it); wait for memory when
/// there is too little for a u-area. Runs forever; an iteration ends with it asleep.
/// </summary>
public sealed class SchedulerThread(Kernel kernel) : KernelThread(kernel, "proc0")
{
    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        while (true)
        {
            var l = Swapout.PickSwapinCandidate(Kernel);
            if (l is null)
            {
                yield return Step.Sleep("uvm_scheduler", Scheduler.Proc0);
                continue;
            }
            if (Kernel.Uvmexp.Free <= Uvmexp.UspacePages)
            {
                // uvm_wait() wakes the pagedaemon; here only one that drains u-areas (approx.: the
                // paging scenarios keep proc0's uvm_wait as it was).
                if (Kernel.Uareas.PagedaemonDrains) Exit.PagedaemonWakeup.Wake(Kernel);
                yield return Step.Sleep("uvm_wait: schedpwait", Pageout.FreeMemory);
                continue;
            }
            Swapout.WireUarea(Kernel, l);
            yield return Step.Ran("uvm_fault_wire");
            Swapout.MakeResident(Kernel, this, l);
            yield return Step.Ran("uvm_swapin");
        }
    }
}
