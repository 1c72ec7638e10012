namespace Uvm.Model.Core;

/// <summary>
/// The generic detectors: rules every kernel path obeys, checked without a bug-specific invariant,
/// the way a DIAGNOSTIC kernel, LOCKDEBUG or KASAN checks them. Lock discipline and use after free
/// are checked by the model's accessors during a step (<see cref="Discipline"/>), sleeping with a
/// spin lock by each thread as its step ends in a sleep (<see cref="KernelThread.AssertMaySleep"/>),
/// lock order at each blocking acquire (<see cref="Core.LockOrder"/>): these four are what
/// <c>--no-detectors</c> turns off. Accounting and links are checked after every step by the
/// invariants of subsystem <c>detector</c> (properties/AccountingDetector.cs,
/// properties/LinkDetector.cs), sleepers at the end of every execution by its liveness properties
/// (properties/SleeperDetector.cs).
/// </summary>
public static class Detector
{
    /// <summary>A protected field is touched only by the thread holding its lock.</summary>
    public const string LockDiscipline = nameof(LockDiscipline);

    /// <summary>A freed kernel object is never touched again.</summary>
    public const string UseAfterFree = nameof(UseAfterFree);

    /// <summary>No thread sleeps, or calls code that may sleep, while it holds a spinning lock.</summary>
    public const string SleepWithSpinLock = nameof(SleepWithSpinLock);

    /// <summary>Two classes of locks are taken in one order only.</summary>
    public const string LockOrder = nameof(LockOrder);

    /// <summary>Every counter equals what it counts, at every step end.</summary>
    public const string Accounting = nameof(Accounting);

    /// <summary>Every pointer kept in both directions agrees with its partner, at every step end.</summary>
    public const string Links = nameof(Links);

    /// <summary>When nothing more can run, every thread still asleep is a daemon idle in its main loop, and no page is left busy.</summary>
    public const string Sleepers = nameof(Sleepers);

    /// <summary>What a process wrote is what it reads back: a clean page equals its backing store, and no completed write is lost.</summary>
    public const string Data = nameof(Data);

    /// <summary>The subsystem of the after-step detector checks: every scenario checks them.</summary>
    public const string Subsystem = "detector";

    /// <summary>Each detector and the kernel rule it enforces, for <c>uvmcheck list</c>.</summary>
    public static IReadOnlyList<(string Name, string Rule)> All { get; } =
    [
        (LockDiscipline, "Each field is read and written only by the thread holding the lock that protects it "
            + "(instrumented today: sys/lwp.h, sched_lock protects l_stat, l_cpu, the run-queue link and L_INMEM; "
            + "uvm_anon.h, an_lock protects an_ref, an_page and an_swslot, except for the thread freeing the anon; "
            + "uvm_page.h, loan_count is modified under the page's owner lock and uvm.pageqlock, a page goes on or off a paging queue under uvm.pageqlock, "
            + "and a PG_BUSY page is mapped, dirtied, lent or wired only by the path that busied it (or the I/O completion of its pageout); uvm_object, "
            + "vmobjlock protects the pages and swap slots of shm, vnode and zero-page objects; uvm_amap.h, am_l protects an "
            + "amap's slots, am_nused and am_ref; uvm_map.c, vm_map_lock protects a process map's entries and tree; kern_proc.c, proclist_lock protects alllwp's links); "
            + "a system call, a fault or any kernel path returns (to user mode, or for good) holding no lock it took (kern_lock.c's "
            + "DIAGNOSTIC l_locks count; nfs_syscalls.c: \"neither release locks already held, nor leave things locked\"); "
            + "a read the kernel makes without it is declared racy and may see any prefix of the last "
            + "critical section's stores."),
        (UseAfterFree, "A kernel object is never read or written after it is freed (instrumented today: an LWP after "
            + "pool_put(&lwp_pool) in lwp_exit2, lwp_wait1 or the reaper; a proc after proc_free (p_stat, P_WEXIT, p_pptr, p_vmspace, p_lwps, p_children); an anon after uvm_anfree "
            + "or uvm_anon_release; an aobj after uao_free; an amap after amap_wipeout's amap_free; a page written after uvm_pagefree put it on the free list)."),
        (SleepWithSpinLock, "No thread context-switches, or calls code that may sleep, while it holds a spinning lock "
            + "(kern_lock.c: LOCKDEBUG's simple_lock_switchcheck() and DIAGNOSTIC's spinlock_switchcheck() in mi_switch(); "
            + "simple_lock_only_held() in pool_get(PR_WAITOK) and malloc(M_WAITOK), which the model extends to spinlockmgr locks: "
            + "a call that may sleep is treated as a sleep): checked at every sleep that is not a spin "
            + "for a lock and every step that may sleep in code the model leaves out, against the simplelocks (an_lock, vmobjlock, "
            + "am_l, pr_slock, uvm.pageqlock, sched_lock, ...) and spinlockmgr locks (proclist_lock) the thread holds."),
        (LockOrder, "Every two classes of locks are taken in one order: a blocking acquire (simple_lock, lockmgr, spinlockmgr; "
            + "never simple_lock_try) of a lock while holding a lock of another class records that order, and the first acquire in "
            + "the opposite order is a reversal, a deadlock whenever the two paths overlap, whether or not this schedule overlapped "
            + "them (the kernel try-locks where it goes against its order: uvm_unloanpage(), \"we are locking in the wrong order, "
            + "so we have to do a try-lock here\"; uvm_anon_lockloanpg(), the object after an_lock)."),
        (Accounting, "Every counter the kernel keeps equals what it counts at the end of every critical section "
            + "(uvmexp.free, active, inactive, wired, paging, swpginuse, swpgonly, the u-area free-list count)."),
        (Sleepers, "When nothing more can run, every kernel thread still asleep is a daemon waiting for work in its main loop "
            + "(the pagedaemon on &uvm.pagedaemon, aiodoned, proc0, the reaper, init, an idle CPU); any other sleeper waits for a "
            + "wakeup or a lock release that never comes (kern_synch.c: tsleep() without a timeout has no other way out): "
            + "a lost wakeup, a lock kept by a path that returned, a deadlock. Likewise no page is still PG_BUSY then, unless a "
            + "declared holder keeps it (a pool page): with no I/O pending, a busy page was left busy by a path that returned."),
        (Links, "Every pointer the kernel keeps in both directions names its partner at the end of every critical section "
            + "(uvm_page.h: anon->an_page and pg->uanon; an object's page at an offset and pg->uobject, pg->offset; "
            + "proc.h: p_pptr and p_children, l_proc and p_lwps), and every state field agrees with the list or object it names "
            + "(an LWP with l_wchan set is asleep, a page with PG_PAGEOUT is on no paging queue, p_vmspace names no freed vmspace, "
            + "an SIDL process has only LSIDL LWPs)."),
        (Data, "What a process wrote is what a later fault finds, wherever the kernel moved the data meanwhile (model/Vm/Content.cs): "
            + "a clean page holds what its backing store holds (uvm_page.h PG_CLEAN; the pagedaemon frees a clean page unwritten), "
            + "and the copy a fault would find of each live anon, aobj page and file page (its page, else its swap slot or file block, "
            + "else zeros) holds the data last written to it; a store lands on the page's own data; and a fault of a private "
            + "mapping maps what the process last read or wrote there (copy-on-write keeps its memory its own): no modify bit lost, "
            + "no slot reused under an owner, no write reaching a page another anon, object or process still shares, no page mapped unfilled."),
    ];
}
