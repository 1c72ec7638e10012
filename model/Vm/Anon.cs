using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// struct vm_anon (uvm_anon.h): one page of anonymous memory. <see cref="Lock"/> (an_lock)
/// protects <see cref="RefCount"/> (an_ref), <see cref="Page"/> (an_page) and
/// <see cref="SwSlot"/> (an_swslot) ("[an_lock]" in uvm_anon.h): a step that reads or writes one
/// without holding it is a lock-discipline violation (model/Core/Discipline.cs), unless its thread
/// took an_ref to 0 and frees the anon. Not modelled, so stricter than the kernel: uvm_anon.h also
/// lets a thread that holds an_page PG_BUSY read an_swslot unlocked (no model path needs it).
/// an_swslot != 0 iff a copy is on swap. uvm_anfree() (or uvm_anon_release() for a PG_RELEASED page) returns it
/// to the anon free list (<see cref="Free"/>): from then on a step that reads or writes an_ref,
/// an_page or an_swslot through a stale pointer is a use after free (model/Core/Discipline.cs).
/// Amaps hold anons in the copy-on-write scenarios (<see cref="Amap"/>); in the paging scenarios
/// each user process owns its anons directly, without one.
/// </summary>
public sealed class Anon(int id, Kernel? kernel = null)
{
    /// <summary>The detectors of the kernel the anon lives in; null for an anon built alone in a unit test.</summary>
    private readonly Discipline? _d = kernel?.Discipline;

    /// <summary>The write versions of that kernel.</summary>
    private readonly WriteVersions? _versions = kernel?.Versions;

    /// <summary>Backing fields of the poisoned state.</summary>
    private int _refCount = 1, _swSlot;
    private Page? _page;

    /// <summary>Where uvm_anfree() freed it.</summary>
    private Poison _poison;

    /// <summary>Who dropped the reference count to 0 (<see cref="Discipline.Counted"/>).</summary>
    private LastReference _lastReference;

    /// <summary>The kernel, for the running thread; null for an anon built alone in a unit test.</summary>
    private readonly Kernel? _kernel = kernel;

    /// <summary>The thread whose step took an_ref to 0, while it is 0: the one that frees the anon.</summary>
    private KernelThread? _lastRefDroppedBy;

    /// <summary>A global anon number, used in messages and lock names.</summary>
    public int Id { get; } = id;

    /// <summary>an_ref: references from amaps; 0 once uvm_anfree() ran.</summary>
    public int RefCount
    {
        get { Locked("an_ref"); return _refCount; }
        internal set
        {
            Stored("an_ref", _refCount, null);
            _d?.Counted(this, "an_ref", _refCount, value, ref _lastReference);
            V();
            _refCount = value;
            _lastRefDroppedBy = value == 0 ? _kernel?.Running : null;
        }
    }

    /// <summary>
    /// an_ref read without an_lock, as uvm_anfree()'s entry KASSERT(anon->an_ref == 0) reads it
    /// (uvm_anon.c 1.21.4.2: "anon must be unlocked and have a zero reference count"). It reads
    /// the latest value; a freed anon is still a use after free.
    /// </summary>
    public int RefCountUnlocked
    {
        get { Touch(); return _refCount; }
    }

    /// <summary>an_page: the resident page, or null.</summary>
    public Page? Page
    {
        get { Locked("an_page"); return _page; }
        internal set { Stored("an_page", 0, _page); V(); _page = value; }
    }

    /// <summary>an_swslot: the swap slot holding a copy, 0 if none.</summary>
    public int SwSlot
    {
        get { Locked("an_swslot"); return _swSlot; }
        internal set { Stored("an_swslot", _swSlot, null); V(); _swSlot = value; }
    }

    /// <summary>
    /// The data a process last wrote to the anon through a mapping, or the data it was made with
    /// (zeros, or the page uvm_pagecopy() copied): what its page, or else its swap slot, must hold
    /// (properties/DataDetector.cs). Kept by the model, not the kernel; not lock-checked.
    /// </summary>
    public Content? Written { get => _written; internal set { Touch(); V(); _written = value; } }

    /// <summary>Backs <see cref="Written"/>.</summary>
    private Content? _written;

    /// <summary>an_lock.</summary>
    public SimpleLock Lock { get; } = new($"an_lock of anon {id}", LockKind.Simple, "an_lock");

    /// <summary>The anon is back on the free list.</summary>
    public bool Freed => _poison.Freed;

    /// <summary>uvm_anfree() or uvm_anon_release() in <paramref name="function"/>: the anon is poisoned.</summary>
    internal void Free(string function)
    {
        V();
        Discipline.Free(_d, ref _poison, function, this);
    }

    /// <summary>An access to a field: a use-after-free violation during a step once the anon is freed.</summary>
    private void Touch() => _d?.Touch(_poison, this);

    /// <summary>
    /// A read of a field an_lock protects: the anon is live, and an_lock is held unless this
    /// thread dropped the last reference ("anon must be locked or have a reference count of 0",
    /// uvm_anon.c uvm_anon_dropswap(); the caller of uvm_anfree() reads and clears an_page and
    /// an_swslot unlocked). Any other thread still needs an_lock: a dying anon stays reachable
    /// through pg->uanon until uvm_anfree() has run.
    /// </summary>
    private void Locked(string field)
    {
        Touch();
        if (_kernel?.Running is not null && !FreedByThisThread()) _d?.Read(Lock, this, field);
    }

    /// <summary>True when the running thread took an_ref to 0 and it is still 0 (see <see cref="Locked"/>).</summary>
    private bool FreedByThisThread() => _refCount == 0 && _lastRefDroppedBy is { } t && t == _kernel?.Running;

    /// <summary>A write of a field an_lock protects (see <see cref="Locked"/>); <paramref name="old"/> or <paramref name="oldRef"/> is its value before.</summary>
    private void Stored(string field, long old, object? oldRef)
    {
        Touch();
        if (_d is null || FreedByThisThread()) return;
        if (oldRef is null) _d.Write(Lock, this, field, old);
        else _d.WriteRef(Lock, this, field, oldRef);
    }

    /// <inheritdoc/>
    public override string ToString() => $"anon {Id}";

    /// <summary>A write to the anons (<see cref="StateDomain.Anons"/>).</summary>
    private void V() => _versions?.Bump(StateDomain.Anons);
}
