using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// The data detector: what a process wrote is what it reads back, wherever the kernel has put the
/// data meanwhile. The model carries a page's worth of data as one value (model/Vm/Content.cs):
/// each store through a mapping makes a new one, and uvm_pagezero(), uvm_pagecopy(), uvm_swap_get(),
/// uvm_swap_put() and the vnode pager's reads and writes move them between pages, swap slots and
/// file blocks. Two rules the VM system states once: PG_CLEAN means "the page equals its copy in
/// backing store" (uvm_page.h, "page has not been modified"; the pagedaemon frees a clean page
/// without writing it), and a page's data outlives every pageout and pagein. They catch a whole
/// class no counter or link sees: a modify bit lost (PG_CLEAN left set after a store), PG_CLEAN set
/// while a store raced the pageout, a swap slot freed or reused while an anon still names it (a
/// pagein returns another page's data), a write that reached a page another owner still shares (a
/// loan or copy-on-write not broken), a page mapped without being zeroed or read in, a process
/// shown another process's write. Not covered: what the kernel itself expects of a page loaned to
/// it (uvm_loan() to the kernel records no expectation). Like the
/// accounting and link detectors, subsystem <c>detector</c>: checked in every scenario.
/// </summary>
public static class DataDetector
{
    /// <summary>What the detector reads: the pages, the anons, the objects (pages, slots, blocks) and the swap device.</summary>
    private const StateDomain DataParts = StateDomain.Pages | StateDomain.Anons | StateDomain.Objects | StateDomain.Swap;

    /// <summary>
    /// PG_CLEAN promises that the backing store holds the page's data: uvmpd_scan_inactive() frees a
    /// clean page without writing it, "this page now lives only in swap". A busy page is skipped (its
    /// owner is between a read and its end, or its pageout is in flight), and so is a page still
    /// PG_FAKE (its read has not finished); a clean page with no slot is CleanPageHasSwapCopy's.
    /// </summary>
    public static readonly Invariant CleanPageEqualsItsBackingStore = new(
        nameof(CleanPageEqualsItsBackingStore),
        "A clean, idle page holds the data its backing store holds: its owner's swap slot, or its vnode's file block.",
        Detector.Subsystem, k =>
        {
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
            {
                var p = pages[i];
                if ((p.Flags & (PageFlags.Clean | PageFlags.Busy | PageFlags.Fake)) != PageFlags.Clean || p.PmapModified || !p.Owned) continue;
                if (p.Object is { IsVnode: true } vn)
                {
                    if (!ReferenceEquals(p.Data, vn.Block(p.Index)))
                        return $"{p} is clean but holds {Content.Describe(p.Data)}, and block {p.Index} of {vn}'s file holds {Content.Describe(vn.Block(p.Index))}";
                    continue;
                }
                int slot = p.OwnerSlot;
                if (slot > 0 && !ReferenceEquals(p.Data, k.Vm.Swap.Data(slot)))
                    return $"{p} is clean but holds {Content.Describe(p.Data)}, and its swap slot {slot} holds {Content.Describe(k.Vm.Swap.Data(slot))}";
            }
            return null;
        })
    {
        Reads = DataParts,
    };

    /// <summary>
    /// The copy a fault would find (the resident page once it is read in, else the swap slot, else
    /// the file block, else zeros for an aobj page that never existed) holds the last data written
    /// to the anon or object page. Skipped: an anon or aobj whose last reference is gone (its data
    /// is nobody's), and a copy lost to a failed write (SWSLOT_BAD: the kernel accepts the loss and
    /// the next fault fails with EIO; a file page whose write failed is freed with it).
    /// </summary>
    public static readonly Invariant NoWriteIsLost = new(
        nameof(NoWriteIsLost),
        "The copy a fault would find of each live anon, aobj page and file page (its resident page, else its swap slot or file block) holds the data last written to it.",
        Detector.Subsystem, k =>
        {
            var anons = k.Vm.Anons;
            for (int i = 0; i < anons.Count; i++)
            {
                var a = anons[i];
                if (a.Freed || a.RefCount == 0) continue;
                if (a.Page is { } p && (p.Flags & PageFlags.Fake) == 0)
                {
                    if (!ReferenceEquals(p.Data, a.Written)) return Lost(a.ToString(), a.Written, $"its page ({p}) holds {Content.Describe(p.Data)}");
                    continue;
                }
                int slot = a.SwSlot;
                if (slot == SwapSpace.SwslotBad) continue;
                if (slot == 0) return Lost(a.ToString(), a.Written, a.Page is null ? "it has no page and no swap slot" : $"its page ({a.Page}) is still being read in and it has no swap slot");
                if (!ReferenceEquals(k.Vm.Swap.Data(slot), a.Written)) return Lost(a.ToString(), a.Written, $"its swap slot {slot} holds {Content.Describe(k.Vm.Swap.Data(slot))}");
            }
            var objects = k.Vm.AObjs;
            for (int i = 0; i < objects.Count; i++)
                if (ObjectLoss(k, objects[i]) is { } m) return m;
            var vnodes = k.Vm.Vnodes;
            for (int i = 0; i < vnodes.Count; i++)
                if (ObjectLoss(k, vnodes[i]) is { } m) return m;
            return ObjectLoss(k, k.Vm.LoanZeroObject);
        })
    {
        Reads = DataParts,
    };

