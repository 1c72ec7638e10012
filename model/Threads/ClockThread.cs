using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Threads;

/// <summary>
/// hardclock → schedcpu() once a second, under sched_lock: age l_swtime and l_slptime, fire
/// tsleep() timeouts (endtsleep → setrunnable), and uvm_meter(), which wakes proc0 once it has
/// slept maxslp/2 seconds. The real clock never stops. This one ticks the workload's seconds, then
/// only while some LWP waits for time to pass, and otherwise sleeps on <see cref="Idle"/>, which
/// ltsleep() and uvm_swapout() wake, so an iteration still ends when the work is done. It also
/// stops once proc0 has slept on &amp;proc0 for more than 6 * maxslp ticks, in all, since the last
/// swap-in while a runnable LWP waited swapped out: uvm_meter() wakes proc0 after maxslp/2, so the
/// faithful kernel never gets there, and a kernel that does would tick forever without progress.
/// Stopping turns that livelock into an end of the execution, where the liveness properties judge it.
/// </summary>
public sealed class ClockThread(Kernel kernel, int seconds) : KernelThread(kernel, "clock")
{
    /// <summary>Also what its copy of the swap-in count decides: whether a swap-in happened since the stall count was last reset.</summary>
    public override void Show(IStateMixer state)
    {
        base.Show(state);
        state.Value(Kernel.Uvmexp.Swapins == _swapins ? 1 : 0);
    }

    /// <inheritdoc/>
    public override bool IdlesOn(WaitChannel channel) => channel == Idle;

    /// <summary>The workload's seconds: the clock ticks until the time reaches them, then only while time matters.</summary>
    public int Seconds => seconds;

    /// <summary>Seconds proc0 has slept on &amp;proc0 (its p_slptime).</summary>
    private int _proc0SlpTime;

    /// <summary>Ticks at which proc0 slept on &amp;proc0 while a runnable LWP waited swapped out, since <see cref="_swapins"/> last changed.</summary>
    private int _swapinStall;

    /// <summary>uvmexp.swapins when <see cref="_swapinStall"/> was last reset.</summary>
    [Clock("the clock's copy of uvmexp.swapins, which only grows: what decides is whether the two agree (Show)")]
    private int _swapins;

    /// <summary>Where the clock waits while no LWP needs time to pass (a model device, not a kernel channel).</summary>
    public static readonly WaitChannel Idle = new("clock-idle");

    /// <inheritdoc/>
    /// <inheritdoc/>
    public override bool IsTimer => true;

    /// <summary>The clock interrupt takes the big lock recursively on whichever CPU it arrives, the holder's too: it never waits for it.</summary>
    protected internal override bool NeedsKernelLock => false;

    protected override IEnumerable<Step> Body()
    {
        while (true)
        {
            if (Kernel.Time < seconds || (TimeStillMatters() && _swapinStall <= 6 * Kernel.Uvmexp.MaxSlp))
            {
                Tick();
                yield return Step.Ran("schedcpu");
            }
            else if (Kernel.AllLwpsFinished)
                yield return Step.Exit("clock: every LWP has exited");
            else
                yield return Step.Sleep("clock: nothing waits for time", Idle);
        }
    }

    /// <summary>
    /// An LWP waits for time to pass when it sleeps with a timeout (not on a channel such as wait4's),
    /// or is runnable but swapped out (proc0 needs uvm_meter() to wake it), or, while memory is short
    /// (free below freetarg: the pagedaemon's pass calls uvm_swapout_threads()), sleeps resident and
    /// swappable with l_slptime still below maxslp: the ticks make it the swapper's longest sleeper
    /// and then one past maxslp (uvm_glue.c uvm_swapout_threads(): `l_slptime >= maxslp`, else the
    /// largest `l_slptime > outpri` from 0), after which more ticks change nothing it decides. The
    /// real clock never stops; a model clock that idled there kept a forker asleep in uvm_wait()
    /// resident for good where the kernel swaps it out (found by a review of pool-swapout's
    /// schedules that never end, session 32). Read under sched_lock, as the schedcpu() it decides on.
    /// </summary>
    private bool TimeStillMatters()
    {
        Kernel.SchedLock.Acquire(this);
        bool matters = false;
        bool shortage = Kernel.Uvmexp.Free < Kernel.Uvmexp.FreeTarg;
        var lwps = Kernel.Lwps;
        for (int i = 0; i < lwps.Count && !matters; i++)
        {
            var l = lwps[i];
            matters = l.OnAllLwp && l.Stat is var stat && ((stat == LwpStat.Sleep && l.WChan is null) || (stat == LwpStat.Run && !l.InMemory)
                || (stat is LwpStat.Sleep or LwpStat.Stop && shortage && l.SlpTime < Kernel.Uvmexp.MaxSlp && Swapout.SwappableLocked(Kernel, l)));
        }
        Kernel.SchedLock.Release(this);
        return matters;
    }

