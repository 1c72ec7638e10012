namespace Uvm.Model.Core;

/// <summary>
/// A kernel lock as an explicit object with an owner, so that assertions can say who holds it.
/// A spin lock (sched_lock, uvm.pageqlock) is taken and released inside one atomic step; a
/// sleepable lock (vm_map_lock) may be held across steps, and a thread that finds it held sleeps
/// on <see cref="Channel"/>.
/// </summary>
public sealed class SimpleLock(string name)
{
    /// <summary>The kernel name of the lock, e.g. <c>sched_lock</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The kernel thread holding it, or null.</summary>
    public KernelThread? Owner { get; private set; }

    /// <summary>The channel a waiter sleeps on while the lock is held.</summary>
    public WaitChannel Channel => new(Name);

    /// <summary>True when some thread holds the lock.</summary>
    public bool Held => Owner is not null;

    /// <summary>simple_lock(): take the lock; a spin lock is never held twice.</summary>
    public void Acquire(KernelThread by)
    {
        if (Owner is not null)
            throw new KernelPanicException("simple_lock", $"{Name} already held by {Owner.Name}, wanted by {by.Name}");
        Owner = by;
    }

    /// <summary>simple_lock_try(): take the lock if it is free.</summary>
    public bool TryAcquire(KernelThread by)
    {
        if (Owner is not null) return false;
        Owner = by;
        return true;
    }

    /// <summary>simple_unlock(): the owner releases the lock.</summary>
    public void Release(KernelThread by)
    {
        if (Owner != by)
            throw new KernelPanicException("simple_unlock", $"{Name} released by {by.Name} but held by {Owner?.Name ?? "nobody"}");
        Owner = null;
    }
}
