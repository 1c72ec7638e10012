using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Properties;

/// <summary>
/// The link detector: a pointer the kernel keeps in both directions agrees with its partner at the
/// end of every critical section. uvm_page.h keeps the owner on the page (pg->uanon, pg->uobject,
/// pg->offset) and the page on the owner (anon->an_page; uvm_pagelookup(uobj, offset) through the
/// object's page list), and every path that gives a page an owner or takes it away changes both
/// under the owner's lock (uvm_pagealloc, uvm_pageinsert/uvm_pageremove, uvm_pagefree,
/// uvm_anfree, the loan code). A path that changes one side only leaves a dangling pointer: a
/// freed or reused page reached through an owner, or an owner reached through a page it gave up.
/// Like the accounting detector, subsystem <c>detector</c>: checked in every scenario.
/// </summary>
public static class LinkDetector
{
    /// <summary>anon->an_page and pg->uanon name each other.</summary>
    public static readonly Invariant AnonAndPageLinksAgree = new(
        nameof(AnonAndPageLinksAgree),
        "A live anon's an_page names a page whose uanon is that anon, and a page's uanon names a live anon whose an_page is that page (uvm_pagealloc, uvm_pagefree, uvm_anfree and the loan code set both under an_lock).",
        Detector.Subsystem, k =>
        {
            var anons = k.Vm.Anons;
            for (int i = 0; i < anons.Count; i++)
                if (anons[i] is { Freed: false, Page: { } p } a && p.Anon != a)
                    return $"{a}'s an_page is {p}, but {p}'s uanon is " + (p.Anon?.ToString() ?? "NULL");
            var pages = k.Vm.Pages;
            for (int i = 0; i < pages.Count; i++)
            {
                if (pages[i] is not { Anon: { } owner } p) continue;
                if (owner.Freed) return $"{p}'s uanon is {owner}, which is freed";
                if (owner.Page != p) return $"{p}'s uanon is {owner}, but {owner}'s an_page is " + (owner.Page?.ToString() ?? "NULL");
            }
            return null;
        })
    {
        Reads = StateDomain.Pages | StateDomain.Anons,
    };

    /// <summary>An object's page at an offset and the page's uobject and offset name each other.</summary>
    public static readonly Invariant ObjectAndPageLinksAgree = new(
        nameof(ObjectAndPageLinksAgree),
        "A page an object holds at an offset has that object as uobject and that offset, and a page with a uobject names a live object that holds it at its offset (uvm_pageinsert and uvm_pageremove change both under vmobjlock).",
        Detector.Subsystem, k =>
        {
            var vm = k.Vm;
            if ((ObjectMismatch(vm.KernelObject) ?? ObjectMismatch(vm.LoanZeroObject)) is { } bad) return bad;
            for (int i = 0; i < vm.AObjs.Count; i++)
                if (ObjectMismatch(vm.AObjs[i]) is { } b) return b;
            for (int i = 0; i < vm.Vnodes.Count; i++)
                if (ObjectMismatch(vm.Vnodes[i]) is { } b) return b;
            var pages = vm.Pages;
            for (int i = 0; i < pages.Count; i++)
            {
                if (pages[i] is not { Object: { } o } p) continue;
                if (o.Freed) return $"{p}'s uobject is {o}, which is freed";
                var there = p.Index >= 0 && p.Index < o.Size ? o.PageAt(p.Index) : null;
                if (there != p)
                    return $"{p}'s uobject is {o} at offset {p.Index}, but {o} holds " + (there?.ToString() ?? "no page") + " there";
            }
            return null;
        })
    {
        Reads = StateDomain.Pages | StateDomain.Objects,
    };

    /// <summary>The first page of <paramref name="o"/> that does not name <paramref name="o"/> and its offset back, as a message.</summary>
    private static string? ObjectMismatch(AObj o)
    {
        for (int i = 0; i < o.Size; i++)
            if (o.PageAt(i) is { } p && (p.Object != o || p.Index != i))
                return $"{o} holds {p} at offset {i}, but {p}'s uobject is " + (p.Object?.ToString() ?? "NULL") + $" at offset {p.Index}";
        return null;
    }

    /// <summary>
    /// The process tree and each process's LWP list name live structures that name it back: proc.h
    /// keeps p_pptr on the child and p_children/p_sibling on the parent, l_proc on the LWP and
    /// p_lwps/l_sibling on the process, all under proclist_lock, and fork1(), proc_reparent(),
    /// lwp_wait1() and proc_free() change both ends in one section (LIST_REMOVE before pool_put).
    /// A list left naming a freed structure, or a child on a parent that is not its p_pptr, is a
    /// dangling link the next walk of the list (wait4, exit1's reparenting, swapout's scan) follows.
    /// </summary>
    public static readonly Invariant ProcTreeLinksAgree = new(
        nameof(ProcTreeLinksAgree),
        "A live process is on its p_pptr's p_children exactly once, its p_pptr is live, and its p_children and p_lwps name only live children and LWPs that name it back (fork1, proc_reparent, lwp_wait1 and proc_free change both ends under proclist_lock).",
        Detector.Subsystem, k =>
        {
            var procs = k.Procs;
            for (int i = 0; i < procs.Count; i++)
            {
                var p = procs[i];
                if (p.Reaped) continue;
                var kids = p.Children;
                for (int j = 0; j < kids.Count; j++)
                {
                    if (kids[j].Reaped) return $"pid {p.Pid}'s p_children names pid {kids[j].Pid}, which is freed";
                    if (kids[j].Parent != p) return $"pid {kids[j].Pid} is on pid {p.Pid}'s p_children but its p_pptr is " + (kids[j].Parent is { } q ? $"pid {q.Pid}" : "NULL");
                }
                var lwps = p.Lwps;
                for (int j = 0; j < lwps.Count; j++)
                {
                    if (lwps[j].Freed) return $"pid {p.Pid}'s p_lwps names {lwps[j]}, which is freed";
                    if (lwps[j].Proc != p) return $"{lwps[j]} is on pid {p.Pid}'s p_lwps but its l_proc is pid {lwps[j].Proc.Pid}";
                }
                if (p.Parent is not { } parent) continue;
                if (parent.Reaped) return $"pid {p.Pid}'s p_pptr is pid {parent.Pid}, which is freed";
                int n = 0;
                var siblings = parent.Children;
                for (int j = 0; j < siblings.Count; j++)
                    if (siblings[j] == p) n++;
                if (n != 1) return $"pid {p.Pid} is {n} times on its p_pptr pid {parent.Pid}'s p_children";
            }
            return null;
        })
    {
        // struct proc (its lists, p_pptr, proc_free) and struct lwp (l_proc, its free).
        Reads = StateDomain.Proc | StateDomain.Sched,
    };

    /// <summary>Every link check.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [AnonAndPageLinksAgree, ObjectAndPageLinksAgree, ProcTreeLinksAgree];
}
