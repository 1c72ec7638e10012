using Uvm.Model.Pool;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>Unit tests of the pool allocator's locked sections (model/Pool/Pool.cs) and its splay tree.</summary>
public sealed class PoolTests
{
    private static int Get(Pool pp, int page)
    {
        if (pp.TakeItem() is { } item) return item;
        pp.PrimePage(page);
        return pp.TakeItem()!.Value;
    }

    [Fact]
    public void PagesMoveFromEmptyToPartialToFullAsItemsGoOut()
    {
        var pp = new Pool("procpl", itemsPerPage: 2, offPageHeaders: true);

        Get(pp, 7);
        Assert.Single(pp.PartialPages);
        Get(pp, 8);

        Assert.Single(pp.FullPages);
        Assert.Empty(pp.PartialPages);
        Assert.Null(pp.CurPage);
        Assert.Null(PoolAudit.Check(pp));
    }

    [Fact]
    public void PutOnAFullPageMovesItToPartialAndMakesItCurrent()
    {
        var pp = new Pool("procpl", itemsPerPage: 2, offPageHeaders: true);
        int a = Get(pp, 7);
        Get(pp, 7);

        Assert.Null(pp.PutItem(a));

        Assert.Same(pp.PartialPages.Single(), pp.CurPage);
        Assert.Equal(a, pp.TakeItem()); // the freed item is handed out next
        Assert.Null(PoolAudit.Check(pp));
    }

    [Fact]
    public void ReclaimFreesEmptyPagesAndTakesTheirHeadersOutOfTheSplayTree()
    {
        var pp = new Pool("procpl", itemsPerPage: 1, offPageHeaders: true);
        int a = Get(pp, 3), b = Get(pp, 5);
        pp.PutItem(a);

        var freed = pp.ReclaimEmptyPages();

        Assert.Equal([3], freed.Select(ph => ph.Page));
        Assert.Equal([5], pp.Tree.InOrder().Select(ph => ph.Page));
        Assert.Same(pp.Tree.Find(Pool.PageOf(b)), pp.FullPages.Single());
        Assert.Null(PoolAudit.Check(pp));
    }

    [Fact]
    public void InPageHeadersStayOutOfTheSplayTree()
    {
        var pp = new Pool("vmmpepl", itemsPerPage: 4, offPageHeaders: false);
        int a = Get(pp, 9);

        Assert.Null(pp.Tree.Root);
        Assert.Same(pp.PartialPages.Single(), pp.FindPageHead(a));
        Assert.Null(PoolAudit.Check(pp));
    }

    [Fact]
    public void SplayTreeFindsEveryHeaderAfterManyInsertsAndRemovals()
    {
        var tree = new PhTree();
        var pages = Enumerable.Range(0, 40).Select(i => new PoolPage((i * 17) % 41)).ToList();
        foreach (var ph in pages) Assert.True(tree.Insert(ph));
        foreach (var ph in pages.Where(ph => ph.Page % 3 == 0)) tree.Remove(ph);

        Assert.All(pages, ph => Assert.Equal(ph.Page % 3 == 0 ? null : ph, tree.Find(ph.Page)));
        Assert.Equal(pages.Where(ph => ph.Page % 3 != 0).Select(ph => ph.Page).Order(), tree.InOrder().Select(ph => ph.Page));
    }

    [Fact]
    public void PuttingAnItemThatIsNotOutPanics()
    {
        var pp = new Pool("procpl", itemsPerPage: 2, offPageHeaders: true);
        int a = Get(pp, 7);
        Get(pp, 7);
        pp.PutItem(a);

        Assert.Throws<Uvm.Model.Core.KernelPanicException>(() => pp.PutItem(a));
    }
}
