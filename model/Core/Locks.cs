using System.Collections;

namespace Uvm.Model.Core;

/// <summary>
/// simple_lock() on a lock that another CPU may hold across steps (an owner lock held through the
/// two steps of a fault, a vm_map lock held across uvm_mapent_alloc()): the caller spins, modelled
/// as sleeping on the lock's channel until its holder releases it (<see cref="SimpleLock.Release"/>
/// always wakes the sleepers). Every sleep-and-retry on a lock goes through here; a bare
/// <see cref="SimpleLock.TryAcquire"/> is left for the kernel's own simple_lock_try() that gives up.
/// </summary>
/// <remarks>
/// A caller enumerates the result at once (<c>foreach (var s in Locks.Take(...)) yield return s;</c>),
/// so each <c>Take</c> tries the lock when called, not at the first MoveNext: nothing runs in
/// between, so the step is the same. A free lock, the common case, then allocates nothing; only a
/// wait builds the iterator (and the label) that sleeps and tries again.
/// </remarks>
public static class Locks
{
    /// <summary>Takes <paramref name="lock"/>; while another thread holds it, sleeps on it (one step per wait).</summary>
    public static LockWait Take(SimpleLock @lock, KernelThread self, string function) =>
        Taken(@lock, self) ? default : new(Wait(@lock, self, function));

    /// <summary>One try of a blocking acquire: taken, it is ordered against the locks the thread holds (<see cref="LockOrder"/>).</summary>
    private static bool Taken(SimpleLock @lock, KernelThread self)
    {
        if (!@lock.TryAcquire(self)) return false;
        self.Ordered(@lock);
        return true;
    }

    /// <summary>The waits of <see cref="Take(SimpleLock, KernelThread, string)"/> after its first try failed: it tries again before each sleep.</summary>
    private static IEnumerable<Step> Wait(SimpleLock @lock, KernelThread self, string function)
    {
        while (!Taken(@lock, self))
            yield return SleepOn(@lock, self, function);
    }

    /// <summary>
    /// Takes a kernel-wide lock (proclist_lock, kernel_map's lock) for a path that may resume on
    /// another CPU after it slept, so <paramref name="selfOf"/> is asked on every try. A wait's step
    /// is labelled <c>"{function}: {what}"</c>; the label is built only when the lock is held.
    /// </summary>
    public static LockWait Take(SimpleLock @lock, Func<KernelThread> selfOf, string function, string what) =>
        Taken(@lock, selfOf()) ? default : new(Wait(@lock, selfOf, $"{function}: {what}"));

    /// <summary>The waits of <see cref="Take(SimpleLock, Func{KernelThread}, string, string)"/> after its first try failed.</summary>
    private static IEnumerable<Step> Wait(SimpleLock @lock, Func<KernelThread> selfOf, string function)
    {
        while (!Taken(@lock, selfOf()))
            yield return SleepOn(@lock, selfOf(), function);
    }

    /// <summary>
    /// Takes the lock <paramref name="lockOf"/> names, asking again after every wait (the object
    /// it guards may have changed hands while the thread slept); null means there is nothing to
    /// lock. On return the caller holds <c>lockOf()</c>, if any, in its current step.
    /// </summary>
    public static LockWait Take(Func<SimpleLock?> lockOf, KernelThread self, string function) =>
        lockOf() is not { } l || Taken(l, self) ? default : new(Wait(lockOf, self, function));

    /// <summary>
    /// The waits of <see cref="Take(Func{SimpleLock?}, KernelThread, string)"/> for a thread that
    /// stays itself.
    /// </summary>
    private static IEnumerable<Step> Wait(Func<SimpleLock?> lockOf, KernelThread self, string function) =>
        Wait(lockOf, self.AsSelf, function);

    /// <summary>
    /// The waits of <see cref="Take(Func{SimpleLock?}, KernelThread, string)"/> after its first try
    /// failed: asks for the lock and tries it again before each sleep (the failed try changed
    /// nothing, so the first one here fails as well and the thread sleeps).
    /// </summary>
    private static IEnumerable<Step> Wait(Func<SimpleLock?> lockOf, Func<KernelThread> self, string function)
    {
        while (lockOf() is { } l && !Taken(l, self()))
            yield return SleepOn(l, self(), function);
    }

    /// <summary>The sleep of a thread that found <paramref name="lock"/> held: on its channel, which the kernel notes as a lock's.</summary>
    private static Step SleepOn(SimpleLock @lock, KernelThread self, string function)
    {
        self.Kernel.SleepsOn(@lock);
        return Step.Sleep(function, @lock.Channel);
    }

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
            yield return SleepOn(l, self, function);
        }
    }
}

/// <summary>
/// The steps of a lock taken with <see cref="Locks.Take(SimpleLock, KernelThread, string)"/>: none
/// when it was free (the default value, which allocates nothing), else the waits. Enumerate it once.
/// </summary>
public readonly struct LockWait(IEnumerable<Step>? waits) : IEnumerable<Step>
{
    /// <summary>The waits, or an empty enumerator; <c>foreach</c> binds to this, so a free lock boxes nothing.</summary>
    public Enumerator GetEnumerator() => new(waits?.GetEnumerator());

    IEnumerator<Step> IEnumerable<Step>.GetEnumerator() => (waits ?? []).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<Step>)this).GetEnumerator();

    /// <summary>Walks the waits, if any.</summary>
    public struct Enumerator(IEnumerator<Step>? waits) : IDisposable
    {
        /// <summary>The step of the current wait.</summary>
        public readonly Step Current => waits!.Current;

        /// <summary>The next wait, if the lock is still held.</summary>
        public readonly bool MoveNext() => waits is not null && waits.MoveNext();

        /// <summary>Disposes the waits' iterator.</summary>
        public readonly void Dispose() => waits?.Dispose();
    }
}
