namespace Uvm.Model.Core;

/// <summary>
/// The generic detectors: rules every kernel path obeys, checked without a bug-specific invariant,
/// the way a DIAGNOSTIC kernel, LOCKDEBUG or KASAN checks them. Lock discipline and use after free
/// are checked by the model's accessors during a step (<see cref="Discipline"/>); accounting is
/// checked after every step by the invariants of subsystem <c>detector</c> (properties/AccountingDetector.cs).
/// </summary>
public static class Detector
{
    /// <summary>A protected field is touched only by the thread holding its lock.</summary>
    public const string LockDiscipline = nameof(LockDiscipline);

    /// <summary>A freed kernel object is never touched again.</summary>
    public const string UseAfterFree = nameof(UseAfterFree);

    /// <summary>Every counter equals what it counts, at every step end.</summary>
    public const string Accounting = nameof(Accounting);

    /// <summary>The subsystem of the after-step detector checks: every scenario checks them.</summary>
    public const string Subsystem = "detector";

    /// <summary>Each detector and the kernel rule it enforces, for <c>uvmcheck list</c>.</summary>
    public static IReadOnlyList<(string Name, string Rule)> All { get; } =
    [
        (LockDiscipline, "Each field is read and written only with the lock the kernel's comments say protects it "
            + "(sched_lock: l_stat, l_cpu, the run queue, L_INMEM; an_lock: an_page, an_swslot); a read the kernel makes "
            + "without it is declared racy and may see any prefix of the last critical section's stores."),
        (UseAfterFree, "A kernel object freed (pool_put of an LWP or proc, uvm_anfree, uvm_uarea_free, uvmspace_free) "
            + "is never read or written again through a stale reference."),
        (Accounting, "Every counter the kernel keeps (uvmexp.free, paging, swpginuse, swpgonly, an_ref, loan_count, "
            + "the u-area free-list count, ...) equals what it counts at the end of every critical section."),
    ];
}
