using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// The vnode lifecycle of vfs_subr.c 1.222 (2004-04-22, the last revision before 1.227-1.228;
/// docs/kernel-sources.md): v_usecount with vget() and vrele(), vnode_free_list under
/// vnode_free_list_slock, getnewvnode() → getcleanvnode() → vgonel() → vclean() recycling a free
/// vnode (VXLOCK, vinvalbuf()'s VOP_PUTPAGES(PGO_ALLPAGES|PGO_FREE|PGO_SYNCIO|PGO_CLEANIT),
/// VOP_RECLAIM, which may block, then VXLOCK cleared and VXWANT sleepers woken), and ufs_inactive()'s
/// vrecycle() of an unlinked file, whose vgonel() frees the vnode (pool_put). v_interlock is the
/// object's vmobjlock. Left out: vnode_hold_list and v_holdcnt (no buffer-cache bufs), the mount
/// and vn_start_write(), the name cache (a lookup is ufs_ihashget()'s walk, here a search by file
/// number), VOP_CLOSE and the active vclean() of revoke and forced unmount, the vnode lock's shared
/// and drain modes (<see cref="AObj.VnLock"/> is exclusive), VEXECMAP, desiredvnodes' toggle.
/// </summary>
public static class VnodeLifecycle
{
    /// <summary>
    /// vrele(vp): the last reference puts the vnode at the tail of the free list and calls
    /// VOP_INACTIVE with the vnode locked (vn_lock(LK_EXCLUSIVE|LK_INTERLOCK), which fails with
    /// ENOENT on a VXLOCK vnode, "vn_lock" sleep); ufs_inactive() unlocks it and, for a file whose
    /// link count is 0, vrecycle()s it.
    /// </summary>
    internal static IEnumerable<Step> Vrele(Kernel k, KernelThread self, AObj vp)
    {
        foreach (var s in Locks.Take(vp.Lock, self, "vrele: simple_lock(v_interlock)")) yield return s;
        vp.UseCount--;
        if (vp.UseCount > 0)
        {
            vp.Lock.Release(k, self);
            yield return Step.Ran("vrele");
            yield break;
        }
        if (vp.UseCount < 0) throw new KernelPanicException("vrele", $"ref cnt vp {vp}");
        InsertFree(k, self, vp); // "Insert at tail of LRU list."
        if (vp.XLock)
        {
            // vn_lock(): "if (vp->v_flag & VXLOCK) { vp->v_flag |= VXWANT; ltsleep(vp, ..., "vn_lock", 0, &vp->v_interlock); error = ENOENT; }"
            vp.XWant = true;
            vp.Lock.Release(k, self);
            yield return Step.Sleep("vrele: vn_lock: VXLOCK (vn_lock)", vp.VnodeChannel);
            yield break;
        }
        vp.Lock.Release(k, self); // LK_INTERLOCK
        foreach (var s in Locks.Take(vp.VnLock, self, "vrele: vn_lock(LK_EXCLUSIVE)")) yield return s;
        // VOP_INACTIVE → ufs_inactive(): UFS_UPDATE, and for an unlinked file VOP_TRUNCATE, may sleep in their I/O.
        self.MaySleep();
        yield return Step.Ran("vrele: VOP_INACTIVE");
        vp.VnLock.Release(k, self); // ufs_inactive(): VOP_UNLOCK(vp, 0)
        if (!vp.Unlinked)
        {
            yield return Step.Ran("ufs_inactive: VOP_UNLOCK");
            yield break;
        }
        // "if (ip->i_mode == 0) vrecycle(vp, NULL, p)": simple_lock(&vp->v_interlock); if (vp->v_usecount == 0) vgonel(vp, p)
        foreach (var s in Locks.Take(vp.Lock, self, "vrecycle: simple_lock(v_interlock)")) yield return s;
        if (vp.UseCount != 0)
        {
            vp.Lock.Release(k, self);
            yield return Step.Ran("vrecycle: in use");
            yield break;
        }
        foreach (var s in Vgonel(k, self, vp)) yield return s;
    }

