namespace Uvm.Model.Core;

/// <summary>
/// The lock-order detector, one per kernel: every blocking acquire (simple_lock(), lockmgr(),
/// spinlockmgr(), never a simple_lock_try()) of a lock while the thread holds locks of other
/// classes records "held before taken" for each pair of classes (an_lock, vmobjlock, am_l,
/// vm_map_lock, uvm.pageqlock, ...). The first acquire in the opposite order is a violation: two
/// paths that take two locks in opposite orders deadlock when they overlap, whether or not this
/// schedule overlapped them. The kernel says where it goes against its orders, and try-locks there:
/// uvm_unloanpage() (uvm_loan.c: "we are locking in the wrong order, so we have to do a try-lock
/// here", an owner's lock after uvm.pageqlock), uvm_anon_lockloanpg() (uvm_anon.c: the object
/// after an_lock, "if we didn't get a lock (try lock failed), then we toggle our anon lock and try
/// again"). The orders are learnt per schedule from the paths that ran, so a rule is checked once
/// both halves run.
/// <para>
/// Two locks of one class (two anons, two objects) are not ordered against each other: the
/// kernel orders those by other means (a loan's anon and its page's object are different classes).
/// The history is not kernel state: verify may merge two states that differ only in it, so a
/// bounded search checks the orders along the schedules it keeps (docs/verify.md).
/// </para>
/// <para>
/// Each class gets a small number the first time one of its locks is ordered, kept on the lock
/// (<see cref="SimpleLock.OrderClass"/>), so an acquire compares numbers and looks the pair up by them, and
/// hashes a class name only once per lock.
/// </para>
/// </summary>
internal sealed class LockOrder(Discipline discipline)
{
    /// <summary>The classes numbered so far: name → number (from 1).</summary>
    [NotState("a numbering of the lock classes, not kernel state")]
    private readonly Dictionary<string, int> _ids = [];

    /// <summary>
    /// The first acquire seen of each ordered pair, keyed <c>held &lt;&lt; 32 | taken</c>. A schedule
    /// meets tens of pairs among its lock classes: a square table of every pair, rebuilt as classes
    /// appeared, was a tenth of the bytes a short schedule allocated (loan-share, `bench --profile --allocs`).
    /// </summary>
    [NotState("a detector's history of the schedule, not kernel state (docs/verify.md); checked as each acquire runs")]
    private readonly Dictionary<long, First> _seen = [];

    /// <summary>Who took which lock holding which, and in which step, for the report.</summary>
    private readonly record struct First(string Thread, string HeldName, string TakenName, int Step);

    /// <summary>
    /// <paramref name="t"/> has just taken <paramref name="taken"/> blocking; <paramref name="held"/>
    /// is every lock it holds now, <paramref name="taken"/> included.
    /// </summary>
    internal void Took(KernelThread t, IOwnedLock taken, List<IOwnedLock> held)
    {
        if (held.Count < 2 || !discipline.On) return;
        int b = Id(taken);
        for (int i = 0; i < held.Count; i++)
        {
            var h = held[i];
            if (h == taken) continue;
            int a = Id(h);
            if (a == b) continue;
            if (_seen.TryGetValue(Pair(b, a), out var first))
                throw new DetectorViolationException(Detector.LockOrder,
                    $"lock order reversal: {t.Name} takes {taken.Name} while holding {h.Name}, but {first.Thread} took "
                    + $"{first.TakenName} while holding {first.HeldName} at step {first.Step}: {taken.Class} before {h.Class} there, after it here");
            _seen.TryAdd(Pair(a, b), new First(t.Name, h.Name, taken.Name, discipline.StepSerial - 1));
        }
    }

    /// <summary>The class number of <paramref name="l"/>, numbering its class on first sight.</summary>
    private int Id(IOwnedLock l)
    {
        int id = l.OrderClass;
        if (id != 0) return id;
        if (!_ids.TryGetValue(l.Class, out id))
        {
            id = _ids.Count + 1;
            _ids.Add(l.Class, id);
        }
        l.OrderClass = id;
        return id;
    }

    /// <summary>The key of the ordered pair (held class <paramref name="held"/>, taken class <paramref name="taken"/>).</summary>
    private static long Pair(int held, int taken) => (long)held << 32 | (uint)taken;
}
