using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// struct vm_page: a physical page. Its queue and wire/loan counts are protected by uvm.pageqlock,
/// its flags and owner link by the owner's lock (an_lock or vmobjlock). The owner is an anon
/// (PQ_ANON, <see cref="Anon"/>) or an object (<see cref="Object"/> at page <see cref="Index"/>,
/// PQ_AOBJ), or none for a free or disowned (loaned) page. As in uvm_loan.c, pg->uanon without
/// PQ_ANON is an anon that borrows the page (an O->A loan, counted in loan_count), not its owner.
/// <see cref="Referenced"/> stands for the pmap reference bit; the pmap modified bit is folded into
/// PG_CLEAN where the model's fault makes the store (anon, shm and copy-on-write faults), and kept
/// apart (<see cref="PmapModified"/>) for a store the MMU makes through a mapping a pmap already
/// has, and for every store of a file user, whose fault only maps the page (uvm_fault.c 1.113
/// case 2; model/Threads/FileUser.cs).
/// <para>
/// The lock-discipline detector checks writes of <see cref="LoanCount"/> by uvm_page.h's rule for
/// them: "to modify: [O _and_ P]" (P uvm.pageqlock; O the lock uvm_unloanpage() try-locks for the
/// page, <see cref="OwnerLock"/>: its object's, else its anon's, owner or borrower; a page with
/// neither has P only). Its reads ("[O or P]") are not checked: the kernel reads it unprotected where it knows the
/// answer may be stale (uvm_anon_lockloanpg(): "the test for pg->loan_count is not protected") and in
/// uvm_pagefree() of a pool page (uvm_km_free_poolpage1() frees it with neither lock where the pmap
/// unmaps pool pages directly). A move onto or off a paging queue (<see cref="Queue"/> active or
/// inactive) is checked against uvm.pageqlock; the free list is uvm.fpageqlock's and is not. PG_BUSY
/// is the page's own lock: a path that maps, dirties, lends or wires a page another path has busy
/// is reported (<see cref="UsedWhileBusy"/>). uvm_page.h's other rules are checked too (session 26):
/// flags "[O]" and the identity fields uanon, uobject and offset "(O,P)" against the owner's lock
/// (not against uvm.pageqlock, which uvm_loan.c does not hold for them), wire_count and pqflags (PQ_ANON) "[P]" against
/// uvm.pageqlock, except in the step that allocated the page (uvm_pagealloc_strat() sets them
/// under uvm.fpageqlock before anyone else can reach it) and inside uvm_pagefree(), whose caller
/// must hold the owner's lock as it starts. A path that kept a pointer to a page across a sleep and
/// writes it under the lock of the page's former owner, after the page was freed and allocated
/// to another, is reported by the first of them.
/// </para>
/// </summary>
public sealed class Page(int number, WriteVersions? versions = null, Kernel? kernel = null)
{
    /// <summary>The write versions of the kernel; null for a page built alone in a test.</summary>
    private readonly WriteVersions? _versions = versions;

    /// <summary>The kernel, for the detectors; null for a page built alone in a test.</summary>
    private readonly Kernel? _kernel = kernel;

    /// <summary>Backs <see cref="LoanCount"/>.</summary>
    private int _loanCount;

    /// <summary>Where uvm_pagefree() freed the page, until uvm_pagealloc() takes it again.</summary>
    [NotState("set exactly while the page is on the free list (Queue); who freed it and when are only in the use-after-free message")]
    private Poison _poison;

    /// <summary>A global page number, used in messages ("page 3").</summary>
    public int Number { get; } = number;

    /// <summary>The paging queue it is on.</summary>
    public PageQueue Queue
    {
        get;
        internal set
        {
            V();
            // uvm_page.h: the paging queues (PQ_ACTIVE, PQ_INACTIVE) are uvm.pageqlock's ("PQ_ ==>
            // lock by page queue lock"): a page goes on or off one only under it. The free list is
            // uvm.fpageqlock's, so uvm_pagealloc() and the uvm_pagefree() of a page on no paging
            // queue (uvm_km_free_poolpage1() frees a pool page with neither lock held) are not checked.
            if (value != field && (IsPagingQueue(field) || IsPagingQueue(value)) && _kernel is { Running: not null, Discipline: var d })
                d.WriteAlsoUnder(_kernel.Vm.PageQueueLock, this, "pageq");
            field = value;
        }
    } = PageQueue.Free;