    /// <summary>vrele()'s "TAILQ_INSERT_TAIL(&amp;vnode_free_list, vp, v_freelist)" under vnode_free_list_slock.</summary>
    private static void InsertFree(Kernel k, KernelThread self, AObj vp)
    {
        bool unlocked = k.Config.Has(Switches.VreleInsertsWithoutFreeListLock);
        if (!unlocked) k.Vm.VnodeFreeListLock.Acquire(self);
        k.Vm.VnodeFreeListTaken.Add(vp);
        vp.OnFreeList = true;
        if (!unlocked) k.Vm.VnodeFreeListLock.Release(self);
    }

    /// <summary>
    /// vget(vp, 0) of ufs_ihashget(), entered with v_interlock held: a VXLOCK vnode is being
    /// cleaned, so "vp->v_flag |= VXWANT; ltsleep(vp, PINOD|PNORELOCK, "vget", 0, &amp;vp->v_interlock);
    /// return (ENOENT)" (<paramref name="ok"/> false); otherwise a free vnode leaves the free list
    /// and v_usecount is raised. Returns with v_interlock released.
    /// </summary>
    internal static IEnumerable<Step> Vget(Kernel k, KernelThread self, AObj vp, Out<bool> ok)
    {
        if (vp.XLock)
        {
            vp.XWant = true;
            vp.Lock.Release(k, self);
            ok.Value = false;
            yield return Step.Sleep("vget: VXLOCK (vget)", vp.VnodeChannel);
            yield break;
        }
        if (vp.UseCount == 0)
        {
            k.Vm.VnodeFreeListLock.Acquire(self);
            if (!k.Config.Has(Switches.VgetLeavesVnodeOnFreeList)) k.Vm.VnodeFreeListTaken.Remove(vp);
            vp.OnFreeList = false;
            k.Vm.VnodeFreeListLock.Release(self);
        }
        vp.UseCount++;
        vp.Lock.Release(k, self);
        ok.Value = true;
        yield return Step.Ran("vget");
    }

    /// <summary>
    /// vgonel(vp), entered with v_interlock held: a vgone already in progress (VXLOCK) is waited
    /// for ("vgone", VXWANT) and the call returns; otherwise vclean(vp, DOCLOSE), v_type = VBAD,
    /// and a vnode of v_usecount 0 still on the free list (not one getcleanvnode() took, whose
    /// v_freelist it set to 0xdeadb) leaves it and is freed: numvnodes--, pool_put().
    /// </summary>
    internal static IEnumerable<Step> Vgonel(Kernel k, KernelThread self, AObj vp)
    {
        if (vp.XLock)
        {
            vp.XWant = true;
            vp.Lock.Release(k, self);
            yield return Step.Sleep("vgonel: VXLOCK (vgone)", vp.VnodeChannel);
            yield break;
        }
        foreach (var s in Vclean(k, self, vp)) yield return s;
        vp.Bad = true; // insmntque(vp, NULL); "vp->v_type = VBAD"
        if (vp.UseCountUnlocked("vgonel(): \"if (vp->v_usecount == 0)\" without v_interlock, under the big lock") != 0)
        {
            yield return Step.Ran("vgonel: VBAD");
            yield break;
        }
        k.Vm.VnodeFreeListLock.Acquire(self);
        bool dofree = vp.OnFreeList; // "dofree = vp->v_freelist.tqe_prev != (struct vnode **)0xdeadb"
        if (dofree)
        {
            k.Vm.VnodeFreeListTaken.Remove(vp);
            vp.OnFreeList = false;
            if (!k.Config.Has(Switches.VgonelSkipsNumvnodesDecrement)) k.Vm.NumVnodes--;
        }
        k.Vm.VnodeFreeListLock.Release(self);
        if (dofree)
        {
            k.Vm.VnodeList.Remove(vp);
            vp.Free("vgonel"); // pool_put(&vnode_pool, vp)
        }
        yield return Step.Ran(dofree ? "vgonel: pool_put" : "vgonel: VBAD");
    }

