using Uvm.Model.Core;
namespace Uvm.Model.Vm;

/// <summary>
/// A SysV shared memory segment (sysv_shm.c): its key, the aobj shmget() created, the attach
/// count and SHMSEG_REMOVED. The segment itself holds one reference to the aobj, dropped by
/// shm_deallocate_segment() after IPC_RMID and the last shmdt(). sysv_shm.c of 2003-04 takes no
/// lock of its own (shmsegs[] and every segment field are the big lock's, as shmat()'s sleeps in
/// uvm_map() and pool_get() between its look-up and shm_nattch++ show), so each write is checked
/// against kernel_lock (model/Core/Discipline.cs BigLockWrite).
/// </summary>
public sealed class ShmSegment(int key, AObj obj)
{
    /// <summary>The IPC key.</summary>
    public int Key { get; } = key;

    /// <summary>shm_internal: the aobj backing the segment.</summary>
    public AObj Object { get; } = obj;

    /// <summary>shm_nattch.</summary>
    public int Nattch { get; internal set { V("shm_nattch"); field = value; } }

    /// <summary>SHMSEG_REMOVED: IPC_RMID was done; no new shmget/shmat finds it.</summary>
    public bool Removed { get; internal set { V("shm_perm.mode"); field = value; } }

    /// <summary>
    /// Not kernel state: a shmctl(IPC_RMID) of this segment succeeded. What the caller asked for,
    /// which RemovedShmSegmentIsDeallocated judges, rather than <see cref="Removed"/>, the flag the
    /// path under test writes (hunt36: an IPC_RMID that set SHMSEG_REMOVED only on the branch that
    /// deallocates left attached segments alive for ever, and the rule, keyed on the flag, saw none).
    /// </summary>
    public bool RmidSucceeded { get; internal set { Object.Versions?.Bump(StateDomain.Objects); field = value; } }

    /// <summary>
    /// shm_deallocate_segment() ran: the mode is SHMSEG_FREE (SHMSEG_REMOVED cleared) and the
    /// segment's own aobj reference is gone. The model never reuses the slot (approx.).
    /// </summary>
    public bool Deallocated { get; internal set { V("shm_perm.mode"); field = value; } }

    /// <summary>
    /// sys_shmat() of this segment, found once (shm_find_segment_by_shmid(); nothing looks it up
    /// again after the vmobjlock wait): count the attach and record it (<paramref name="count"/>:
    /// shm_nattch++ and the process's shmmap entry), uao_reference() its aobj, then uvm_map() it,
    /// which may sleep (vm_map_lock(), pool_get(PR_WAITOK) in uvm_mapent_alloc()). That is the
    /// later text (sysv_shm.c's shm_lock rework, read in 1.128), so that an IPC_RMID meanwhile
    /// sees the attach. The text of 2002-04 (switch <see cref="Switches.ShmatCountsAfterUvmMap"/>)
    /// counts only after uvm_map(): an IPC_RMID in between sees shm_nattch 0 and frees the segment,
    /// and shmat then attaches the freed one. The labels are the text's: the default's count is in
    /// the first step. The map entry itself is not modelled. Shared by the shm users and the loan
    /// clients (model/Threads/ShmUser.cs, LoanClient.cs).
    /// </summary>
    internal IEnumerable<Step> Attach(Kernel k, KernelThread self, Action count)
    {
        bool text = k.Config.Has(Switches.ShmatCountsAfterUvmMap);
        if (!text) count(); // under shm_lock, before uao_reference() and uvm_map()
        foreach (var s in Locks.Take(Object.Lock, self, "shmat: simple_lock(vmobjlock)")) yield return s;
        Object.Refs++;
        Object.Lock.Release(k, self);
        self.MaySleep(); // uvm_map(): vm_map_lock() and uvm_mapent_alloc()'s pool_get(PR_WAITOK) may sleep
        yield return Step.Ran("shmat → uao_reference");
        if (text) count(); // shmat-counts-after-uvm-map: after uvm_map(), whatever IPC_RMID did meanwhile
        yield return Step.Ran("shmat: uvm_map, shm_nattch++");
    }

    /// <inheritdoc/>
    public override string ToString() => $"shm key {Key} ({Object})";

    /// <summary>A write of <paramref name="field"/>: checked against the big lock, and counted as a write to the memory objects (<see cref="StateDomain.Objects"/>) in its object's kernel.</summary>
    private void V(string field)
    {
        Object.Discipline?.BigLockWrite(this, field);
        Object.Versions?.Bump(StateDomain.Objects);
    }
}
