namespace Uvm.Model.Maps;

/// <summary>
/// map->rbhead: the red-black tree of a map's entries keyed by start (RB_GENERATE(uvm_tree, ...)
/// of uvm_map.c, NetBSD since November 2003, taken from OpenBSD), augmented for free-space search:
/// uvm_rb_space() is an entry's ownspace (next->start - end, or vm_map_max - end for the last),
/// uvm_rb_subtree_space() the largest ownspace of the subtree, kept in <c>space</c> by
/// RB_AUGMENT on every rotation and by uvm_rb_fixup() from a changed entry up to the root.
/// The insert and remove code follows sys/tree.h's RB_INSERT/RB_REMOVE and uvm_rb_insert() and
/// uvm_rb_remove() (OpenBSD uvm_map.c 1.126, the same code NetBSD imported; NetBSD revisions of
/// the time are not stored). <paramref name="gapEnd"/> is the list side: the start of the entry
/// after <c>e</c> on the map's list, or vm_map_max.
/// </summary>
public sealed class MapTree(Func<MapEntry, int> gapEnd, KernelConfig? config = null)
{
    /// <summary>The configuration whose map mutations are read (null in unit tests of the tree alone).</summary>
    internal KernelConfig? Config => config;

    /// <summary>RB_ROOT(&amp;map->rbhead).</summary>
    public MapEntry? Root { get; private set; }

    /// <summary>uvm_rb_space(map, entry).</summary>
    public int SpaceAfter(MapEntry e) => gapEnd(e) - e.End;

    /// <summary>uvm_rb_subtree_space(entry): max of ownspace and the children's space.</summary>
    public static int SubtreeSpace(MapEntry e) =>
        Math.Max(e.OwnSpace, Math.Max(e.Left?.Space ?? 0, e.Right?.Space ?? 0));

    /// <summary>uvm_rb_insert(map, entry): called after the entry is on the list; <paramref name="prev"/> is entry->prev (null for the header).</summary>
    internal void Insert(MapEntry entry, MapEntry? prev)
    {
        entry.OwnSpace = entry.Space = SpaceAfter(entry);
        RbInsert(entry);
        Fixup(entry);
        if (prev is not null && !(config?.Has(Switches.RbInsertSkipsPrevFixup) ?? false)) Fixup(prev); // rb-insert-skips-prev-fixup
    }

    /// <summary>
    /// uvm_rb_remove(map, entry): called after the entry left the list. Fixes up entry->prev (whose
    /// ownspace grew) unless <see cref="Switches.MapTreeRemoveSkipsFixup"/> is on, then the old parent.
    /// </summary>
    internal void Remove(MapEntry entry, MapEntry? prev)
    {
        var parent = entry.Parent;
        RbRemove(entry);
        if (prev is not null && !(config?.Has(Switches.MapTreeRemoveSkipsFixup) ?? false)) Fixup(prev);
        if (parent is not null) Fixup(parent);
    }

    /// <summary>uvm_rb_fixup(map, entry): recompute ownspace and space from the entry to the root.</summary>
    internal void Fixup(MapEntry? e)
    {
        for (; e is not null; e = e.Parent)
        {
            e.OwnSpace = SpaceAfter(e);
            e.Space = SubtreeSpace(e);
        }
    }

    /// <summary>RB_FOREACH: the entries in key order (no side effects, so invariants may call it).</summary>
    public IEnumerable<MapEntry> InOrder()
    {
        var stack = new Stack<MapEntry>();
        for (var n = Root; n is not null || stack.Count > 0;)
        {
            for (; n is not null; n = n.Left) stack.Push(n);
            var top = stack.Pop();
            yield return top;
            n = top.Right;
        }
    }

    private static void Augment(MapEntry e) => e.Space = SubtreeSpace(e);

    /// <summary>RB_INSERT: descend by start, link red, then RB_INSERT_COLOR.</summary>
    private void RbInsert(MapEntry elm)
    {
        MapEntry? parent = null;
        for (var t = Root; t is not null;)
        {
            parent = t;
            t = elm.Start < t.Start ? t.Left : elm.Start > t.Start ? t.Right
                : throw new Core.KernelPanicException("uvm_rb_insert", $"duplicate entry? {elm} and {t}");
        }
        elm.Parent = parent;
        elm.Left = elm.Right = null;
        elm.Red = true;
        if (parent is null) Root = elm;
        else
        {
            if (elm.Start < parent.Start) parent.Left = elm; else parent.Right = elm;
            for (var p = parent; p is not null; p = p.Parent) Augment(p); // RB_AUGMENT(parent) up the path
        }
        InsertColor(elm);
    }

    private void InsertColor(MapEntry elm)
    {
        MapEntry? parent;
        while ((parent = elm.Parent) is not null && parent.Red)
        {
            var gparent = parent.Parent!;
            if (parent == gparent.Left)
            {
                var uncle = gparent.Right;
                if (uncle is { Red: true }) { uncle.Red = false; parent.Red = false; gparent.Red = true; elm = gparent; continue; }
                if (parent.Right == elm) { RotateLeft(parent); (parent, elm) = (elm, parent); }
                parent.Red = false; gparent.Red = true; RotateRight(gparent);
            }
            else
            {
                var uncle = gparent.Left;
                if (uncle is { Red: true }) { uncle.Red = false; parent.Red = false; gparent.Red = true; elm = gparent; continue; }
                if (parent.Left == elm) { RotateRight(parent); (parent, elm) = (elm, parent); }
                parent.Red = false; gparent.Red = true; RotateLeft(gparent);
            }
        }
        Root!.Red = false;
    }