    /// <summary>
    /// vclean(vp, DOCLOSE) of a vnode of v_usecount 0, entered with v_interlock held (the active
    /// case, revoke's, is not modelled): VXLOCK; VOP_LOCK(LK_DRAIN|LK_INTERLOCK); vinvalbuf(V_SAVE):
    /// simple_lock(v_interlock), VOP_PUTPAGES(vp, 0, 0, PGO_ALLPAGES|PGO_FREE|PGO_SYNCIO|PGO_CLEANIT),
    /// VOP_FSYNC(FSYNC_WAIT) (no bufs here: its wait for v_numoutput) and the DIAGNOSTIC "vinvalbuf:
    /// dirty bufs"; VOP_UNLOCK; VOP_RECLAIM (may block; the inode goes, the file's disk stays);
    /// KASSERT(uo_npages == 0); VXLOCK cleared and VXWANT sleepers woken.
    /// </summary>
    private static IEnumerable<Step> Vclean(Kernel k, KernelThread self, AObj vp)
    {
        if (vp.UseCount != 0) throw new InvalidOperationException($"model: vclean() of active {vp} is not modelled");
        if (vp.XLock) throw new KernelPanicException("vclean", $"deadlock, vp {vp}");
        vp.XLock = true;
        vp.Lock.Release(k, self); // LK_INTERLOCK
        foreach (var s in Locks.Take(vp.VnLock, self, "vclean: VOP_LOCK(LK_DRAIN)")) yield return s;
        yield return Step.Ran("vclean: VXLOCK, VOP_LOCK(LK_DRAIN)");
        foreach (var s in Locks.Take(vp.Lock, self, "vinvalbuf: simple_lock(v_interlock)")) yield return s;
        foreach (var s in GenfsPutpages.Putpages(k, self, vp, cleanIt: true, free: true, syncIo: true)) yield return s;
        yield return Step.Ran("vinvalbuf: VOP_PUTPAGES");
        while (vp.NumOutput != 0)
        {
            vp.VbWait = true;
            yield return Step.Sleep("vinvalbuf: VOP_FSYNC: v_numoutput", vp.NumOutputChannel);
        }
        vp.VnLock.Release(k, self); // VOP_UNLOCK(vp, 0)
        // VOP_RECLAIM → ufs_reclaim(): UFS_UPDATE(vp, NULL, NULL, UPDATE_CLOSE) may block, before
        // ufs_ihashrem(): until then a lookup still finds the inode and vget()s the vnode.
        self.MaySleep();
        yield return Step.Ran("vclean: VOP_RECLAIM (UFS_UPDATE)");
        if (vp.FileId >= 0) // a vnode cleaned before has dead_vnodeop_p's VOP_RECLAIM, which does nothing
        {
            // ufs_ihashrem(), the inode's pool_put: the file's disk stays, unless unlink(2) removed the file
            if (!vp.Unlinked) k.Vm.FileDisksTaken.Add(new FileDisk(vp.FileId, vp.File.Blocks, vp.File.Written));
            vp.FileId = -1;
        }
        // "KASSERT(vp->v_uobj.uo_npages == 0)", read without v_interlock as the kernel does.
        for (int i = 0; i < vp.Size; i++)
            if (vp.MappedPage(i) is { } left)
                throw new KernelPanicException("vclean", $"KASSERT(vp->v_uobj.uo_npages == 0) failed: {vp} still holds page {left.Number} at {i}");
        foreach (var s in Locks.Take(vp.Lock, self, "vclean: simple_lock(v_interlock)")) yield return s;
        vp.XLock = false;
        bool want = vp.XWant && !k.Config.Has(Switches.VcleanSkipsVxwantWakeup);
        if (want) vp.XWant = false;
        vp.Lock.Release(k, self);
        if (want) Sched.Tsleep.Wakeup(k, self, vp.VnodeChannel);
        yield return Step.Ran("vclean: VXLOCK cleared");
    }

