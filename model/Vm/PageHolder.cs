namespace Uvm.Model.Vm;

/// <summary>
/// A kernel path that holds a physical page for its own use: the page is neither free nor owned
/// by an anon or an object, and the path did not wire it or take a loan on it. The pool
/// allocator's pages are the example of 2003-04: uvm_km_alloc_poolpage1() takes a page with
/// uvm_pagealloc(NULL, 0, NULL) and keeps it, ownerless, unwired and off the paging queues, until
/// uvm_km_free_poolpage1() gives it back with uvm_pagefree() (uvm_km.c, the PMAP_MAP_POOLPAGE
/// variant). A path declares itself with <see cref="Page.Hold"/> when it takes the page and
/// <see cref="Page.Release"/> before it frees it; the page invariants count a declared holder as
/// a reason for a page to be off the free list and off the paging queues, so a new path never has
/// to pretend its page is wired. Create one per holding path at boot (a field of the pool, say):
/// declaring costs a field store, never an allocation.
/// </summary>
/// <param name="name">Who holds the page, as messages name it: <c>pool vmmpepl</c>.</param>
/// <param name="takenIn">The kernel function that takes the page: <c>uvm_km_alloc_poolpage</c>.</param>
public sealed class PageHolder(string name, string takenIn)
{
    /// <summary>Who holds the page: <c>pool vmmpepl</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The kernel function that takes the page.</summary>
    public string TakenIn { get; } = takenIn;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({TakenIn})";
}
