namespace Uvm.Model.Core;

/// <summary>
/// simple_lock() on a lock that another CPU may hold across steps (an owner lock held through the
/// two steps of a fault, a vm_map lock held across uvm_mapent_alloc()): the caller spins, modelled
/// as sleeping on the lock's channel until its holder releases it (<see cref="SimpleLock.Release"/>
/// always wakes the sleepers). Every sleep-and-retry on a lock goes through here; a bare
/// <see cref="SimpleLock.TryAcquire"/> is left for the kernel's own simple_lock_try() that gives up.
/// </summary>
public static class Locks
{
    /// <summary>Takes <paramref name="lock"/>; while another thread holds it, sleeps on it (one step per wait).</summary>
    public static IEnumerable<Step> Take(SimpleLock @lock, KernelThread self, string function)
    {
        while (!@lock.TryAcquire(self))
            yield return Step.Sleep(function, @lock.Channel);
    }

    /// <summary>
    /// Takes the lock <paramref name="lockOf"/> names, asking again after every wait (the object
    /// it guards may have changed hands while the thread slept); null means there is nothing to
    /// lock. On return the caller holds <c>lockOf()</c>, if any, in its current step.
    /// <paramref name="self"/> is asked on every try: an LWP's path may resume on another CPU.
    /// </summary>
    public static IEnumerable<Step> Take(Func<SimpleLock?> lockOf, Func<KernelThread> self, string function)
    {
        while (lockOf() is { } l && !l.TryAcquire(self()))
            yield return Step.Sleep(function, l.Channel);
    }

    /// <inheritdoc cref="Take(Func{SimpleLock?}, Func{KernelThread}, string)"/>
    public static IEnumerable<Step> Take(Func<SimpleLock?> lockOf, KernelThread self, string function) =>
        Take(lockOf, () => self, function);

    /// <summary>
    /// A lock taken after others, against the lock order, with simple_lock_try(): <paramref name="first"/>
    /// takes what the caller needs first (it may sleep), then the lock <paramref name="second"/>
    /// names (null: none) is tried. While another thread holds it, <paramref name="backOff"/> undoes
    /// what <paramref name="first"/> did, the thread sleeps on the lock, and both start over.
    /// </summary>
    public static IEnumerable<Step> TakeAfter(Func<IEnumerable<Step>> first, Func<SimpleLock?> second, KernelThread self, string function, Action? backOff = null)
    {
        while (true)
        {
            foreach (var s in first()) yield return s;
            if (second() is not { } l || l.TryAcquire(self)) yield break;
            backOff?.Invoke();
            yield return Step.Sleep(function, l.Channel);
        }
    }
}