    private static bool IsPagingQueue(PageQueue q) => q is PageQueue.Active or PageQueue.Inactive;

    /// <summary>pg->flags.</summary>
    public PageFlags Flags
    {
        get;
        internal set
        {
            V();
            OwnerFieldStored("flags");
            var was = field;
            if ((was & PageFlags.Busy) == 0 && (value & PageFlags.Busy) != 0) _busyPath = _kernel?.Running?.PathOwner;
            else if ((was & PageFlags.Busy) != 0 && (value & PageFlags.Busy) == 0) _busyPath = null;
            else if ((was & value & PageFlags.Busy) != 0 && (was & PageFlags.Clean) != 0 && (value & PageFlags.Clean) == 0) UsedWhileBusy("dirtied");
            field = value;
        }
    }

    /// <summary>
    /// The path that set PG_BUSY (<see cref="Core.KernelThread.PathOwner"/>), while the page is
    /// busy and was busied inside a step; null otherwise.
    /// </summary>
    private object? _busyPath;

    /// <summary>
    /// uvm_page.h: PG_BUSY means the page is locked by its owner (UVM_PAGE_OWN); any other path
    /// that wants the page sets PG_WANTED and sleeps on it (uvmfault_anonget(), uvm_fault()'s
    /// object case, uvm_loanuobj(), uao_get(), uvm_km_pgremove()), and uvm_anfree() of a busy page
    /// only marks it PG_RELEASED for the owner to free. So while the page is busy nobody but its
    /// owner, or the I/O completion acting for the pageout it started, maps it (the reference
    /// bit), dirties it, lends it or wires it: a path that does used a page it had not waited for,
    /// whose contents the owner is still reading in or writing out. Nor does it deactivate it:
    /// uvm_pagedeactivate() clears the reference bit of every mapping (pmap_clear_reference()),
    /// and the pagedaemon's scans both skip a busy page ("skip this page if it's busy",
    /// uvm_pdaemon.c). Checked by the lock-discipline detector (PG_BUSY is the page's sleep lock),
    /// inside a step only.
    /// </summary>
    internal void UsedWhileBusy(string what)
    {
        if (_busyPath is null || _kernel is not { Running: { } r, Discipline.On: true }) return;
        if (r.CompletesIo || ReferenceEquals(r.PathOwner, _busyPath)) return;
        throw new DetectorViolationException(Detector.LockDiscipline,
            $"{this} is PG_BUSY (owner {BusyOwner ?? "untracked"}, busied by {_busyPath}) and {what} by {r.Name}, which did not busy it");
    }

    /// <summary>pg->uanon: the anon that owns it (with <see cref="PqAnon"/>) or borrows it (without), or null.</summary>
    public Anon? Anon { get; internal set { V(); OwnerFieldStored("uanon"); field = value; } }

    /// <summary>pg->pqflags &amp; PQ_ANON: <see cref="Anon"/> owns the page rather than borrows it.</summary>
    public bool PqAnon { get; internal set { V(); QueueFieldStored("pqflags"); field = value; } }

    /// <summary>The anon that owns the page (uanon with PQ_ANON), or null.</summary>
    public Anon? OwnerAnon => PqAnon ? Anon : null;

    /// <summary>pg->uobject: the object that owns it (PQ_AOBJ), or null.</summary>
    public AObj? Object { get; internal set { V(); OwnerFieldStored("uobject"); field = value; } }

    /// <summary>pg->offset &gt;&gt; PAGE_SHIFT within <see cref="Object"/>.</summary>
    public int Index { get; internal set { V(); OwnerFieldStored("offset"); field = value; } }

    /// <summary>pg->loan_count: loans to the kernel or to anons (uvm_loan.c); never negative.</summary>
    public int LoanCount
    {
        get => _loanCount;
        internal set { LoanStored(); V(); if (value > _loanCount && Busy) UsedWhileBusy("lent"); _loanCount = value; }
    }

