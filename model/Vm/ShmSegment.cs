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
    /// shm_deallocate_segment() ran: the mode is SHMSEG_FREE (SHMSEG_REMOVED cleared) and the
    /// segment's own aobj reference is gone. The model never reuses the slot (approx.).
    /// </summary>
    public bool Deallocated { get; internal set { V("shm_perm.mode"); field = value; } }

    /// <inheritdoc/>
    public override string ToString() => $"shm key {Key} ({Object})";

    /// <summary>A write of <paramref name="field"/>: checked against the big lock, and counted as a write to the memory objects (<see cref="StateDomain.Objects"/>) in its object's kernel.</summary>
    private void V(string field)
    {
        Object.Discipline?.BigLockWrite(this, field);
        Object.Versions?.Bump(StateDomain.Objects);
    }
}
