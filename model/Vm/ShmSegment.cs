using Uvm.Model.Core;
namespace Uvm.Model.Vm;

/// <summary>
/// A SysV shared memory segment (sysv_shm.c): its key, the aobj shmget() created, the attach
/// count and SHMSEG_REMOVED. The segment itself holds one reference to the aobj, dropped by
/// shm_deallocate_segment() after IPC_RMID and the last shmdt().
/// </summary>
public sealed class ShmSegment(int key, AObj obj)
{
    /// <summary>The IPC key.</summary>
    public int Key { get; } = key;

    /// <summary>shm_internal: the aobj backing the segment.</summary>
    public AObj Object { get; } = obj;

    /// <summary>shm_nattch.</summary>
    public int Nattch { get; internal set { V(); field = value; } }

    /// <summary>SHMSEG_REMOVED: IPC_RMID was done; no new shmget/shmat finds it.</summary>
    public bool Removed { get; internal set { V(); field = value; } }

    /// <summary>
    /// shm_deallocate_segment() ran: the mode is SHMSEG_FREE (SHMSEG_REMOVED cleared) and the
    /// segment's own aobj reference is gone. The model never reuses the slot (approx.).
    /// </summary>
    public bool Deallocated { get; internal set { V(); field = value; } }

    /// <inheritdoc/>
    public override string ToString() => $"shm key {Key} ({Object})";

    /// <summary>A write to the memory objects (<see cref="StateDomain.Objects"/>), counted in its object's kernel.</summary>
    private void V() => Object.Versions?.Bump(StateDomain.Objects);
}