    /// <summary>
    /// A write of a field uvm_page.h gives to the page's owner ("flags: object flags [O]"), or of an
    /// identity field ("uanon, uobject, offset: (O,P)"), whose P is not checked: uvm_loanuobj() and
    /// uvm_loanzero() set pg->uanon of a new borrowing anon before uvm_lock_pageq() (uvm_loan.c).
    /// Checked against <see cref="OwnerLock"/> when the page has an owner or a borrowing anon. Writes made
    /// inside uvm_pagefree() are not checked one by one: its caller's owner lock is checked once, as
    /// it starts (<see cref="InAllocator"/>), and the page changes hands inside it.
    /// </summary>
    private void OwnerFieldStored(string f)
    {
        if (_inAllocator || _kernel is not { Running: not null, Discipline: var d }) return;
        if (OwnerLock is { } owner) d.WriteAlsoUnder(owner, this, f);
    }

    /// <summary>
    /// A write of a field uvm_page.h gives to uvm.pageqlock ("wire_count: wired down map refs [P]",
    /// "pqflags: page queue flags [P]"). Not checked inside uvm_pagefree() (the pool's pages are
    /// freed without it: uvm_km_free_poolpage1()) nor in the step whose uvm_pagealloc() took the page
    /// off the free list: uvm_pagealloc_strat() sets pqflags under uvm.fpageqlock while nobody else
    /// can reach the page.
    /// </summary>
    private void QueueFieldStored(string f)
    {
        if (_inAllocator || _kernel is not { Running: not null, Discipline: var d } || d.StepSerial == _allocatedAt) return;
        d.WriteAlsoUnder(_kernel.Vm.PageQueueLock, this, f);
    }

    /// <summary>The step (<see cref="Discipline.StepSerial"/>) whose uvm_pagealloc() took the page, or -1.</summary>
    [NotState("compared only with the step running now, inside it")]
    private int _allocatedAt = -1;

    /// <summary>True while uvm_pagefree() works on the page.</summary>
    [NotState("set and cleared inside one call of uvm_pagefree()")]
    private bool _inAllocator;

    /// <summary>
    /// uvm_pagefree() starts (<paramref name="on"/>) or ends its work on the page. As it starts, the
    /// owner's lock is checked: "caller must lock owning object (either anon or uvm_object)" (uvm_page.c).
    /// </summary>
    internal void InAllocator(bool on)
    {
        if (on) OwnerFieldStored("uvm_pagefree");
        _inAllocator = on;
    }

    /// <summary>A write of loan_count during a step: <see cref="OwnerLock"/> (if the page has an object or an anon) and uvm.pageqlock are held.</summary>
    private void LoanStored()
    {
        if (_kernel is not { Running: not null, Discipline: var d }) return;
        if (OwnerLock is { } owner) d.WriteAlsoUnder(owner, this, "loan_count");
        d.Write(_kernel.Vm.PageQueueLock, this, "loan_count", _loanCount);
    }

    /// <summary>
    /// The loans held by the kernel (O->K, A->K): loan_count less the one loan of an anon that
    /// borrows the page (uanon without PQ_ANON); further anon loans share that anon's an_ref.
    /// </summary>
    public int KernelLoans => LoanCount - (Anon is not null && !PqAnon ? 1 : 0);

    /// <summary>pg->wire_count: a wired page is on no paging queue.</summary>
    public int WireCount { get; internal set { V(); QueueFieldStored("wire_count"); if (value > field && Busy) UsedWhileBusy("wired"); field = value; } }

    /// <summary>The pmap reference bit: set by an access, cleared by uvm_pagedeactivate().</summary>
    public bool Referenced { get => _referenced; internal set { V(); if (value && Busy) UsedWhileBusy("mapped"); _referenced = value; } }

    /// <summary>Backs <see cref="Referenced"/>.</summary>
    private bool _referenced;

    /// <summary>
    /// The pmap modified bit (pmap_is_modified()): set by the MMU on a store through a writable
    /// mapping, with no lock and no kernel code, and cleared by pmap_clear_modify(), which
    /// uvmpd_scan_inactive() calls after pmap_page_protect(p, VM_PROT_NONE) to "sync the modified
    /// info": a clean page found modified there loses PG_CLEAN. A page counts as clean only with
    /// PG_CLEAN set and this bit clear (<see cref="IsClean"/>).
    /// </summary>
    public bool PmapModified { get; internal set { V(); field = value; } }

    /// <summary>PG_CLEAN is set and the pmap has not seen a store since: the page equals its backing store.</summary>
    public bool IsClean => (Flags & PageFlags.Clean) != 0 && !PmapModified;

