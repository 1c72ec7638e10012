using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// The sleeper detector: when nothing more can run, every kernel thread still asleep is a daemon
/// waiting for work in its main loop (<see cref="KernelThread.IdlesOn"/>: the pagedaemon on
/// &amp;uvm.pagedaemon, an idle CPU on whichqs, proc0 on &amp;proc0, ...). Any other sleeper waits
/// for a wakeup or a lock release that will never come: a wakeup() skipped or sent before the
/// sleep, a lock a path kept when it returned, two paths each holding what the other waits for, a
/// PG_WANTED never answered. tsleep() without a timeout has no other way out (kern_synch.c), so a
/// rule stated once catches each of these wherever it happens, on any channel. Judged after the
/// properties that name a channel (map locks, pages, memory), so those report first; subsystem
/// <c>detector</c>, checked in every scenario.
/// </summary>
public static class SleeperDetector
{
    /// <summary>Every thread asleep at the end is idle in its own main loop.</summary>
    public static readonly LivenessProperty EverySleeperIsEventuallyWoken = new(
        nameof(EverySleeperIsEventuallyWoken),
        "Every kernel thread asleep once nothing more can run is a daemon waiting for work in its main loop; any other sleeper, on a lock, a page, memory or an event, waits for a release or wakeup that never comes.",
        Detector.Subsystem, k =>
        {
            for (int i = 0; i < k.Threads.Count; i++)
                if (k.Threads[i] is { Exited: false, SleepingOn: { } channel } t && !t.IdlesOn(channel))
                    return $"{t} sleeps on {channel}{Held(k, channel)}";
            return null;
        });

    /// <summary>Every page busied by a path is un-busied by it (or by the I/O completion it waits for).</summary>
    public static readonly LivenessProperty NoPageStaysBusy = new(
        nameof(NoPageStaysBusy),
        "Every PG_BUSY page is eventually un-busied: once nothing more can run, no I/O is pending and no path is left to clear PG_BUSY, so a busy page that no declared holder keeps (a pool page stays busy by design) was left busy by a path that returned.",
        Detector.Subsystem, k =>
        {
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
                if (pages[i] is { Busy: true, Holder: null } p)
                    return $"{p} is still PG_BUSY" + (p.BusyOwner is { } o ? $" (owner {o})" : "");
            return null;
        });

