using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Uvm.Model.Core;

/// <summary>
/// The lock-discipline and use-after-free detectors, one per kernel. The model's accessors of
/// protected fields call <see cref="Read"/> and <see cref="Write"/> with the field's lock; freeable
/// objects call <see cref="Touch"/>. Outside a step (boot, invariants, explain) nothing is checked;
/// inside one a check is a field compare, and only a violation builds a message.
/// <para>
/// Racy reads: a read the kernel makes without the lock goes through <see cref="Racy"/>. Every
/// locked write appends (object, field, old value) to the store log of the current step; the log
/// keeps the most recent step that wrote protected fields, for the step right after it only. A
/// racy read from that next step, by a thread that step did not wake, sees a prefix of those stores: to it the critical section is a sequence of single-field
/// stores, and a field in the unseen suffix reads its old value. The prefix is chosen lazily, one
/// read at a time, through <see cref="Kernel.Choice"/> (so schedules replay): a read asks only
/// when the prefixes still possible give it different values, and then only over those values
/// (choice 0: the newest, as if it saw every store), so an explorer never branches on a read that
/// can observe one value only. The prefixes still possible after the step's earlier reads form an
/// interval, narrowed by each answer, so every read of the step agrees with one prefix.
/// </para>
/// </summary>
public sealed class Discipline(Kernel kernel) : IStateShown
{
    /// <summary>One logged store: the object, the field's name, and the value before the store.</summary>
    private struct Store
    {
        public object Obj;
        public string Field;
        public long Old;
        public object? OldRef;
    }

    /// <summary>
    /// The stores of the most recent step that wrote protected fields, in order. Grown when a step
    /// stores more (every protected field's store is logged: LWPs' sched_lock fields, anons, amaps,
    /// objects, maps, loan_count), and every schedule boots a kernel with a new log, so it starts
    /// small.
    /// </summary>
    [NotState("shown by Show while the next step may read it")]
    private Store[] _log = new Store[8];

    /// <summary>How many entries of <see cref="_log"/> are in use.</summary>
    [NotState("shown by Show while the next step may read it")]
    private int _count;

    /// <summary>The step whose stores <see cref="_log"/> holds.</summary>
    [NotState("a step number; Show says whether it is the last step's")]
    private int _logStep = -1;

    /// <summary>The thread that ran the logged step.</summary>
    [NotState("shown by Show while the next step may read it")]
    private KernelThread? _writer;

    /// <summary>The step whose racy reads narrowed the prefix, and the prefix lengths still possible, [_lo, _hi].</summary>
    /// <remarks>
    /// Between steps these decide nothing: the next step starts with a higher
    /// <see cref="StepSerial"/>, so its first racy read sets them afresh.
    /// </remarks>
    [NotState("reset by the first racy read of the next step")]
    private int _seenStep = -1, _lo, _hi;

    /// <summary>The field group under which verify records reads and writes of the store log (<see cref="Kernel.Accesses"/>).</summary>
    private const string StoreLog = "store log";

    /// <summary>Detectors on (the default); off only to measure what they cost.</summary>
    public bool On { get; set; } = true;

    /// <summary>Atomic steps started so far; the step running now is <c>StepSerial - 1</c> in the step log.</summary>
    [field: NotState("only grows; what decides is whether a step number is the last step's, which Show and KernelThread.Show say")]
    public int StepSerial { get; private set; }

    /// <summary>
    /// Called as each step starts. The stores of a step can be half-seen only by the step that
    /// runs right after it: a later step of a thread that was runnable then could have read while
    /// the section ran only if no other step came between, and a store completed before that reads
    /// its new value (the unlock is a barrier). So the log of any earlier step is dropped.
    /// <para>
    /// For verify, only stores to a field some code reads racily (<see cref="RacilyRead"/>) make
    /// the log matter: a log without them changes no read. Every step reads whether the log it
    /// inherits holds such a store; one that does is dropped by this step, which then writes the
    /// log, and so does a step that stores such a field. Two steps that only read it commute: in
    /// either order each sees no such store and leaves none (docs/verify.md, "The store log").
    /// </para>
    /// </summary>
    internal void StepStarted()
    {
        StepSerial++;
        if (!On) return;
        if (_logStep < StepSerial - 1) _count = 0;
        if (kernel.Accesses is null) return;
        if (HoldsRacilyReadStore()) kernel.Writes("detectors", 0, StoreLog);
        else kernel.Reads("detectors", 0, StoreLog);
    }

