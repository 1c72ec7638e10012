using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// A shmget() of a new key between its marking of the segment and its end (sysv_shm.c
/// shmget_allocate_segment(): "In case we sleep in malloc(), mark the segment present but deleted
/// so that noone else tries to create the same key": <c>SHMSEG_ALLOCATED | SHMSEG_REMOVED</c>
/// with the key set, then malloc(M_WAITOK) and uao_create(), which may sleep). Another shmget() of
/// the key finds it (shm_find_segment_by_key()), sets SHMSEG_WANTED and sleeps "shmget" on the
/// segment; the allocation wakes it at its end, and it looks the key up again (EAGAIN, "goto
/// again"). Its fields are the big lock's, as every shm field (<see cref="ShmSegment"/>).
/// </summary>
public sealed class ShmAllocation(int key, Discipline? discipline, WriteVersions? versions)
{
    /// <summary>The IPC key being created.</summary>
    public int Key { get; } = key;

    /// <summary>SHMSEG_WANTED: a shmget() of the key sleeps on the segment until the allocation ends.</summary>
    public bool Wanted
    {
        get;
        internal set
        {
            discipline?.BigLockWrite(this, "shm_perm.mode (SHMSEG_WANTED)");
            versions?.Bump(StateDomain.Objects);
            field = value;
        }
    }

    /// <summary>The segment's address as a sleep channel ("shmget").</summary>
    public WaitChannel Channel => new($"shmseg of key {Key}");

    /// <inheritdoc/>
    public override string ToString() => $"shm key {Key} (being allocated)";
}