    /// <summary>
    /// A store through a mapping lands on its owner's own data (model/Vm/Content.cs, Contents.Write).
    /// The page is on no loan: uvm_loan.c lends a page read-only and uvm_fault() breaks the loan
    /// before a write, so the kernel (an mbuf, say) or a borrowing anon keeps the data it borrowed.
    /// It has an owner: a page freed or disowned is nobody's data. And it holds its owner's data (the
    /// anon it is mapped through, or its object's page): a store changes part of a page and the rest
    /// is what the page held, so a copy or read not made, or a zero-fill not zeroed, is reported at
    /// the store that would otherwise hide it from <see cref="NoWriteIsLost"/>.
    /// </summary>
    public static readonly Invariant EveryStoreLandsOnItsOwnersData = Invariant.AtEvent(
        nameof(EveryStoreLandsOnItsOwnersData),
        "A store through a mapping lands on an owned page on no loan that holds its owner's data: borrowers keep what they borrowed, and the part of the page the store does not change is what the process had.",
        Detector.Subsystem);

    /// <summary>
    /// Copy-on-write keeps a process's private memory its own: uvm_fault() case 1B copies an anon
    /// shared with another process (an_ref &gt; 1) before a write, and maps it read-only for a read,
    /// so a store by one process never reaches what another reads. Judged where a fault of a
    /// copy-on-write space maps a page (model/Cow/CowSpace.cs Sees): against what the process last
    /// read or wrote there, or its parent's data at fork(). A process's anon is its own; the pages of
    /// a MAP_PRIVATE file's object are not (a MAP_SHARED writer may change them) and set no
    /// expectation, and madvise(MADV_FREE) gives the data up.
    /// </summary>
    public static readonly Invariant NoProcessSeesAnotherProcessWrite = Invariant.AtEvent(
        nameof(NoProcessSeesAnotherProcessWrite),
        "A fault of a private mapping maps the data the process last read or wrote there, or its parent's at fork(): copy-on-write keeps a process's memory its own.",
        Detector.Subsystem);

    /// <summary>The first page of <paramref name="o"/> whose copy does not hold its last write, described; null if none.</summary>
    private static string? ObjectLoss(IKernelView k, AObj o)
    {
        if (o.Freed || (!o.IsVnode && o.Refs == 0)) return null; // a vnode's file outlives its references
        var slots = o.SwapSlots;
        for (int j = 0; j < o.Size; j++)
        {
            var written = o.Written(j);
            var p = o.PageAt(j);
            if (p is not null && (p.Flags & PageFlags.Fake) == 0)
            {
                if (!ReferenceEquals(p.Data, written)) return Lost($"{o}[{j}]", written, $"its page ({p}) holds {Content.Describe(p.Data)}");
                continue;
            }
            if (o.IsVnode)
            {
                if (!ReferenceEquals(o.Block(j), written)) return Lost($"{o}[{j}]", written, $"block {j} of its file holds {Content.Describe(o.Block(j))}");
                continue;
            }
            int slot = o.NoSwap ? 0 : slots[j];
            if (slot == SwapSpace.SwslotBad) continue;
            var found = slot > 0 ? k.Vm.Swap.Data(slot) : null;
            if (!ReferenceEquals(found, written))
                return Lost($"{o}[{j}]", written, slot > 0 ? $"its swap slot {slot} holds {Content.Describe(found)}" : "it has no page and no swap slot (a fault would zero-fill it)");
        }
        return null;
    }

    /// <summary>The message: <paramref name="what"/>'s last write, and where the copy a fault would find disagrees.</summary>
    private static string Lost(string what, Content? written, string found) =>
        $"{what}'s data is {Content.Describe(written)}, but {found}";

    /// <summary>The data checks judged after every step.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [CleanPageEqualsItsBackingStore, NoWriteIsLost, EveryStoreLandsOnItsOwnersData, NoProcessSeesAnotherProcessWrite];
}
