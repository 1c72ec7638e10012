using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// wait4() of kern_exit.c (2004): sys_wait4() walks the parent's p_children (with no proclist lock
/// in 2003-04; the emulations' copies of that loop, e.g. irix_sys_waitsys(), walk it the same way)
/// and sleeps on the parent's proc (tsleep "wait") until exit1() or the reaper
/// wakes it; for a zombie, sys_wait4() of the rework first calls uvm_uarea_drain(FALSE) ("Collect
/// child u-areas", may sleep), then proc_free() frees the proc. Run by a parent LWP's system call or
/// by init (<see cref="Threads.InitThread"/>). Left out: pid/pgrp selection, WNOHANG, stopped
/// children, ptrace reparenting, the status copyout (but see <see cref="Switches.Wait4CopiesOutBeforeFree"/>), and proc_free()'s KASSERTs on the LWP counts
/// (the invariant <c>ZombieIsReapedOnlyAfterLastLwpSwitchedAway</c> states that rule).
/// </summary>
public static class ProcessWait
{
    /// <summary>
    /// wait4(WAIT_ANY): collect one zombie child; ECHILD at once if there are no children. An LWP's
    /// (<paramref name="caller"/>) sleep takes PCATCH, as find_stopped_child()'s
    /// <c>tsleep((caddr_t)parent, PWAIT | PCATCH, "wait", 0)</c> does, and ends in EINTR once its
    /// process is exiting with other LWPs (<see cref="Tsleep.ExitInterrupts"/>); init's is a kernel
    /// thread's, which nothing interrupts.
    /// </summary>
    public static IEnumerable<Step> Wait4(Kernel k, Proc parent, Func<KernelThread> self, Lwp? caller = null)
    {
        while (true)
        {
            // sys_wait4(): walk p_children; ECHILD, a zombie, or tsleep(parent, "wait") in the same step.
            if (parent.ChildList.Count == 0)
            {
                yield return Step.Ran("wait4: ECHILD");
                yield break;
            }
            var child = parent.ChildList.Find(c => c.Stat == ProcStat.Zomb);
            if (child is null)
            {
                if (caller is null)
                {
                    yield return Step.Sleep("find_stopped_child: tsleep", ProcLists.ChannelOf(parent));
                    continue;
                }
                // ltsleep(PCATCH): no sleep at all when the process is exiting with other LWPs.
                if (Tsleep.ExitInterrupts(caller))
                {
                    yield return Step.Ran("find_stopped_child: EINTR");
                    yield break;
                }
                yield return Step.SleepCatch("find_stopped_child: tsleep", ProcLists.ChannelOf(parent));
                // After the wakeup (exit_lwps()'s setrunnable() among others): EINTR if the process is exiting.
                if (Tsleep.ExitInterrupts(caller))
                {
                    yield return Step.Ran("find_stopped_child: EINTR");
                    yield break;
                }
                continue;
            }
            yield return Step.Ran("find_stopped_child");

            // sys_wait4(): uvm_uarea_drain(FALSE), "Collect child u-areas" (the rework's; may sleep on kernel_map).
            if (k.Config.ExitDesign == ExitDesign.Reaperless)
                foreach (var s in k.Uareas.Drain(k, self, empty: false)) yield return s;

            // wait4-copies-out-before-free: kern_exit.c 1.121 and 1.162.2.1 copy the status and the
            // rusage out to the caller (copyout(), which may fault on the user page and sleep)
            // before proc_free(child), with no look at the child again. The default has no copyout
            // here: 1.169.2.1 (2007) copies out after proc_free(), which touches nothing of the child
            // and is left out (the drain above is still the rework's: 1.169.2.1 drains in exit1()).
            if (k.Config.Has(Switches.Wait4CopiesOutBeforeFree))
            {
                self().MaySleep();
                yield return Step.Ran("sys_wait4: copyout");
            }

            // proc_free(): proclist_lock_write { off zombproc; off the parent's children }; pool_put.
            foreach (var s in Proclist.LockWrite(k, self, "proc_free")) yield return s;
            parent.ChildList.Remove(child);
            // LIST_REMOVE(p, p_list): off zombproc. proc-free-skips-zombproc-unlink skips it.
            bool unlinkLate = k.Config.Has(Switches.ProcFreeUnlinksAfterUnlock); // proc-free-unlinks-after-unlock
            if (!k.Config.Has(Switches.ProcFreeSkipsZombprocUnlink) && !unlinkLate) child.Relist(k.ProcListLock, ProcList.None, hashed: false);
            // proc_free() reads p_lwps before its pool_put(&proc_pool, p): the LWPs it frees below.
            Lwp[]? lwps = k.Pools.Enabled ? [.. child.Lwps] : null;
            child.Free("proc_free");
            // proc-free-touches-freed-proc: wait4 reads the child's p_stat for its status after proc_free().
            if (k.Config.Has(Switches.ProcFreeTouchesFreedProc) && child.Stat != ProcStat.Zomb)
                throw new KernelPanicException("sys_wait4", $"{child} is not a zombie");
            Proclist.UnlockWrite(k, self());
            if (unlinkLate) child.Relist(k.ProcListLock, ProcList.None, hashed: false);
            yield return Step.Ran("proc_free");

            // proc_free(): pool_put(&lwp_pool, l) for its LWPs, pool_put(&proc_pool, p) (approx.: one place for both).
            if (lwps is not null)
            {
                foreach (var l in lwps)
                    foreach (var s in PutLwp(k, self, l)) yield return s;
                if (child.PoolItem is { } pi)
                {
                    if (!k.Config.Has(Switches.ProcFreeKeepsProc)) child.PoolItem = null;
                    foreach (var s in Pool.PoolOps.Put(k, self, k.Pools.Proc, pi)) yield return s;
                }
            }
            yield break;
        }
    }

    /// <summary>pool_put(&amp;lwp_pool, l) of a freed LWP (proc_free, lwp_wait1, lwp_exit2), with the pools on.</summary>
    internal static IEnumerable<Step> PutLwp(Kernel k, Func<KernelThread> self, Lwp l)
    {
        if (l.PoolItem is not { } item) yield break;
        l.PoolItem = null;
        foreach (var s in Pool.PoolOps.Put(k, self, k.Pools.Lwp, item)) yield return s;
    }
}
