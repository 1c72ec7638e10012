using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// proc0 in uvm_scheduler() (uvm_glue.c, read against rev 1.93): under the proclist read lock pick
/// the runnable non-resident LWP that has waited longest, and drop the lock; then sleep on
/// &amp;proc0 when there is none (setrunnable() and uvm_meter() wake it), wait for memory when
/// there is too little for a u-area, or swap it in. The unlock and the tsleep are two steps, as in
/// the kernel ("XXXSMP: possible unlock/sleep race between here and the scheduler tsleep below"):
/// a wakeup(&amp;proc0) between them finds nobody asleep. Runs forever; an iteration ends with it
/// asleep.
/// </summary>
public sealed class SchedulerThread(Kernel kernel) : Kthread(kernel, "proc0")
{
    /// <inheritdoc/>
    /// <remarks>uvm_scheduler(): tsleep(&amp;proc0, ...) while no runnable LWP is swapped out.</remarks>
    public override bool IdlesOn(WaitChannel channel) => channel == Scheduler.Proc0 && Swapout.PickSwapinCandidate(Kernel) is null;

    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        while (true)
        {
            var l = Swapout.PickSwapinCandidate(Kernel);
            // The default marks the swap-in its own before the proclist lock goes, so that a PHOLD()
            // waits for it rather than swapping the LWP in too (Switches.PholdSwapinUnlocked).
            bool claimed = l is not null && !Kernel.Config.Has(Switches.PholdSwapinUnlocked);
            if (claimed && Swapout.ClaimSwapin(Kernel, this, l!) != Swapout.SwapinClaim.Mine)
            {
                // The walk's unlocked read was stale: a PHOLD() had marked the swap-in its own.
                yield return Step.Ran("uvm_scheduler: proclist_unlock_read, swap-in under way");
                continue;
            }
            yield return Step.Ran("uvm_scheduler: proclist_unlock_read");
            if (l is null)
            {
                yield return Step.Sleep("uvm_scheduler", Scheduler.Proc0);
                continue;
            }
            // uvm_glue.c: "if (uvmexp.free > atop(USPACE))" swap in, else wait; scheduler-waits-past-freetarg wants freetarg more.
            if (Kernel.Uvmexp.Free <= Uvmexp.UspacePages + (Kernel.Config.Has(Switches.SchedulerWaitsPastFreetarg) ? Kernel.Uvmexp.FreeTarg : 0))
            {
                // uvm_wait("schedpwait"): wake the pagedaemon, which frees the pages (paging the
                // swapped-out u-areas' unwired pages out among them), and sleep on &uvmexp.free.
                Exit.PagedaemonWakeup.Wake(Kernel);
                if (claimed) GiveUp(l);
                yield return Step.Sleep("uvm_wait: schedpwait", Pageout.FreeMemory);
                continue;
            }
            // scheduler-asserts-unlocked: KASSERT((l->l_flag & L_INMEM) == 0) after proclist_unlock_read(), without sched_lock.
            if (Kernel.Config.Has(Switches.SchedulerAssertsUnlocked) && l.InMemory)
                throw new KernelPanicException("uvm_scheduler", $"{l} is already L_INMEM");
            // uvm_swapin(l): uvm_fault_wire() page by page, then cpu_swapin() and the SCHED_LOCK section.
            if (Kernel.Config.Has(Switches.SwapinSetsInMemBeforeWiring))
            {
                Kernel.SchedLock.Acquire(this);
                l.InMemory = true;
                Kernel.SchedLock.Release(this);
                yield return Step.Ran("uvm_swapin: L_INMEM");
            }
            foreach (var s in UareaWiring.Wire(Kernel, () => this, l.Uarea!)) yield return s;
            Swapout.MakeResident(Kernel, this, l);
            yield return Step.Ran("uvm_swapin");
        }
    }

    /// <summary>Gives proc0's mark up before it waits for memory, waking a PHOLD() that waits for the swap-in, which then does it itself.</summary>
    private void GiveUp(Lwp l)
    {
        Kernel.SchedLock.Acquire(this);
        l.SwappingIn = false;
        Kernel.SchedLock.Release(this);
        if (!Kernel.Config.Has(Switches.Proc0GiveUpSkipsWakeup)) Tsleep.Wakeup(Kernel, this, l.SwapinChannel); // proc0-give-up-skips-wakeup
    }
}