    /// <summary>
    /// The fields the model reads without their lock (<see cref="Racy"/>): l_stat, L_INMEM and l_cpu
    /// of an LWP (model/Sched/Lwp.cs; l_cpu only under switch pr31870, whose assertion reads it, and
    /// cpu_switch() stores it together with l_stat), and the default's swap-in mark L_SWAPPINGIN,
    /// which proc0's walk reads beside L_INMEM. A store to any other field is logged but no read
    /// can half-see it.
    /// </summary>
    public static bool RacilyRead(string field) => field is "l_stat" or "L_INMEM" or "l_cpu" or "L_SWAPPINGIN";

    /// <summary>
    /// <see cref="RacilyRead"/>, and p_nrlwps in a kernel whose lwp_exit() counts itself out without
    /// sched_lock (switch pr29652, <see cref="Sched.Proc.RacyNrlwps"/>); the fixed kernel never reads
    /// it racily, so its stores stay out of the store log's footprint there.
    /// </summary>
    private bool IsRacilyRead(string field) => RacilyRead(field) || (_nrlwpsRacy && field == "p_nrlwps");

    /// <summary>Whether this kernel reads p_nrlwps racily (<see cref="IsRacilyRead"/>), from its configuration.</summary>
    private readonly bool _nrlwpsRacy = kernel.Config.Has(Switches.Pr29652);

    /// <summary>True when the log visible to the running step holds a store to a racily read field.</summary>
    private bool HoldsRacilyReadStore()
    {
        for (int i = 0; i < _count; i++)
            if (IsRacilyRead(_log[i].Field)) return true;
        return false;
    }

    /// <summary>
    /// What of the store log the next step may read: nothing unless the log is the last step's
    /// (<see cref="StepStarted"/> drops any older one), and then its stores and writer.
    /// </summary>
    public void Show(IStateMixer state)
    {
        bool live = _logStep == StepSerial;
        state.Value(live ? _count : -1);
        if (!live) return;
        state.Ref(_writer);
        for (int i = 0; i < _count; i++)
        {
            state.Ref(_log[i].Obj);
            state.Text(_log[i].Field);
            state.Value(_log[i].Old);
            state.Ref(_log[i].OldRef);
        }
    }

    /// <summary>A read of <paramref name="field"/> of <paramref name="obj"/>, which <paramref name="lk"/> protects.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Read(IOwnedLock lk, object obj, string field)
    {
        var r = kernel.Running;
        if (r is null || lk.Owner == r || !On) return;
        throw NotHeld(lk, obj, field, r, "read");
    }

    /// <summary>
    /// A write of a field that <paramref name="lk"/> protects, checked only, its store not logged
    /// for racy reads: a field no step reads without the lock (a pool's lists), or one that
    /// <paramref name="lk"/> protects together with the lock a <see cref="Write(IOwnedLock, object, string, long)"/>
    /// of the same store checks (pg->loan_count, "to modify: [O _and_ P]"), which logs it once.
    /// </summary>
    public void WriteAlsoUnder(IOwnedLock lk, object obj, string field)
    {
        var r = kernel.Running;
        if (r is null || lk.Owner == r || !On) return;
        throw NotHeld(lk, obj, field, r, "written");
    }

    /// <summary>
    /// A write of a field of a map that <paramref name="busyOwner"/> has VM_MAP_BUSY (null: the map
    /// is not busy): vm_map_busy() keeps every other thread's write lock out until
    /// vm_map_unbusy() (uvm_map.h), so only the owner may write the map's entries meanwhile.
    /// </summary>
    public void WriteWhileBusy(KernelThread? busyOwner, object obj, string field)
    {
        var r = kernel.Running;
        if (r is null || busyOwner is null || busyOwner == r || !On) return;
        throw NotHeld("VM_MAP_BUSY", busyOwner, obj, field, r, "written");
    }