    /// <summary>
    /// No thread sleeps for something already there: checked after every step, so a wakeup that is
    /// missed and then hidden by a later one (the sleeper woken by someone else's wakeup on the same
    /// channel, a delay rather than a hang) is still seen. kern_lock.c: a release of a lock wakes
    /// its waiters in the same section (lockmgr's WAKEUP_WAITER; a spinner sees the lock free at
    /// once), so a thread waiting for a lock that is free missed that wakeup. uvm_page.h: a path that clears PG_BUSY
    /// wakes the PG_WANTED sleepers in the same section (uvm_page_unbusy(), uvm_pagefree()), so a
    /// thread asleep on a page that is not busy missed that wakeup; kern_exit.c: exit1() and
    /// proc_reparent() wake the parent that gains a zombie, so a parent asleep in wait4() (on its
    /// own address) with a zombie child missed it; kern_exec.c and kern_exit.c: the path that clears
    /// a vfork() child's P_PPWAIT wakes the parent, so a parent LWP asleep in fork1()'s "ppwait" loop
    /// whose child has cleared it missed that wakeup (an LWP in that loop sleeps on the same
    /// channel as wait4() and waits for nothing else); kern_lwp.c and kern_exit.c: the path that
    /// makes an LWP LSZOMB (lwp_exit2(), or the reaper) wakes &amp;p->p_nlwps, so an LWP asleep there in
    /// exit_lwps()' lwp_wait1() while a sibling is a zombie it could collect missed it; and a sleeper
    /// on an LWP's own swap-in or reference channel once the flag or count it waits on is clear
    /// (<see cref="OwedOnLwpChannel"/>); vfs_subr.c 1.171: vwakeup() wakes &amp;v_numoutput when the
    /// count reaches 0 with VBWAIT set, so a thread asleep there ("genput2", "vflushbuf") while the
    /// count is 0 or VBWAIT is clear missed that wakeup or will.
    /// </summary>
    public static readonly Invariant NoSleeperWaitsForWhatIsAlreadyThere = new(
        nameof(NoSleeperWaitsForWhatIsAlreadyThere),
        "No thread or LWP waits for a lock that is free, is asleep on a page that is not PG_BUSY or is busy without PG_WANTED, is in wait4() while one of its children is a zombie, is in lwp_wait1() on &p_nlwps while a sibling LWP is a zombie, is in vfork() after its child cleared P_PPWAIT, or waits on an LWP's swap-in mark or references once they are gone, or on a vnode's v_numoutput that is 0 or without VBWAIT: the path that released the lock, un-busied the page, made the zombie, cleared P_PPWAIT or the mark, or dropped the last reference wakes its sleepers in the same section.",
        Detector.Subsystem, k =>
        {
            if (!AnyPending(k)) return null;
            var threads = k.Threads;
            for (int i = 0; i < threads.Count; i++)
                if (threads[i] is { Exited: false, SleepingOn: { } channel } t && Pending(k, channel) is { } what)
                    return $"{t} sleeps on {channel}, but {what}";
            var lwps = k.Lwps;
            for (int i = 0; i < lwps.Count; i++)
                if (lwps[i] is { Freed: false, Stat: Model.Sched.LwpStat.Sleep, WChan: { } wchan } l)
                {
                    if (l.VforkChild is { } child)
                    {
                        if (VforkOver(l)) return $"{l} sleeps on {wchan} in vfork(), but its child {child} no longer holds it (P_PPWAIT clear: the wakeup of execve() or exit1() was missed)";
                    }
                    else if (Pending(k, wchan) is { } what) return $"{l} sleeps on {wchan}, but {what}";
                }
            return null;
        })
    {
        Reads = StateDomain.Sleep | StateDomain.Sched | StateDomain.Pages | StateDomain.Proc | StateDomain.Objects,
    };

    /// <summary>
    /// Whether some sleeper waits for what is already there: the same question as asking
    /// <see cref="Pending"/> of every sleeper's channel, asked from the other side (a free lock some
    /// thread once waited for, a page not busy that some path named, a process with an unannounced
    /// zombie child), so that a step pays for one walk of the locks, pages and processes rather
    /// than one per sleeper. Only when it answers yes is
    /// the sleeper found and the report written, in the order the walk of the sleepers gives.
    /// </summary>
    private static bool AnyPending(IKernelView k)
    {
        var locks = k.LocksSleptOn;
        for (int i = 0; i < locks.Count; i++)
            if (!locks[i].Held && Asleep(k, locks[i].Channel))
                return true;
        var pages = k.Vm.Pages;
        for (int i = 0; i < pages.Count; i++)
            if (pages[i] is { NamedChannel: { } pc } p && (!p.Busy || (p.Flags & PageFlags.Wanted) == 0) && Asleep(k, pc))
                return true;
        var vnodes = k.Vm.Vnodes;
        for (int i = 0; i < vnodes.Count; i++)
            if (vnodes[i] is { NamedNumOutputChannel: { } nc } vn && (vn.NumOutput <= 0 || !vn.VbWait) && Asleep(k, nc))
                return true;
        for (int i = 0; i < vnodes.Count; i++)
            if (vnodes[i] is { NamedVnodeChannel: { } vc } vn && (!vn.XLock || !vn.XWant) && Asleep(k, vc))
                return true;
        var procs = k.Procs;
        for (int i = 0; i < procs.Count; i++)
        {
            var p = procs[i];
            if (p.Reaped) continue;
            var children = p.Children;
            for (int j = 0; j < children.Count; j++)
                if (!children[j].Reaped && children[j].Stat == Model.Exit.ProcStat.Zomb && !children[j].ParentWakeupOwed)
                {
                    if (Asleep(k, Model.Exit.ProcLists.ChannelOf(p), inWait4: true)) return true;
                    break;
                }
            if (ZombieLwp(p) is not null && Asleep(k, Model.Exit.ProcLists.NlwpsOf(p))) return true;
        }
        var lwps = k.Lwps;
        for (int i = 0; i < lwps.Count; i++)
        {
            var x = lwps[i];
            if (x.Freed) continue;
            if (x is { Stat: Model.Sched.LwpStat.Sleep, VforkChild: not null } && VforkOver(x)) return true;
            if (x.HoldSwapins > 0 && !x.SwappingIn && Asleep(k, x.SwapinChannel)) return true;
            if (x.Draining && x.RefCount == 0 && Asleep(k, x.RefsChannel)) return true;
        }
        return false;
    }