    /// <summary>RB_REMOVE: unlink <paramref name="elm"/> (its successor takes its place if it has two children), then RB_REMOVE_COLOR.</summary>
    private void RbRemove(MapEntry elm)
    {
        MapEntry? child, parent;
        bool red;
        if (elm.Left is not null && elm.Right is not null)
        {
            var old = elm;
            var next = elm.Right;
            while (next.Left is not null) next = next.Left;
            child = next.Right;
            parent = next.Parent;
            red = next.Red;
            if (child is not null) child.Parent = parent;
            Unhang(parent!, next, child);
            if (next.Parent == old) parent = next;
            (next.Left, next.Right, next.Parent, next.Red) = (old.Left, old.Right, old.Parent, old.Red);
            Replace(old, next);
            if (old.Parent is not null) Augment(old.Parent);
            old.Left!.Parent = next;
            if (old.Right is not null) old.Right.Parent = next;
            for (var p = parent; p is not null; p = p.Parent) Augment(p);
        }
        else
        {
            child = elm.Left ?? elm.Right;
            parent = elm.Parent;
            red = elm.Red;
            if (child is not null) child.Parent = parent;
            if (parent is null) Root = child;
            else Unhang(parent, elm, child);
        }
        if (!red) RemoveColor(parent, child);
        elm.Left = elm.Right = elm.Parent = null;
    }

    /// <summary>Hangs <paramref name="child"/> where <paramref name="elm"/> hung from <paramref name="parent"/>, then RB_AUGMENT(parent).</summary>
    private static void Unhang(MapEntry parent, MapEntry elm, MapEntry? child)
    {
        if (parent.Left == elm) parent.Left = child; else parent.Right = child;
        Augment(parent);
    }

    private void RemoveColor(MapEntry? parent, MapEntry? elm)
    {
        while ((elm is null || !elm.Red) && elm != Root && parent is not null)
        {
            if (parent.Left == elm)
            {
                var tmp = parent.Right!;
                if (tmp.Red) { tmp.Red = false; parent.Red = true; RotateLeft(parent); tmp = parent.Right!; }
                if ((tmp.Left is null || !tmp.Left.Red) && (tmp.Right is null || !tmp.Right.Red))
                { tmp.Red = true; elm = parent; parent = elm.Parent; continue; }
                if (tmp.Right is null || !tmp.Right.Red) { tmp.Left!.Red = false; tmp.Red = true; RotateRight(tmp); tmp = parent.Right!; }
                tmp.Red = parent.Red; parent.Red = false;
                if (tmp.Right is not null) tmp.Right.Red = false;
                RotateLeft(parent);
                elm = Root;
                break;
            }
            else
            {
                var tmp = parent.Left!;
                if (tmp.Red) { tmp.Red = false; parent.Red = true; RotateRight(parent); tmp = parent.Left!; }
                if ((tmp.Left is null || !tmp.Left.Red) && (tmp.Right is null || !tmp.Right.Red))
                { tmp.Red = true; elm = parent; parent = elm.Parent; continue; }
                if (tmp.Left is null || !tmp.Left.Red) { tmp.Right!.Red = false; tmp.Red = true; RotateLeft(tmp); tmp = parent.Left!; }
                tmp.Red = parent.Red; parent.Red = false;
                if (tmp.Left is not null) tmp.Left.Red = false;
                RotateRight(parent);
                elm = Root;
                break;
            }
        }
        if (elm is not null) elm.Red = false;
    }

    /// <summary>Puts <paramref name="with"/> where <paramref name="old"/> hangs from its parent (or the root).</summary>
    private void Replace(MapEntry old, MapEntry? with)
    {
        var p = old.Parent;
        if (p is null) Root = with;
        else if (p.Left == old) p.Left = with;
        else p.Right = with;
    }

    /// <summary>RB_ROTATE_LEFT with RB_AUGMENT of both nodes and the new parent.</summary>
    private void RotateLeft(MapEntry elm)
    {
        var tmp = elm.Right!;
        elm.Right = tmp.Left;
        if (tmp.Left is not null) tmp.Left.Parent = elm;
        Augment(elm);
        tmp.Parent = elm.Parent;
        Replace(elm, tmp);
        tmp.Left = elm;
        elm.Parent = tmp;
        Augment(tmp);
        if (tmp.Parent is not null) Augment(tmp.Parent);
    }

    /// <summary>RB_ROTATE_RIGHT with RB_AUGMENT of both nodes and the new parent.</summary>
    private void RotateRight(MapEntry elm)
    {
        var tmp = elm.Left!;
        elm.Left = tmp.Right;
        if (tmp.Right is not null) tmp.Right.Parent = elm;
        Augment(elm);
        tmp.Parent = elm.Parent;
        Replace(elm, tmp);
        tmp.Right = elm;
        elm.Parent = tmp;
        Augment(tmp);
        if (tmp.Parent is not null) Augment(tmp.Parent);
    }
}