    /// <summary>A write of a scalar field; <paramref name="old"/> is its value before the store.</summary>
    public void Write(IOwnedLock lk, object obj, string field, long old) => Write(lk, obj, field, old, null);

    /// <summary>A write of a reference field; <paramref name="old"/> is its value before the store.</summary>
    public void WriteRef(IOwnedLock lk, object obj, string field, object? old) => Write(lk, obj, field, 0, old);

    private void Write(IOwnedLock lk, object obj, string field, long old, object? oldRef)
    {
        var r = kernel.Running;
        if (r is null || !On) return;
        if (lk.Owner != r) throw NotHeld(lk, obj, field, r, "written");
        if (IsRacilyRead(field)) kernel.Writes("detectors", 0, StoreLog);
        if (_logStep != StepSerial)
        {
            _logStep = StepSerial;
            _writer = r;
            _count = 0;
        }
        if (_count == _log.Length) Array.Resize(ref _log, _count * 2);
        _log[_count++] = new Store { Obj = obj, Field = field, Old = old, OldRef = oldRef };
    }

    /// <summary>
    /// A write of <paramref name="field"/> of <paramref name="obj"/>, which the 2003-04 kernel
    /// protects by the big lock alone (kernel_lock; model/Core/KernelLock.cs): struct proc's
    /// process-context state and a vmspace's vm_refcnt ("XXX: no locking on vmspace", uvm_map.c),
    /// whose unlocked updates are atomic only because every writer holds kernel_lock. A step that
    /// writes one without it (the idle loop, lwp_exit2() after cpu_exit(), a path moved past its
    /// KERNEL_PROC_UNLOCK) races with every other CPU. Checked only when the big lock is modelled.
    /// </summary>
    public void BigLockWrite(object obj, string field)
    {
        var r = kernel.Running;
        if (r is null || !On || kernel.StepUnderBigLock) return;
        throw NotHeld("kernel_lock", kernel.BigLock.Holder, obj, field, r, "written");
    }

    /// <summary>
    /// A racy read of a scalar field the kernel reads without its lock: the value this step sees
    /// of <paramref name="current"/>, which may be the value before an unseen store of the last section.
    /// </summary>
    public long Racy(object obj, string field, long current)
    {
        int i = Unseen(obj, field, current, null);
        return i < 0 ? current : _log[i].Old;
    }

    /// <summary>A racy read of a reference field; see <see cref="Racy"/>.</summary>
    public T? RacyRef<T>(object obj, string field, T? current) where T : class
    {
        int i = Unseen(obj, field, 0, current);
        return i < 0 ? current : (T?)_log[i].OldRef;
    }

