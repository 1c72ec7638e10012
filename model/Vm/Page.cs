using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// struct vm_page: a physical page. Its queue and wire/loan counts are protected by uvm.pageqlock,
/// its flags and owner link by the owner's lock (an_lock or vmobjlock). The owner is an anon
/// (PQ_ANON, <see cref="Anon"/>) or an object (<see cref="Object"/> at page <see cref="Index"/>,
/// PQ_AOBJ), or none for a free or disowned (loaned) page. <see cref="Referenced"/> stands for the
/// pmap reference bit; the pmap modified bit is folded into PG_CLEAN. Mappings are not modelled.
/// </summary>
public sealed class Page(int number)
{
    /// <summary>A global page number, used in messages ("page 3").</summary>
    public int Number { get; } = number;

    /// <summary>The paging queue it is on.</summary>
    public PageQueue Queue { get; internal set; } = PageQueue.Free;

    /// <summary>pg->flags.</summary>
    public PageFlags Flags { get; internal set; }

    /// <summary>pg->uanon: the anon that owns it (PQ_ANON), or null.</summary>
    public Anon? Anon { get; internal set; }

    /// <summary>pg->uobject: the object that owns it (PQ_AOBJ), or null.</summary>
    public AObj? Object { get; internal set; }

    /// <summary>pg->offset &gt;&gt; PAGE_SHIFT within <see cref="Object"/>.</summary>
    public int Index { get; internal set; }

    /// <summary>pg->loan_count: loans to the kernel or to anons (uvm_loan.c); never negative.</summary>
    public int LoanCount { get; internal set; }

    /// <summary>pg->wire_count: a wired page is on no paging queue.</summary>
    public int WireCount { get; internal set; }

    /// <summary>The pmap reference bit: set by an access, cleared by uvm_pagedeactivate().</summary>
    public bool Referenced { get; internal set; }

    /// <summary>UVM_PAGE_OWN(): who busied the page (UVM_PAGE_TRKOWN), for messages.</summary>
    public string? BusyOwner { get; internal set; }

    /// <summary>The channel a thread sleeps on while the page is busy (wakeup(pg)).</summary>
    public WaitChannel Channel { get; } = new($"page {number}");

    /// <summary>PG_BUSY is set.</summary>
    public bool Busy => (Flags & PageFlags.Busy) != 0;

    /// <summary>The page has an anon or an object owner.</summary>
    public bool Owned => Anon is not null || Object is not null;

    /// <summary>The owner's lock (an_lock or vmobjlock), or null for an ownerless page.</summary>
    internal SimpleLock? OwnerLock => Anon?.Lock ?? Object?.Lock;

    /// <summary>The owner's swap slot for this page (an_swslot or the aobj's table entry), 0 if none.</summary>
    public int OwnerSlot => Anon?.SwSlot ?? Object?.FindSwslot(Index) ?? 0;

    /// <inheritdoc/>
    public override string ToString()
    {
        var owner = Anon is { } a ? $" of {a}" : Object is { } o ? $" of {o}[{Index}]" : "";
        return $"page {Number}{owner}";
    }
}
