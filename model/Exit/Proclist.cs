using Uvm.Model.Core;

namespace Uvm.Model.Exit;

/// <summary>
/// proclist_lock_write() / proclist_unlock_write() of kern_proc.c (2003-04) for the paths that link
/// or unlink processes and LWPs: fork1(), exit1(), lwp_exit(), proc_free(). A writer holds the lock
/// only inside one step; it waits (one step per wakeup) while uvm_swapout_threads() read-holds it
/// across its long sleepers' swapouts. The caller passes <c>self</c> as a function because an LWP
/// may run on another CPU after it slept.
/// </summary>
public static class Proclist
{
    /// <summary>proclist_lock_write(): sleep while the swapout walk holds the lock; take it in the caller's next step.</summary>
    public static LockWait LockWrite(Kernel k, Func<KernelThread> self, string function) =>
        Locks.Take(k.ProcListLock, self, function, "proclist_lock_write");

    /// <summary>proclist_unlock_write().</summary>
    public static void UnlockWrite(Kernel k, KernelThread self) => k.ProcListLock.Release(k, self);
}
