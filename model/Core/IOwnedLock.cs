namespace Uvm.Model.Core;

/// <summary>
/// A lock whose holder the detectors can ask (model/Core/Discipline.cs): a <see cref="SimpleLock"/>
/// held across steps or a <see cref="StepLock"/> held within one, such as sched_lock.
/// </summary>
public interface IOwnedLock
{
    /// <summary>The kernel name of the lock, e.g. <c>sched_lock</c>.</summary>
    string Name { get; }

    /// <summary>Whether it spins or sleeps, and so whether its holder may sleep.</summary>
    LockKind Kind { get; }

    /// <summary>The kernel thread holding it, or null.</summary>
    KernelThread? Owner { get; }
}
