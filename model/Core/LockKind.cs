namespace Uvm.Model.Core;

/// <summary>
/// What a kernel lock does to a thread that finds it held, and so what its holder may do
/// (sys/lock.h, kern/kern_lock.c of 2003-04). A holder of a spinning lock must not sleep:
/// mi_switch() checks it (LOCKDEBUG's simple_lock_switchcheck(), DIAGNOSTIC's
/// spinlock_switchcheck()), and so do the allocators that may sleep (LOCKDEBUG's
/// <c>simple_lock_only_held(NULL, "pool_get(PR_WAITOK)")</c> in subr_pool.c and
/// <c>simple_lock_only_held(NULL, "malloc")</c> in kern_malloc.c, which walk the simplelocks only;
/// the model treats a spinlockmgr lock held there the same, as a call that may sleep):
/// <see cref="Detector.SleepWithSpinLock"/>.
/// </summary>
public enum LockKind
{
    /// <summary>A simplelock (simple_lock()): an_lock, vmobjlock, am_l, pr_slock, uvm.pageqlock, sched_lock.</summary>
    Simple,

    /// <summary>A lockmgr lock initialised with spinlockinit() (LK_SPIN): proclist_lock. Counted in ci_spin_locks.</summary>
    SpinMgr,

    /// <summary>A lockmgr sleep lock (vm_map_lock(), lockinit() without LK_SPIN): a waiter sleeps, and its holder may sleep.</summary>
    Sleep,
}