    private void Tick()
    {
        Kernel.SchedLock.Acquire(this);
        Kernel.Time++;
        bool unlocked = Kernel.Config.Has(Switches.SchedcpuAgesUnlocked); // schedcpu-ages-unlocked
        if (unlocked) Kernel.SchedLock.Release(this); // schedcpu() walks alllwp under SCHED_LOCK (kern_synch.c); the mutant drops it first
        foreach (var l in Kernel.Lwps)
        {
            if (l.Finished) continue;
            l.SwTime++;
            var stat = l.Stat; // read once: the checked read is what a tick costs per LWP
            if (stat is LwpStat.Sleep or LwpStat.Stop) l.SlpTime++;
            // endtsleep() is a callout only of a tsleep() with a timeout (kern_synch.c ltsleep: "if (timo) callout_reset"):
            // a sleep without one (int.MaxValue) has nothing to count down.
            if (stat == LwpStat.Sleep && l.SleepTimeout != int.MaxValue && --l.SleepTimeout <= 0) Scheduler.SetRunnable(Kernel, l);
        }
        // schedcpu() ages the kernel threads' LWPs too (their tsleep()s here have no timeout).
        var kthreads = Kernel.KthreadLwps;
        for (int i = 0; i < kthreads.Count; i++)
        {
            var l = kthreads[i];
            if (l.Finished) continue;
            l.SwTime++;
            if (l.Stat == LwpStat.Sleep) l.SlpTime++;
        }
        if (unlocked) Kernel.SchedLock.Acquire(this);
        CountSwapinStall();
        Kernel.SchedLock.Release(this);
        UvmMeter();
    }

    /// <summary>uvm_meter(): if proc0 has slept more than maxslp/2 seconds, wakeup(&amp;proc0).</summary>
    private void UvmMeter()
    {
        if (!Kernel.SleepQueues.HasSleepers(Scheduler.Proc0))
        {
            _proc0SlpTime = 0;
            return;
        }
        if (++_proc0SlpTime > Kernel.Uvmexp.MaxSlp / 2)
        {
            _proc0SlpTime = 0;
            if (!Kernel.Config.Has(Switches.UvmMeterSkipsProc0Wakeup)) Kernel.SleepQueues.Wakeup(Scheduler.Proc0); // uvm-meter-skips-proc0-wakeup
        }
    }

    /// <summary>The model's horizon (not kernel code): counts a tick at which proc0 sleeps on &amp;proc0 although a runnable LWP is swapped out.</summary>
    private void CountSwapinStall() // under sched_lock, like the reads of l_stat above
    {
        if (Kernel.Uvmexp.Swapins != _swapins) (_swapins, _swapinStall) = (Kernel.Uvmexp.Swapins, 0);
        if (Kernel.SleepQueues.HasSleepers(Scheduler.Proc0) && RunnableSwappedOut())
            _swapinStall++;
    }

    /// <summary>Some LWP on alllwp is LSRUN without L_INMEM (a loop, not List.Exists: no delegate call per LWP on every tick).</summary>
    private bool RunnableSwappedOut()
    {
        var lwps = Kernel.Lwps;
        for (int i = 0; i < lwps.Count; i++)
            if (lwps[i] is var l && l.OnAllLwp && l.Stat == LwpStat.Run && !l.InMemory) return true;
        return false;
    }
}
