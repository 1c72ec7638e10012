namespace Uvm.Model.Sched;

/// <summary>
/// The run queues (sched_qs and sched_whichqs), as one FIFO: every modelled LWP runs at one
/// priority. Protected by sched_lock. Membership is mirrored in <see cref="Lwp.OnRunQueue"/>
/// (l_back), which is what setrunqueue() and remrunqueue() test.
/// </summary>
public sealed class RunQueue(Kernel kernel)
{
    /// <summary>The queued LWPs, head first.</summary>
    private readonly List<Lwp> _queue = [];

    /// <summary>The queued LWPs, head first.</summary>
    public IReadOnlyList<Lwp> Lwps
    {
        get
        {
            kernel.Reads("run queue", 0, "sched_qs");
            return _queue;
        }
    }

    /// <summary>sched_whichqs != 0.</summary>
    public bool IsEmpty
    {
        get
        {
            kernel.Reads("run queue", 0, "sched_qs");
            return _queue.Count == 0;
        }
    }

    /// <summary>
    /// Links at the tail; the caller has checked setrunqueue()'s preconditions. Kernel threads'
    /// LWPs too: priorities are left out, so a kthread woken at its tsleep() priority (better
    /// than PUSER) waits its turn behind the user LWPs queued before it.
    /// </summary>
    internal void Link(Lwp l)
    {
        kernel.Writes("run queue", 0, "sched_qs");
        kernel.Versions.Bump(Core.StateDomain.Sched);
        _queue.Add(l);
        l.OnRunQueue = true;
    }

    /// <summary>Unlinks; the caller has checked remrunqueue()'s preconditions.</summary>
    internal void Unlink(Lwp l)
    {
        kernel.Writes("run queue", 0, "sched_qs");
        kernel.Versions.Bump(Core.StateDomain.Sched);
        _queue.Remove(l);
        l.OnRunQueue = false;
    }
}
