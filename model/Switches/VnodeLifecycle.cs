namespace Uvm.Model;

/// <summary>The switches of the vnode lifecycle (model/Pager/VnodeLifecycle.cs, session 37).</summary>
public static partial class Switches
{
    /// <summary>
    /// vfs_subr.c 1.227-1.228 (yamt, pulled up to netbsd-2-0 as ticket #516; docs/kernel-sources.md):
    /// "getcleanvnode: don't try to reclaim a vnode marked as VXLOCK. Fix crashes with VOP_RECLAIM
    /// implementations which might block". 1.222 (2004-04-22) walks the free list without testing
    /// VXLOCK; 1.258.2.1 has "if ((vp-&gt;v_flag &amp; VXLOCK) == 0 &amp;&amp; ...)". Read in
    /// <see cref="VnodeLifecycle.Getnewvnode"/>. The woken getcleanvnode() reuses the vnode while
    /// the first vgonel() has not yet reached its "dofree" test: the 2004 big lock keeps the
    /// cleaner running from its wakeup to that test (no sleep in between: clean under it), so the
    /// switch selects a kernel without the big lock, where the cleaner's tail runs after the reuse.
    /// </summary>
    public static readonly KernelSwitch GetcleanvnodeTakesVxlockVnode = new("getcleanvnode-takes-vxlock-vnode", SwitchKind.Historical, "getcleanvnode (vgonel, vrecycle)", "vnode-recycle")
    {
        Origin = "vfs_subr.c 1.227-1.228 (yamt, 2004; netbsd-2-0 pull-up #516)",
        Title = "getcleanvnode takes a vnode that vrecycle() is cleaning (VXLOCK) off the free list and reuses it; the cleaner's vgonel() frees it",
        BigLock = false,
        Description = "ufs_inactive() of an unlinked file vrecycle()s its vnode: vgonel() → vclean() sets VXLOCK and sleeps in "
            + "vinvalbuf() and VOP_RECLAIM with the vnode still on vnode_free_list. 1.222's getcleanvnode() takes it off the list "
            + "(v_freelist = 0xdeadb), and its vgonel() sleeps (\"vgone\") until vclean() clears VXLOCK and wakes it; getnewvnode() "
            + "then gives the vnode to a new file, which is closed again (vrele() puts it back on the free list). Only then does "
            + "the first vgonel() reach \"if (vp->v_usecount == 0) ... dofree = vp->v_freelist.tqe_prev != 0xdeadb\": the vnode "
            + "is on the free list again, so it is taken off and pool_put() while the new file's vnode is the same memory. "
            + "Reachable only without the 2004 big lock (the switch selects a kernel without it).",
        Expected = "detector UseAfterFree",
        Budget = 500,
    };

    /// <summary>vget(): a free vnode brought back into use is not taken off vnode_free_list.</summary>
    public static readonly KernelSwitch VgetLeavesVnodeOnFreeList = Mutation("vget-leaves-vnode-on-free-list", "vget", "vnode-recycle",
        "vget() of a vnode of v_usecount 0 raises the count without TAILQ_REMOVE from vnode_free_list: getcleanvnode() may recycle a vnode in use")
        with { Kills = ["VnodeFreeListAndItsVnodesAgree"], Budget = 50 };

    /// <summary>vgonel(): the pool_put of a freed vnode without numvnodes--.</summary>
    public static readonly KernelSwitch VgonelSkipsNumvnodesDecrement = Mutation("vgonel-skips-numvnodes-decrement", "vgonel", "vnode-recycle",
        "vgonel() frees a vnode it took off the free list without numvnodes--: getnewvnode() believes the table fuller than it is")
        with { Kills = ["NumvnodesCountsAllocatedVnodes"], Budget = 50 };

    /// <summary>vrele(): the free-list insertion made without vnode_free_list_slock.</summary>
    public static readonly KernelSwitch VreleInsertsWithoutFreeListLock = Mutation("vrele-inserts-without-free-list-lock", "vrele", "vnode-recycle",
        "vrele() of the last reference inserts the vnode at the tail of vnode_free_list without vnode_free_list_slock")
        with { Kills = ["LockDiscipline"], Budget = 50 };

    /// <summary>vclean(): VXLOCK cleared without waking the VXWANT sleepers.</summary>
    public static readonly KernelSwitch VcleanSkipsVxwantWakeup = Mutation("vclean-skips-vxwant-wakeup", "vclean", "vnode-recycle",
        "vclean() clears VXLOCK but leaves VXWANT set and wakes nobody: a vget() or vgonel() asleep for the vgone sleeps for ever")
        with { Kills = ["NoSleeperWaitsForWhatIsAlreadyThere"], Budget = 500 };
}
