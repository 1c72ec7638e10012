namespace Uvm.Model.Core;

/// <summary>
/// A spin lock the model takes and releases inside one atomic step (sched_lock, uvm.pageqlock,
/// uao_list_lock): no other thread can ever find it held, so it has no waiters and no channel to
/// sleep on, and its release has no one to wake. A lock that may be held across steps, and so
/// waited for, is a <see cref="SimpleLock"/>.
/// </summary>
public sealed class StepLock(string name) : IOwnedLock
{
    /// <summary>The kernel name of the lock, e.g. <c>sched_lock</c>.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public LockKind Kind => LockKind.Simple;

    /// <inheritdoc/>
    public string Class => Name;

    /// <inheritdoc/>
    [field: NotState("a cache of the lock-order detector's class number")]
    int IOwnedLock.OrderClass { get; set; }

    /// <summary>The kernel thread holding it, or null.</summary>
    public KernelThread? Owner { get; private set; }

    /// <summary>True when some thread holds the lock.</summary>
    public bool Held => Owner is not null;

    /// <summary>simple_lock(): take the lock; held already, it would spin forever on one CPU, so that panics.</summary>
    public void Acquire(KernelThread by) => Acquire(by, ordered: true);

    /// <summary>
    /// <see cref="Acquire(KernelThread)"/>; with <paramref name="ordered"/> false the lock-order
    /// detector does not see it: only for a take the kernel does not make (the model's wakeup of
    /// the threads that spin for a released simplelock, <see cref="SimpleLock.Release"/>).
    /// </summary>
    internal void Acquire(KernelThread by, bool ordered)
    {
        if (Owner is not null)
            throw new KernelPanicException("simple_lock", $"{Name} already held by {Owner.Name}, wanted by {by.Name}");
        Owner = by;
        by.Took(this);
        if (ordered) by.Ordered(this);
    }

    /// <summary>simple_unlock(): the owner releases the lock.</summary>
    public void Release(KernelThread by)
    {
        if (Owner != by)
            throw new KernelPanicException("simple_unlock", $"{Name} released by {by.Name} but held by {Owner?.Name ?? "nobody"}");
        Owner = null;
        by.Dropped(this);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
