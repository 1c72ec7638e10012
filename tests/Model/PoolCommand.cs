using FsCheck;
using FsCheck.Fluent;
using Uvm.Model;
using Uvm.Model.Pool;
using Uvm.Properties;

namespace Uvm.Tests.Model;

/// <summary>One call on a pool, as a syscall-trace line: pool_get, pool_put(#i), pool_reclaim.</summary>
internal abstract record PoolCommand
{
    /// <summary>Commands: gets and puts about equally often, a reclaim now and then.</summary>
    public static Gen<PoolCommand> Generate() => Gen.Frequency(
        (4, Gen.Constant<PoolCommand>(new PoolGet())),
        (4, Gen.Choose(0, 9).Select(i => (PoolCommand)new PoolPut(i))),
        (1, Gen.Constant<PoolCommand>(new PoolReclaim())));

    /// <summary>A put of an earlier item shrinks toward the oldest one out.</summary>
    public static IEnumerable<PoolCommand> Shrink(PoolCommand c) =>
        c is PoolPut { Which: > 0 } p ? [new PoolPut(0), new PoolPut(p.Which - 1)] : [];

    /// <summary>
    /// Runs <paramref name="commands"/> on a fresh pool of 3 items a page with off-page headers
    /// (in the splay tree) and a page allocator of 3 pages that hands freed pages out again.
    /// The oracle is the multiset of items out. After every command: <see cref="PoolAudit"/>,
    /// pr_nout equals the oracle's size, and no item is out twice. Null if all held.
    /// </summary>
    public static string? Run(IReadOnlyList<PoolCommand> commands, KernelConfig mutations)
    {
        var pp = new Pool("testpl", itemsPerPage: 3, offPageHeaders: true, mutations);
        var freePages = new Stack<int>([3, 2, 1]);
        var outItems = new List<int>();
        for (int step = 0; step < commands.Count; step++)
        {
            var cmd = commands[step];
            try
            {
                switch (cmd)
                {
                    case PoolGet:
                        // pool_get(PR_NOWAIT): take from pr_curpage, else prime a page if the allocator has one.
                        int? item = pp.TakeItem();
                        if (item is null && freePages.Count > 0)
                        {
                            pp.PrimePage(freePages.Pop());
                            item = pp.TakeItem();
                        }
                        if (item is { } v)
                        {
                            if (outItems.Contains(v)) return $"after {Prefix(commands, step)}: item {v} handed out twice";
                            outItems.Add(v);
                        }
                        break;
                    case PoolPut p when outItems.Count > 0:
                        int which = p.Which % outItems.Count, put = outItems[which];
                        outItems.RemoveAt(which);
                        var freed = pp.PutItem(put);
                        pp.AfterPutUnlocked(put); // pool_put() after simple_unlock(&pp->pr_slock)
                        if (freed is not null) freePages.Push(freed.Page);
                        break;
                    case PoolReclaim:
                        foreach (var page in pp.ReclaimEmptyPages()) freePages.Push(page.Page);
                        break;
                }
            }
            catch (Uvm.Model.Core.KernelPanicException e)
            {
                return $"after {Prefix(commands, step)}: panic {e.Message}";
            }
            var bad = PoolAudit.Check(pp);
            if (bad is null && pp.NOut != outItems.Count) bad = $"pr_nout {pp.NOut}, oracle holds {outItems.Count} items out";
            if (bad is not null) return $"after {Prefix(commands, step)}: {bad}";
        }
        return null;
    }

    private static string Prefix(IReadOnlyList<PoolCommand> commands, int step) => string.Join("; ", commands.Take(step + 1));
}

/// <summary>pool_get(pp, PR_NOWAIT).</summary>
internal sealed record PoolGet : PoolCommand
{
    /// <inheritdoc/>
    public override string ToString() => "pool_get";
}

/// <summary>pool_put(pp, v) of the item out at position <see cref="Which"/> (mod the number out); nothing if none is out.</summary>
internal sealed record PoolPut(int Which) : PoolCommand
{
    /// <inheritdoc/>
    public override string ToString() => $"pool_put(#{Which})";
}

/// <summary>pool_reclaim(pp): free every empty page.</summary>
internal sealed record PoolReclaim : PoolCommand
{
    /// <inheritdoc/>
    public override string ToString() => "pool_reclaim";
}
