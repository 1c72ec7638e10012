namespace Uvm.Model.Core;

/// <summary>
/// A kernel lock that may be held across steps (an_lock and vmobjlock through a fault or a pagein,
/// vm_map_lock across uvm_mapent_alloc()), as an explicit object with an owner so that assertions
/// can say who holds it. A thread that finds it held sleeps on <see cref="Channel"/>
/// (<see cref="Locks.Take(SimpleLock, KernelThread, string)"/>) until <see cref="Release"/> wakes it.
/// A spin lock taken and released inside one step is a <see cref="StepLock"/>.
/// </summary>
public sealed class SimpleLock(string name, LockKind kind, string? cls = null) : IOwnedLock
{
    /// <summary>The kernel name of the lock, e.g. <c>sched_lock</c>.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public string Class { get; } = cls ?? name;

    /// <inheritdoc/>
    [field: NotState("a cache of the lock-order detector's class number")]
    int IOwnedLock.OrderClass { get; set; }

    /// <inheritdoc/>
    public LockKind Kind { get; } = kind;

    /// <summary>The kernel thread holding it, or null.</summary>
    public KernelThread? Owner { get; private set; }

    /// <summary>
    /// The channel a waiter sleeps on while the lock is held: for a spinning lock the model's
    /// stand-in for spinning (<see cref="WaitChannel.Spin"/>), for a sleep lock a real sleep.
    /// </summary>
    public WaitChannel Channel => new(Name, Kind != LockKind.Sleep);

    /// <summary>
    /// The LWP asleep with this sleep lock held (<see cref="KernelThread.ParkSleepLocks"/>), or null;
    /// while it is set <see cref="Owner"/> is null: no running thread holds it, and it is held.
    /// </summary>
    public Sched.Lwp? ParkedWith { get; private set; }

    /// <summary>True when some thread holds the lock, or an LWP asleep with it.</summary>
    public bool Held => Owner is not null || ParkedWith is not null;

    /// <summary>The owner's LWP goes to sleep holding it.</summary>
    internal void Park(Sched.Lwp l)
    {
        Owner = null;
        ParkedWith = l;
    }

    /// <summary>The LWP that slept holding it runs again, on <paramref name="on"/>'s CPU.</summary>
    internal void Unpark(Sched.Lwp l, KernelThread on)
    {
        if (ParkedWith != l)
            throw new InvalidOperationException($"model: {Name} is parked with {ParkedWith?.ToString() ?? "nobody"}, not {l}");
        ParkedWith = null;
        Owner = on;
    }

    /// <summary>simple_lock() where the caller knows the lock is free: held already, it panics.</summary>
    public void Acquire(KernelThread by)
    {
        if (Held)
            throw new KernelPanicException("simple_lock", $"{Name} already held by {Owner?.Name ?? ParkedWith!.ToString()}, wanted by {by.Name}");
        Owner = by;
        by.Took(this);
        by.Ordered(this);
    }

    /// <summary>simple_lock_try(): take the lock if it is free.</summary>
    public bool TryAcquire(KernelThread by)
    {
        if (Held) return false;
        Owner = by;
        by.Took(this);
        return true;
    }

    /// <summary>
    /// simple_unlock(): the owner releases the lock, and every thread or LWP asleep on it waiting
    /// for it (<see cref="Locks.Take(SimpleLock, KernelThread, string)"/>) becomes runnable. There is
    /// no release that leaves them asleep; on a spin lock nobody sleeps, and the wakeup finds no one.
    /// </summary>
    public void Release(Kernel k, KernelThread by)
    {
        if (Owner != by)
            throw new KernelPanicException("simple_unlock", $"{Name} released by {by.Name} but held by {Owner?.Name ?? "nobody"}");
        Owner = null;
        by.Dropped(this);
        Sched.Tsleep.Wakeup(k, by, Channel);
    }

    /// <summary>A release that forgets the wakeup: only for the model mutation <see cref="Switches.MapUnlockSkipsWakeup"/>.</summary>
    internal void ReleaseWithoutWakeup(KernelThread by)
    {
        if (Owner != by)
            throw new KernelPanicException("simple_unlock", $"{Name} released by {by.Name} but held by {Owner?.Name ?? "nobody"}");
        Owner = null;
        by.Dropped(this);
        // No wakeup bumps the sleep queues' version, yet a waiter now waits for a free lock: the
        // per-step sleeper check reads that part (properties/SleeperDetector.cs).
        by.Kernel.Versions.Bump(StateDomain.Sleep);
    }
}