    /// <summary>
    /// A load or store by the MMU through a mapping the pmap has (no fault): the reference bit, and
    /// for a store the modified bit, set in the page's pmap attributes without a lock. Not a use of a
    /// busy page by a kernel path (a page busy for a fault may stay mapped in other pmaps).
    /// </summary>
    internal void AccessedByMmu(bool store)
    {
        V();
        _referenced = true;
        if (store) PmapModified = true;
    }

    /// <summary>
    /// The data the page holds (<see cref="Content"/>; null is zeros). A page keeps its data on
    /// the free list and through uvm_pagealloc(), which neither zeroes nor fills it: the caller
    /// fills it (uvm_pagezero(), uvm_pagecopy(), a read), or a process sees another's data.
    /// </summary>
    public Content? Data { get; internal set { V(); field = value; } }

    /// <summary>The path that holds the page for its own use (<see cref="PageHolder"/>), or null.</summary>
    public PageHolder? Holder { get; private set { V(); field = value; } }

    /// <summary>UVM_PAGE_OWN(): who busied the page (UVM_PAGE_TRKOWN), for messages.</summary>
    public string? BusyOwner { get; internal set { V(); field = value; } }

    /// <summary>The channel a thread sleeps on while the page is busy (wakeup(pg)), named on first use: most pages of a schedule never need it.</summary>
    public WaitChannel Channel => _channel ??= new($"page {Number}");

    /// <summary>Backs <see cref="Channel"/>.</summary>
    private WaitChannel? _channel;

    /// <summary><see cref="Channel"/> if some path has named it (slept on the page or woken it), else null; never names it.</summary>
    public WaitChannel? NamedChannel => _channel;

    /// <summary>
    /// <paramref name="holder"/> takes the page for its own use, in the step that takes it off the
    /// free list. A page has at most one holder: a second is a model error, not a kernel state.
    /// </summary>
    internal void Hold(PageHolder holder)
    {
        V();
        if (Holder is { } h) throw new InvalidOperationException($"{this} is already held by {h}; {holder} takes it");
        Holder = holder;
    }

    /// <summary><paramref name="holder"/> lets the page go, before it frees or hands it on.</summary>
    internal void Release(PageHolder holder)
    {
        V();
        if (Holder != holder) throw new InvalidOperationException($"{this} is held by {Holder?.ToString() ?? "nobody"}, not by {holder}");
        Holder = null;
    }

    /// <summary>PG_BUSY is set.</summary>
    public bool Busy => (Flags & PageFlags.Busy) != 0;

    /// <summary>The page has an anon or an object owner.</summary>
    public bool Owned => OwnerAnon is not null || Object is not null;

    /// <summary>
    /// The lock the pagedaemon takes for the page: vmobjlock if an object owns it, else an_lock of
    /// its anon (owner or borrower); null for a page with neither.
    /// </summary>
    internal SimpleLock? OwnerLock => Object?.Lock ?? Anon?.Lock;

    /// <summary>The owner's swap slot for this page (the aobj's table entry or an_swslot), 0 if none.</summary>
    public int OwnerSlot => Object is { } o ? o.FindSwslot(Index) : OwnerAnon?.SwSlot ?? 0;

    /// <inheritdoc/>
    public override string ToString()
    {
        var owner = OwnerAnon is { } a ? $" of {a}" : Object is { } o ? $" of {o}[{Index}]" : "";
        var borrower = Anon is { } b && !PqAnon ? $" loaned to {b}" : "";
        return $"page {Number}{owner}{borrower}";
    }

    /// <summary>
    /// A write to the pages (<see cref="StateDomain.Pages"/>). A write to a page uvm_pagefree() put
    /// on the free list, before uvm_pagealloc() takes it again, is a use after free: the page is
    /// the allocator's (uvm_pagefree() under DEBUG poisons uobject and uanon with 0xdeadbeef for
    /// such a path to trip on).
    /// </summary>
    private void V()
    {
        _versions?.Bump(StateDomain.Pages);
        _kernel?.Discipline.Touch(_poison, this);
    }

    /// <summary>uvm_pagefree() has put the page on the free list: from now on a write to it in a step is a use after free.</summary>
    internal void Freed() => Discipline.Free(_kernel?.Discipline, ref _poison, "uvm_pagefree", this);

    /// <summary>uvm_pagealloc() takes the page off the free list: it is live again.</summary>
    internal void Allocated()
    {
        _poison = default;
        _allocatedAt = _kernel?.Discipline.StepSerial ?? -1;
    }
}