    /// <summary>
    /// When <paramref name="channel"/> is one of an LWP's own channels, what its sleeper waits for
    /// if it is already there; null otherwise. The kernel idiom "set the flag; while (flag)
    /// tsleep(chan)", with the wakeup in the section that clears the flag: a PHOLD() asleep on an
    /// LWP's swap-in channel waits while L_SWAPPINGIN is set (uvm_swapin() done, or proc0 giving
    /// its mark up, clears it and wakes the channel; model/Exit/ProcfsRegs.cs), and an exiting LWP
    /// in lwp_drainrefs() waits while its l_refcnt is above 0 (the reader's lwp_delref() wakes it).
    /// Only an LWP with a PHOLD() waiting for its swap-in, or one draining, is asked, so the walk
    /// costs a field test per LWP.
    /// </summary>
    private static string? OwedOnLwpChannel(IReadOnlyList<Model.Sched.Lwp> lwps, WaitChannel channel)
    {
        for (int i = 0; i < lwps.Count; i++)
        {
            var x = lwps[i];
            if (x.Freed) continue;
            if (x.HoldSwapins > 0 && !x.SwappingIn && channel == x.SwapinChannel)
                return $"{x} is no longer being swapped in (L_SWAPPINGIN clear: the wakeup of the path that cleared it was missed)";
            if (x.Draining && x.RefCount == 0 && channel == x.RefsChannel)
                return $"{x} holds no reference any more (l_refcnt 0: the wakeup of the last lwp_delref() was missed)";
        }
        return null;
    }

    /// <summary>
    /// Whether an LWP asleep in vfork()'s "ppwait" loop (<see cref="Model.Sched.Lwp.VforkChild"/>)
    /// waits for nothing: its child has cleared P_PPWAIT (or, in the later form, its own
    /// l_vforkwaiting), and execve() and exit1() wake the parent in the section that clears it.
    /// </summary>
    private static bool VforkOver(Model.Sched.Lwp l) =>
        !l.VforkWaiting && (l.VforkChild is not { } c || c.Reaped || !c.PpWait);

    /// <summary>
    /// Whether a kernel thread or an LWP is asleep on <paramref name="channel"/>; with
    /// <paramref name="inWait4"/>, asleep in wait4() there: an LWP in vfork()'s loop sleeps on the
    /// parent's channel too, for its own reason, and does not count.
    /// </summary>
    private static bool Asleep(IKernelView k, WaitChannel channel, bool inWait4 = false)
    {
        var threads = k.Threads;
        for (int i = 0; i < threads.Count; i++)
            if (threads[i] is { Exited: false, SleepingOn: { } c } && c == channel)
                return true;
        var lwps = k.Lwps;
        for (int i = 0; i < lwps.Count; i++)
            if (lwps[i] is { Freed: false, Stat: Model.Sched.LwpStat.Sleep, WChan: { } w } l && w == channel && !(inWait4 && l.VforkChild is not null))
                return true;
        return false;
    }

