namespace Uvm.Model.Core;

/// <summary>
/// A lock whose holder the detectors can ask (model/Core/Discipline.cs): a <see cref="SimpleLock"/>
/// held across steps or a <see cref="StepLock"/> held within one, such as sched_lock.
/// </summary>
public interface IOwnedLock
{
    /// <summary>The kernel name of the lock, e.g. <c>sched_lock</c>.</summary>
    string Name { get; }

    /// <summary>The lock's class for the lock-order detector (<see cref="LockOrder"/>): <c>an_lock</c> for every anon's, the name for a lock of its own.</summary>
    string Class { get; }

    /// <summary>The number <see cref="LockOrder"/> gave <see cref="Class"/> in this kernel, 0 before it first orders this lock.</summary>
    internal int OrderClass { get; set; }

    /// <summary>Whether it spins or sleeps, and so whether its holder may sleep.</summary>
    LockKind Kind { get; }

    /// <summary>The kernel thread holding it, or null.</summary>
    KernelThread? Owner { get; }
}
