using Uvm.Model.Core;
using Uvm.Model.Sched;

namespace Uvm.Model.Exit;

/// <summary>
/// read(2) of /proc/pid/regs: procfs_rw() (miscfs/procfs/procfs_subr.c of 2003) finds the process
/// with PFIND(), which holds proclist_lock only inside pfind(), takes its representative LWP
/// (proc_representative_lwp(), kern_lwp.c: "The entire procfs interface needs work to be useful to
/// a process with multiple LWPs"), and process_doregs() (kern/sys_process.c 1.79, 2003-01) holds
/// that LWP in memory with PHOLD(l) while process_read_regs() copies the trapframe out of its
/// u-area and uiomove() copies it to the reader, then PRELE(l). PHOLD() of 2003-04 (sys/lwp.h) is
/// <c>if ((l)-&gt;l_holdcnt++ == 0 &amp;&amp; ((l)-&gt;l_flag &amp; L_INMEM) == 0) uvm_swapin(l)</c>,
/// with no lock but the big one, and the reader takes no reference on the process or the LWP: the
/// pointer <c>l</c> is used again after uiomove(), which may sleep.
/// <para>
/// Two later fixes, each a switch that selects the 2003-04 text: the swap-in of a PHOLD() and
/// proc0's uvm_scheduler() may run at once on the same LWP, each wiring its u-area and queueing it
/// (<see cref="Switches.PholdSwapinUnlocked"/>; the default lets one path swap an LWP in at a time,
/// <see cref="Lwp.SwappingIn"/>); and the LWP may exit and be freed while the reader holds it
/// (<see cref="Switches.ProcfsHoldOutlivesExit"/>; the default takes the reference of the later
/// procfs, procfs_proc_lock()'s p_reflock and lwp_addref(), which exit drains with lwp_drainrefs()).
/// </para>
/// Left out: process_checkioperm() (credentials), the offset and length tests, writes to the
/// registers (process_write_regs() of a stopped LWP), and the other procfs nodes.
/// </summary>
public static class ProcfsRegs
{
    /// <summary>Why PHOLD() reads L_INMEM without sched_lock.</summary>
    private const string Phold = "PHOLD(): if (l->l_holdcnt++ == 0 && (l->l_flag & L_INMEM) == 0) uvm_swapin(l), under the big lock only";

    /// <summary>The read of <paramref name="reader"/> on the registers of process <paramref name="pid"/>.</summary>
    public static IEnumerable<Step> Run(Kernel k, Lwp reader, int pid)
    {
        var selfOf = reader.CpuThreadOf;
        bool refs = !k.Config.Has(Switches.ProcfsHoldOutlivesExit);
        // PFIND(): proclist_lock_read inside pfind() only; proc_representative_lwp() and
        // process_doregs() follow without a lock or a sleep. The later procfs_proc_lock() refuses a
        // process whose exit holds p_reflock (EBUSY) and lwp_addref()s the LWP it picks.
        foreach (var s in Locks.Take(k.ProcListLock, selfOf, "procfs_rw", "pfind: proclist_lock_read")) yield return s;
        var p = ProcLists.Pfind(k, pid);
        var l = p is null || (refs && p.Exiting) ? null : RepresentativeLwp(p);
        if (l is not null && refs) l.RefCount++;
        k.ProcListLock.Release(k, selfOf());
        if (l is null)
        {
            yield return Step.Ran(p is null ? "procfs_rw: pfind: EINVAL" : "procfs_rw: p_reflock: EBUSY");
            yield break;
        }

        // PHOLD(l): the first hold of an LWP that is not resident swaps it in. The later
        // uvm_lwp_hold() takes l_swaplock before l_holdcnt++, so in the default every holder waits
        // for a swap-in under way, not the first alone.
        bool first = l.HoldCount++ == 0;
        if (first || !k.Config.Has(Switches.PholdSwapinUnlocked))
            foreach (var s in SwapIn(k, selfOf, l)) yield return s;

        // process_read_regs(l, &r) reads the trapframe in l's u-area; uiomove() copies it out to
        // the reader's buffer, where a fault may sleep.
        l.ReadTrapframe();
        selfOf().MaySleep();
        yield return Step.Ran("process_doregs: process_read_regs, uiomove");

        // PRELE(l); the later procfs_rw() then lwp_delref()s it, waking an exit that waits.
        l.HoldCount--;
        if (refs && --l.RefCount == 0) Tsleep.Wakeup(k, selfOf(), l.RefsChannel);
        yield return Step.Ran("process_doregs: PRELE");
    }

    /// <summary>
    /// PHOLD()'s uvm_swapin(l) when L_INMEM is clear. The 2003-04 text tests L_INMEM without a lock,
    /// for the first hold only, and swaps in whatever proc0 is doing; the default, for every hold,
    /// sleeps while another path is swapping the LWP in and otherwise marks the swap-in its own,
    /// under sched_lock.
    /// </summary>
    private static IEnumerable<Step> SwapIn(Kernel k, Func<KernelThread> selfOf, Lwp l)
    {
        if (k.Config.Has(Switches.PholdSwapinUnlocked))
        {
            if (l.RacyInMemory(Phold)) yield break;
            l.HoldSwapins++;
        }
        else
        {
            bool waited = false;
            for (var claim = Swapout.ClaimSwapin(k, selfOf(), l); claim != Swapout.SwapinClaim.Mine; claim = Swapout.ClaimSwapin(k, selfOf(), l))
            {
                if (claim == Swapout.SwapinClaim.Resident)
                {
                    if (waited) l.HoldSwapins--;
                    yield break;
                }
                if (!waited) l.HoldSwapins++;
                waited = true;
                yield return Step.Sleep("PHOLD: swap-in under way", l.SwapinChannel);
            }
            if (!waited) l.HoldSwapins++;
        }
        foreach (var s in UareaWiring.Wire(k, selfOf, l.Uarea ?? throw NoUarea(l))) yield return s;
        Swapout.MakeResident(k, selfOf(), l);
        l.HoldSwapins--;
        yield return Step.Ran("PHOLD: uvm_swapin");
    }

    /// <summary>uvm_swapin() of an LWP whose l_addr is NULL: uvm_fault_wire() of address 0 fails.</summary>
    private static KernelPanicException NoUarea(Lwp l) =>
        new("uvm_swapin", $"rewiring stack failed: {l} has no u-area (l_addr == NULL, uvm_lwp_exit() ran)");

    /// <summary>
    /// proc_representative_lwp(p) (kern_lwp.c of 2003): the only LWP, else the most live one
    /// (LSONPROC, then LSRUN, then LSSLEEP, the last of each kind on p_lwps), read without a lock.
    /// </summary>
    private static Lwp? RepresentativeLwp(Proc p)
    {
        var lwps = p.LwpList;
        if (p.Nlwps == 1 && lwps.Count > 0) return lwps[0];
        Lwp? onproc = null, running = null, sleeping = null;
        for (int i = 0; i < lwps.Count; i++)
        {
            switch (lwps[i].StatUnderKernelLock("proc_representative_lwp(): LIST_FOREACH(l, &p->p_lwps) switch (l->l_stat), no lock"))
            {
                case LwpStat.OnProc: onproc = lwps[i]; break;
                case LwpStat.Run: running = lwps[i]; break;
                case LwpStat.Sleep: sleeping = lwps[i]; break;
            }
        }
        return onproc ?? running ?? sleeping ?? throw new KernelPanicException("proc_representative_lwp", $"couldn't find a lwp for process {p}");
    }
}
