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

    /// <summary>
    /// Under <c>reaper-two-sections</c>: KERNEL_PROC_LOCK held, from the first step of an item to
    /// its KERNEL_PROC_UNLOCK. reaper() starts with KERNEL_PROC_UNLOCK(curlwp) and runs its list
    /// checks and its sleep without the big lock.
    /// </summary>
    private bool _itemLocked;

    /// <summary><c>reaper-two-sections</c>: the loop runs without the big lock, an item with it.</summary>
    private readonly bool _unlockedLoop = kernel.Config.Has(Switches.ReaperTwoSections);

    /// <inheritdoc/>
    protected internal override bool NeedsKernelLock => !_unlockedLoop || _itemLocked;

    /// <inheritdoc/>
    protected internal override bool KeepsKernelLock() => base.KeepsKernelLock() && NeedsKernelLock;

    /// <summary>KERNEL_PROC_UNLOCK(curlwp) at the end of an item: the big lock goes after this step (under <c>reaper-two-sections</c>).</summary>
    internal void KernelProcUnlock() => _itemLocked = false;

    /// <inheritdoc/>
    protected override IEnumerable<Step> Run()
    {
        var lists = Kernel.ProcLists;
        while (true)
        {
            lists.DeadprocLock.Acquire(this);
            // reaper() (kern_exit.c 1.121) empties deadlwp before it takes from deadprocs, so a
            // process's LWPs are zombies before it is (reaper-takes-proc-before-lwp: the other order).
            Lwp? l;
            Proc? p;
            if (Kernel.Config.Has(Switches.ReaperTakesProcBeforeLwp))
            {
                p = lists.TakeDeadProc();
                l = p is null ? lists.TakeDeadLwp() : null;
            }
            else
            {
                l = lists.TakeDeadLwp();
                p = l is null ? lists.TakeDeadProc() : null;
            }
            lists.DeadprocLock.Release(this);
            if (l is null && p is null)
            {
                yield return Step.Sleep("reaper", ProcLists.Deadprocs);
                continue;
            }
            if (_unlockedLoop)
            {
                // simple_unlock(&deadproc_slock); KERNEL_PROC_LOCK(curlwp) for the item's next step.
                _itemLocked = true;
                yield return Step.Ran("reaper: deadproc_slock");
            }
            if (l is not null)
                foreach (var s in ReaperExit.ReapLwp(Kernel, this, l)) yield return s;
            else
                foreach (var s in ReaperExit.ReapProc(Kernel, this, p!)) yield return s;
        }
    }
}
