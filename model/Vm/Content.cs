using Uvm.Model.Core;

namespace Uvm.Model.Vm;

/// <summary>
/// A page's worth of data, as one value: what a physical page, a swap slot or a file block holds,
/// and what a process last wrote to an anon or to a page of an object. The model does not carry
/// bytes; two places hold the same data exactly when they hold the same <see cref="Content"/>, and
/// null is a page of zeros (uvm_pagezero(), a page of an aobj that never existed). A write through
/// a mapping makes a new one (<see cref="Contents.Write"/>); uvm_pagecopy(), uvm_swap_get(),
/// uvm_swap_put() and the vnode pager's reads and writes move one from place to place. Memory the
/// kernel hands out without filling it (a page off the free list, a slot never written) keeps
/// whatever it held before, as the hardware does. The data detector (properties/DataDetector.cs)
/// compares them: a clean page holds what its backing store holds, and the copy a later fault
/// would find holds the last write. verify's state cache names a content by where its walk first
/// meets it (scenarios/Engine/StateKey.cs), so only which places share data is state, not the
/// numbers in messages.
/// </summary>
public sealed class Content
{
    /// <summary>What kind of data it is, in messages: "write", "boot contents of page", "boot contents of swap slot".</summary>
    [NotState("only in messages")]
    private readonly string _what;

    /// <summary>The write's serial number, or the number of the page, slot or block whose boot contents it is.</summary>
    [NotState("only in messages")]
    private readonly int _n;

    /// <summary>The thread that wrote it, or null for boot contents.</summary>
    [NotState("only in messages")]
    private readonly string? _by;

    /// <summary>Data named by <paramref name="what"/> and <paramref name="n"/>, written by <paramref name="by"/> if a thread wrote it.</summary>
    internal Content(string what, int n, string? by = null) => (_what, _n, _by) = (what, n, by);

    /// <summary>
    /// What freed memory holds: a page uvm_pagefree() put on the free list, a slot uvm_swap_free()
    /// gave back, and memory nobody has filled since boot. One value for all of it, which no anon
    /// or object ever expects (what they expect is zeros, a write, or data they were made with), so
    /// a page mapped without being filled, or a read of a freed slot, shows; and two states that
    /// differ only in what freed memory held are one state to verify's cache. Immutable.
    /// </summary>
    public static Content Unfilled { get; } = new("freed or never-filled memory", 0);

    /// <summary>"write 7 by user 1", "zeros" for null.</summary>
    public static string Describe(Content? c) => c?.ToString() ?? "zeros";

    /// <inheritdoc/>
    public override string ToString() => _by is not null ? $"{_what} {_n} by {_by}" : _n == 0 ? _what : $"{_what} {_n}";
}

/// <summary>Writes and copies of <see cref="Content"/> made by the modelled kernel paths.</summary>
public static class Contents
{
    /// <summary>
    /// A store through the mapping of page <paramref name="p"/> by <paramref name="self"/> (the
    /// pmap modified bit; the caller clears PG_CLEAN): the page gets new data, and so does the
    /// anon the page is mapped through (pg->uanon, whose page it is or borrows) or else the page
    /// of the object that owns it. The other holders of the page, if a bug left any (a loan not
    /// broken, an object page still lent to an anon), keep what they expect, and the data
    /// detector sees the difference. A store changes part of a page: the rest is what the page
    /// held, so a page that did not hold its owner's data as the store came (a copy or a read
    /// not made, a zero-fill not zeroed) is reported here (EveryStoreLandsOnItsOwnersData),
    /// before the store hides it from the checks after the step.
    /// </summary>
    internal static void Write(Kernel k, KernelThread self, Page p)
    {
        var a = p.Anon;
        var o = a is null ? p.Object : null;
        var expected = a is not null ? a.Written : o?.Written(p.Index);
        // uvm_loan.c: a page is lent read-only (pmap_page_protect(pg, VM_PROT_READ) on its first
        // loan), and uvm_fault() breaks the loan before a write (uvm_loanbreak(), or the copies of
        // cases 1B and 2A): the kernel, or the anon that borrows it, keeps reading the old data.
        if (p.LoanCount > 0)
            k.Events.Break("EveryStoreLandsOnItsOwnersData", $"{self.Name} stores to {p}, which is on loan ({p.LoanCount} loan(s), {p.KernelLoans} to the kernel): the borrowers see the store");
        else if (a is null && o is null)
            k.Events.Break("EveryStoreLandsOnItsOwnersData", $"{self.Name} stores to {p}, which has no owner (freed, or disowned): the store reaches nobody's data");
        else if (!ReferenceEquals(p.Data, expected))
            k.Events.Break("EveryStoreLandsOnItsOwnersData", $"{self.Name} stores to {p}, which holds {Content.Describe(p.Data)}, not {(a?.ToString() ?? $"{o}[{p.Index}]")}'s data ({Content.Describe(expected)}): the rest of the page is data its process never had");
        var c = new Content("write", k.Vm.NextWrite(), self.Name);
        p.Data = c;
        if (a is not null) a.Written = c;
        else o?.SetWritten(p.Index, c);
    }

    /// <summary>
    /// uvm_pagezero() of a page being filled for its owner (a zero-fill): no valid data yet
    /// (PG_FAKE) no longer, and dirty, since no backing store holds zeros for it.
    /// </summary>
    internal static void Zero(Page p)
    {
        p.Flags &= ~(PageFlags.Fake | PageFlags.Clean);
        p.Data = null;
    }
}
