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
/// </summary>
internal sealed class LockOrder(Discipline discipline)
{
    /// <summary>The first acquire seen of each ordered pair of classes: (held, taken) → who and when.</summary>
    [NotState("a detector's history of the schedule, not kernel state (docs/verify.md); checked as each acquire runs")]
    private Dictionary<(string Held, string Taken), (string Thread, string HeldName, string TakenName, int Step)>? _seen;

    /// <summary>
    /// <paramref name="t"/> has just taken <paramref name="taken"/> blocking; <paramref name="held"/>
    /// is every lock it holds now, <paramref name="taken"/> included (the last).
    /// </summary>
    internal void Took(KernelThread t, IOwnedLock taken, List<IOwnedLock> held)
    {
        if (held.Count < 2 || !discipline.On) return;
        for (int i = 0; i < held.Count; i++)
        {
            var h = held[i];
            if (h == taken || h.Class == taken.Class) continue;
            _seen ??= [];
            if (_seen.TryGetValue((taken.Class, h.Class), out var first))
                throw new DetectorViolationException(Detector.LockOrder,
                    $"lock order reversal: {t.Name} takes {taken.Name} while holding {h.Name}, but {first.Thread} took "
                    + $"{first.TakenName} while holding {first.HeldName} at step {first.Step}: {taken.Class} before {h.Class} there, after it here");
            _seen.TryAdd((h.Class, taken.Class), (t.Name, h.Name, taken.Name, discipline.StepSerial - 1));
        }
    }
}