    /// <summary>What <paramref name="channel"/>'s sleeper waits for, if it is already there; null otherwise.</summary>
    private static string? Pending(IKernelView k, WaitChannel channel)
    {
        var locks = k.LocksSleptOn;
        for (int i = 0; i < locks.Count; i++)
            if (!locks[i].Held && locks[i].Channel == channel)
                return $"{locks[i].Name} is free (its release did not wake this waiter)";
        var pages = k.Vm.Pages;
        for (int i = 0; i < pages.Count; i++)
            if (pages[i] is { NamedChannel: { } pc } p && pc == channel)
            {
                if (!p.Busy) return $"{p} is not busy (a wakeup(pg) was missed)";
                // uvm_page.h: "PG_WANTED: someone is waiting for page"; the un-busy wakes only then
                // (uvm_page_unbusy(): "if (pg->flags & PG_WANTED) wakeup(pg)"), so a sleeper on a
                // busy page without it waits for a wakeup nobody owes.
                if ((p.Flags & PageFlags.Wanted) == 0) return $"{p} is busy without PG_WANTED (the sleeper did not set it: the un-busy will wake nobody)";
            }
        var vnodes = k.Vm.Vnodes;
        for (int i = 0; i < vnodes.Count; i++)
            if (vnodes[i].NamedNumOutputChannel == channel)
            {
                // vfs_subr.c 1.171 vwakeup(): the decrement that reaches 0 with VBWAIT set wakes
                // &v_numoutput in the same section, and clears VBWAIT only then.
                if (vnodes[i].NumOutput <= 0) return $"v_numoutput of {vnodes[i]} is 0 (vwakeup()'s wakeup was missed)";
                if (!vnodes[i].VbWait) return $"VBWAIT of {vnodes[i]} is clear (the last vwakeup() will wake nobody)";
            }
        for (int i = 0; i < vnodes.Count; i++)
            if (vnodes[i].NamedVnodeChannel == channel)
            {
                // vfs_subr.c 1.222 vclean(): "vp->v_flag &= ~VXLOCK; if (vp->v_flag & VXWANT) { vp->v_flag &= ~VXWANT; ... wakeup((caddr_t)vp); }"
                if (!vnodes[i].XLock) return $"VXLOCK of {vnodes[i]} is clear (vclean()'s wakeup was missed)";
                if (!vnodes[i].XWant) return $"VXWANT of {vnodes[i]} is clear (vclean() will wake nobody)";
            }
        var procs = k.Procs;
        for (int i = 0; i < procs.Count; i++)
        {
            var p = procs[i];
            if (p.Reaped || Model.Exit.ProcLists.ChannelOf(p) != channel) continue;
            var children = p.Children;
            for (int j = 0; j < children.Count; j++)
                if (!children[j].Reaped && children[j].Stat == Model.Exit.ProcStat.Zomb && !children[j].ParentWakeupOwed)
                    return $"its child pid {children[j].Pid} is a zombie (the wakeup of exit1() or proc_reparent() was missed)";
        }
        for (int i = 0; i < procs.Count; i++)
            if (!procs[i].Reaped && Model.Exit.ProcLists.NlwpsOf(procs[i]) == channel && ZombieLwp(procs[i]) is { } z)
                return $"{z} of its process is a zombie (the wakeup(&p->p_nlwps) of lwp_exit2() or the reaper was missed)";
        return OwedOnLwpChannel(k.Lwps, channel);
    }

    /// <summary>
    /// An LSZOMB LWP still on <paramref name="p"/>'s p_lwps, which lwp_wait1() (exit_lwps()) would
    /// collect: the path that makes it LSZOMB wakes &amp;p->p_nlwps in the same section.
    /// </summary>
    private static Model.Sched.Lwp? ZombieLwp(Model.Sched.Proc p)
    {
        var lwps = p.Lwps;
        for (int i = 0; i < lwps.Count; i++)
            if (lwps[i] is { Freed: false, Detached: false, Stat: Model.Sched.LwpStat.Zomb } z) return z; // lwp_wait1() waits for no detached LWP
        return null;
    }

    /// <summary>Who holds the lock a sleeper waits for, when the channel is a lock's.</summary>
    private static string Held(IKernelView k, WaitChannel channel)
    {
        for (int i = 0; i < k.Threads.Count; i++)
            if (k.Threads[i].HeldLockOn(channel) is not null)
                return $", held by {k.Threads[i]}" + (k.Threads[i].Exited ? ", which has finished" : "");
        return "";
    }

    /// <summary>Every property of the detector judged at the end.</summary>
    public static IReadOnlyList<LivenessProperty> Liveness { get; } = [EverySleeperIsEventuallyWoken, NoPageStaysBusy];

    /// <summary>Every property of the detector judged after each step.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [NoSleeperWaitsForWhatIsAlreadyThere];
}