    /// <summary>
    /// getnewvnode() for file <paramref name="fileId"/>: under vnode_free_list_slock, below
    /// desiredvnodes or with an empty free list it allocates a vnode (pool_get(PR_NOWAIT),
    /// numvnodes++); otherwise getcleanvnode() walks the free list from its head for a vnode whose
    /// v_interlock it can simple_lock_try(), panics if it has users ("free vnode isn't"), takes it
    /// off the list (0xdeadb), and vgonel()s it unless it is VBAD; then the DIAGNOSTIC checks that
    /// it holds no page and no output. None: ENFILE (<paramref name="result"/> null).
    /// </summary>
    internal static IEnumerable<Step> Getnewvnode(Kernel k, KernelThread self, int fileId, Out<AObj> result)
    {
        var vm = k.Vm;
        vm.VnodeFreeListLock.Acquire(self);
        if (vm.NumVnodes < vm.DesiredVnodes || vm.VnodeFreeList.Count == 0)
        {
            var fresh = VnodePager.Create(k, Disk(k, fileId).Blocks.Length, fileId); // pool_get(&vnode_pool, PR_NOWAIT), numvnodes++
            vm.VnodeFreeListLock.Release(self);
            Identify(k, fresh, fileId);
            fresh.Lock.Acquire(self);
            fresh.UseCount = 1;
            fresh.Lock.Release(k, self);
            result.Value = fresh;
            yield return Step.Ran("getnewvnode: pool_get");
            yield break;
        }
        AObj? vp = null;
        var list = vm.VnodeFreeList;
        for (int i = 0; i < list.Count && vp is null; i++)
        {
            if (!list[i].Lock.TryAcquire(self)) continue;
            // vfs_subr.c 1.227-1.228 (yamt, 2004): "getcleanvnode: don't try to reclaim a vnode
            // marked as VXLOCK"; 1.222 takes it and vgonel() sleeps for the other vgone.
            if (list[i].XLock && !k.Config.Has(Switches.GetcleanvnodeTakesVxlockVnode))
            {
                list[i].Lock.Release(k, self);
                continue;
            }
            vp = list[i];
        }
        if (vp is null)
        {
            vm.VnodeFreeListLock.Release(self);
            yield return Step.Ran("getnewvnode: ENFILE");
            yield break;
        }
        if (vp.UseCount != 0) throw new KernelPanicException("getcleanvnode", $"free vnode isn't, vp {vp}");
        vm.VnodeFreeListTaken.Remove(vp);
        vp.OnFreeList = false; // "vp->v_freelist.tqe_prev = (struct vnode **)0xdeadb"
        vm.VnodeFreeListLock.Release(self);
        if (!vp.Bad) foreach (var s in Vgonel(k, self, vp)) yield return s;
        else vp.Lock.Release(k, self);
        // DIAGNOSTIC: "cleaned vnode isn't", "clean vnode has pending I/O's" (read without v_interlock, as the kernel does, under the big lock).
        for (int i = 0; i < vp.Size; i++)
            if (vp.MappedPage(i) is { } left) throw new KernelPanicException("getcleanvnode", $"cleaned vnode isn't, vp {vp}: page {left.Number} at {i}");
        if (vp.NumOutput != 0) throw new KernelPanicException("getcleanvnode", $"clean vnode has pending I/O's, vp {vp}");
        vp.InitRecycledUnlocked(); // "vp->v_flag = 0" ... "vp->v_usecount = 1"
        vp.Bad = false;
        vp.Unlinked = false;
        Identify(k, vp, fileId);
        result.Value = vp;
        yield return Step.Ran("getnewvnode: recycled");
    }

    /// <summary>ffs_vget() after getnewvnode(): the vnode now holds file <paramref name="fileId"/>'s inode, and its object the file's size.</summary>
    private static void Identify(Kernel k, AObj vp, int fileId)
    {
        var disk = Disk(k, fileId);
        for (int i = 0; i < k.Vm.FileDisks.Count; i++)
            if (k.Vm.FileDisks[i].File == fileId)
            {
                k.Vm.FileDisksTaken.RemoveAt(i);
                break;
            }
        vp.Reidentify(fileId, disk.Blocks, disk.Written);
    }

    /// <summary>The disk of file <paramref name="fileId"/>: kept from its last vnode's VOP_RECLAIM, or a file of one page never cached.</summary>
    private static FileDisk Disk(Kernel k, int fileId)
    {
        var disks = k.Vm.FileDisks;
        for (int i = 0; i < disks.Count; i++)
            if (disks[i].File == fileId) return disks[i];
        var blocks = new Content?[] { new($"file {fileId} block", 0) };
        return new FileDisk(fileId, blocks, [blocks[0]]);
    }
}