    /// <summary>
    /// The store whose old value this read returns, or -1 for the current value. With the prefix
    /// length <c>seen</c> in [_lo, _hi], the read returns the first store to the field at index
    /// <c>seen</c> or later. The stores to the field inside [_lo, _hi) cut the interval into
    /// parts; adjacent parts that give the same value are one outcome. Only more than one outcome
    /// is a choice, and its answer narrows the interval to that outcome's part.
    /// </summary>
    private int Unseen(object obj, string field, long current, object? currentRef)
    {
        var r = kernel.Running;
        if (!IsRacilyRead(field)) throw new InvalidOperationException($"racy read of {field}, which Discipline.RacilyRead does not list");
        // A thread the logged step woke was asleep while it ran: it reads what the step left.
        if (r is null || !On || _count == 0 || _writer == r || r.WokenInStep == _logStep) return -1;
        if (_seenStep != StepSerial)
        {
            _seenStep = StepSerial;
            (_lo, _hi) = (0, _count);
        }
        int beyond = -1; // the first store to the field at or after _hi: unseen by every prefix left
        for (int i = _hi; i < _count && beyond < 0; i++)
            if (Matches(i, obj, field)) beyond = i;
        int k = 0;
        for (int i = _lo; i < _hi; i++)
            if (Matches(i, obj, field)) k++;
        // What the read returns depends on the log, whose read StepStarted() recorded.
        if (k == 0) return beyond;
        // Parts from the newest: part 0 is seen in (m[k-1], _hi] and returns beyond; part j
        // (1..k) is seen in (m[k-j-1], m[k-j]] (from _lo for j = k) and returns m[k-j].
        var m = new int[k];
        for (int i = _lo, n = 0; i < _hi; i++)
            if (Matches(i, obj, field)) m[n++] = i;
        var groupStart = new int[k + 1]; // the first part of each outcome
        int groups = 0;
        for (int j = 0; j <= k; j++)
            if (j == 0 || !SameValue(Store(j - 1), Store(j))) groupStart[groups++] = j;
        if (groups == 1) return beyond;
        int g = kernel.Choice.Integer(groups);
        int first = groupStart[g], last = g + 1 < groups ? groupStart[g + 1] - 1 : k;
        // The outcome's parts span seen in (m[k-last-1], m[k-first]] (or from _lo, up to _hi for part 0).
        int newHi = first == 0 ? _hi : m[k - first];
        int newLo = last == k ? _lo : m[k - last - 1] + 1;
        (_lo, _hi) = (newLo, newHi);
        return Store(first);

        int Store(int part) => part == 0 ? beyond : m[k - part];

        bool SameValue(int a, int b) =>
            (a < 0 ? current : _log[a].Old) == (b < 0 ? current : _log[b].Old)
            && ReferenceEquals(a < 0 ? currentRef : _log[a].OldRef, b < 0 ? currentRef : _log[b].OldRef);
    }

    private bool Matches(int i, object obj, string field) =>
        ReferenceEquals(_log[i].Obj, obj) && ReferenceEquals(_log[i].Field, field);

    /// <summary>
    /// Poisons an object: <paramref name="function"/> of the running thread frees it now. An object
    /// freed already is a double free, reported as a use after free (KASAN's "double-free", and the
    /// pool allocator's DIAGNOSTIC "pool_put: ... freeing free item"): the second free hands
    /// memory some other path may already hold back to the allocator.
    /// </summary>
    public void Free(ref Poison poison, string function, object obj)
    {
        if (poison.FreedIn is not null) FreedTwice(poison, function, obj);
        poison.FreedIn = function;
        poison.FreedBy = kernel.Running?.Name ?? "boot";
        poison.FreedAt = StepSerial - 1;
    }

    /// <summary>
    /// Poisons an object of a kernel with detectors (<paramref name="d"/>) or, with none (an object
    /// built alone in a test), only marks it freed.
    /// </summary>
    public static void Free(Discipline? d, ref Poison poison, string function, object obj)
    {
        if (d is not null) d.Free(ref poison, function, obj);
        else poison.FreedIn = function;
    }

    /// <summary>
    /// A reference count that keeps <paramref name="obj"/> alive (an_ref, am_ref, uo_refs,
    /// vm_refcnt) is set from <paramref name="old"/> to <paramref name="value"/> by the running step.
    /// Two moves break the rule every such count obeys. Below 0: a reference dropped twice. Up from
    /// 0: a reference taken on an object whose last reference is gone, which the thread that dropped
    /// it frees, so the new holder's pointer goes stale. The 2003-04 code states the second where it
    /// frees: uvm_anfree()'s KASSERT(anon->an_ref == 0) (uvm_anon.c 1.21.4.2), amap_unref()'s
    /// wipeout at am_ref 0 (uvm_amap.c), uao_detach_locked()'s "if (uobj->uo_refs) return" before
    /// it unlinks and frees the aobj (uvm_aobj.c 1.39.2.6), uvmspace_free()'s "if (--vm->vm_refcnt
    /// == 0)" (uvm_map.c). Both moves are reported as a use after free, the bug they lead to.
    /// </summary>
    /// <remarks>Inlined into the counts' setters: a legal move costs two compares, a drop to 0 also
    /// notes its thread and step in <paramref name="last"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Counted(object obj, string field, int old, int value, ref LastReference last)
    {
        if (value == 0 && old > 0) last = new LastReference { DroppedBy = kernel.Running?.Name, DroppedAt = StepSerial - 1 };
        else if (value < 0 || (old == 0 && value > 0)) Miscounted(obj, field, old, value, last);
    }

