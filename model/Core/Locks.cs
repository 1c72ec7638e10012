namespace Uvm.Model.Core;

/// <summary>
/// simple_lock() on a lock that another CPU may hold across steps (an owner lock held through the
/// two steps of a fault): the caller spins, modelled as sleeping on the lock's channel until its
/// holder releases it. A lock taken with <see cref="Take"/> must be dropped with <see cref="Release"/>,
/// which wakes the spinners.
/// </summary>
public static class Locks
{
    /// <summary>Takes <paramref name="lock"/>; while another thread holds it, sleeps on it (one step per wait).</summary>
    public static IEnumerable<Step> Take(SimpleLock @lock, KernelThread self, string function)
    {
        while (!@lock.TryAcquire(self))
            yield return Step.Sleep(function, @lock.Channel);
    }

    /// <summary>simple_unlock(), waking any thread spinning on the lock.</summary>
    public static void Release(Kernel k, SimpleLock @lock, KernelThread self)
    {
        @lock.Release(self);
        k.SleepQueues.Wakeup(@lock.Channel);
    }
}