    /// <summary>A reference count moved below 0 or up from 0: a violation inside a step (boot sets counts freely).</summary>
    private void Miscounted(object obj, string field, int old, int value, in LastReference last)
    {
        if (kernel.Running is not { } r || !On) return;
        var dropped = last.DroppedBy is { } by ? $"; {by} dropped the last reference at step {last.DroppedAt}" : "";
        throw new DetectorViolationException(Detector.UseAfterFree, value < 0
            ? $"reference count underflow: {field} of {obj} went from {old} to {value}, set by {r.Name} in {Caller(obj)}{dropped}"
            : $"reference taken on a dying object: {field} of {obj} went from 0 to {value}, set by {r.Name} in {Caller(obj)}{dropped} (and frees it)");
    }

    /// <summary>An access to <paramref name="obj"/>: a violation if it was freed.</summary>
    /// <remarks>Inlined into every accessor: a live object costs one compare; the rest is <see cref="Touched"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(in Poison poison, object obj)
    {
        if (poison.FreedIn is not null) Touched(poison, obj);
    }

    /// <summary>A second free of <paramref name="obj"/>: a violation inside a step.</summary>
    private void FreedTwice(in Poison poison, string function, object obj)
    {
        if (kernel.Running is not { } r || !On) return;
        throw new DetectorViolationException(Detector.UseAfterFree,
            $"double free: {obj} freed by {poison.FreedBy} in {poison.FreedIn} at step {poison.FreedAt}, freed again by {r.Name} in {function}");
    }

    /// <summary>An access to a freed object: a violation inside a step (outside one, invariants may look).</summary>
    private void Touched(in Poison poison, object obj)
    {
        if (kernel.Running is not { } r || !On) return;
        throw new DetectorViolationException(Detector.UseAfterFree,
            $"use after free: {obj} freed by {poison.FreedBy} in {poison.FreedIn} at step {poison.FreedAt}, touched by {r.Name} in {Caller(obj)}");
    }

    private static DetectorViolationException NotHeld(IOwnedLock lk, object obj, string field, KernelThread r, string how) =>
        NotHeld(lk.Name, lk.Owner, obj, field, r, how);

    /// <summary>The report of an access to <paramref name="field"/> without <paramref name="lockName"/>, which <paramref name="owner"/> holds (or nobody).</summary>
    private static DetectorViolationException NotHeld(string lockName, KernelThread? owner, object obj, string field, KernelThread r, string how) =>
        new(Detector.LockDiscipline, $"lock {lockName} of {field} ({obj}) not held by {r.Name} in {Caller(obj)}: {field} {how} "
            + (owner is { } o ? $"while {o.Name} holds it" : "while nobody holds it"));

    /// <summary>
    /// The model method that made the access: the first frame outside the detectors and the
    /// accessed object's class, with iterator and lambda names unmangled (<c>&lt;SwapoutLwp&gt;d__5</c> → SwapoutLwp).
    /// Only a violation pays for the stack walk.
    /// </summary>
    private static string Caller(object obj)
    {
        foreach (var frame in new StackTrace().GetFrames())
        {
            var m = frame.GetMethod();
            if (m?.DeclaringType is not { } t || t.Namespace == typeof(Discipline).Namespace || t == obj.GetType()) continue;
            if (m.Name.StartsWith("get_", StringComparison.Ordinal) || m.Name.StartsWith("set_", StringComparison.Ordinal)) continue;
            var name = m.Name == "MoveNext" ? t.Name : m.Name;
            int open = name.IndexOf('<'), close = name.IndexOf('>');
            return open >= 0 && close > open ? name[(open + 1)..close] : name;
        }
        return "?";
    }
}
