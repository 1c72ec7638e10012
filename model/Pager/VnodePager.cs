using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model;

/// <summary>
/// The vnode pager of a regular file (uvm_vnode.c uvn_get/uvn_put → genfs_getpages() and
/// genfs_putpages() of sys/miscfs/genfs/genfs_vnops.c, 2003; the stored revision is of 2008 and
/// the model follows its structure, with the simple_lock vmobjlock (v_interlock) of the period):
/// file pages are not swap-backed, so the pagedaemon hands a dirty one to pgo_put, which busies it
/// (PG_PAGEOUT and uvmexp.paging++ when the pagedaemon calls, PG_RELEASED otherwise), unlocks the
/// object around the asynchronous GOP_WRITE and returns; uvm_aio_aiodone() frees the page when the
/// write completes. A clean page is freed at once. Faults on a shared file mapping go through
/// pgo_get, which sleeps on a busy page (PG_WANTED, "uvn_fp2"), in uvm_wait() when no page is
/// free, and over the synchronous read of a new PG_FAKE page. A dirty page's write carries the
/// dirty pages contiguous with it (genfs_putpages()'s cluster, <see cref="GenfsPutpages.Cluster"/>).
/// Left out: clustering in get (one page), read-ahead, the vnode's map and amap (MAP_SHARED,
/// no copy-on-write), truncation. The other callers of putpages (fsync, the syncer, msync) are in
/// model/Pager/GenfsPutpages.cs, which also keeps v_numoutput for every write. Declared to
/// the lock-discipline detector (model/Core/Discipline.cs): the object's page list (memq) and its
/// pages' flags are written with vmobjlock held.
/// </summary>
public static class VnodePager
{
    /// <summary>
    /// A vnode of <paramref name="pages"/> pages whose file holds every page (getnewvnode()'s
    /// pool_get with numvnodes++, uvn_attach), for file <paramref name="fileId"/> (the vnode's
    /// number less one at boot); v_usecount 0 until its users take their references.
    /// </summary>
    internal static AObj Create(Kernel k, int pages, int fileId = -1)
    {
        int id = k.Vm.NextVnodeId++;
        var vn = new AObj(id, pages, noSwap: true, $"vnode {id}", k.Versions, k) { PgoPut = Put, IsVnode = true, FreeListLock = k.Vm.VnodeFreeListLock };
        vn.CreateFile();
        vn.FileId = fileId < 0 ? id - 1 : fileId;
        k.Vm.VnodeList.Add(vn);
        k.Vm.NumVnodes++;
        return vn;
    }

    /// <summary>
    /// uvm_fault() on a MAP_SHARED file page (case 2A without an amap): lock the object; a resident,
    /// idle, valid page is mapped at once (pgo_get with PGO_LOCKED); otherwise the unlocked
    /// pgo_get brings it in. Then pmap_enter, uvm_pageactivate(), un-busy and unlock, as one step.
    /// The mapping is entered writable in <paramref name="pmap"/> at <paramref name="slot"/> (the
    /// entry's protection), and <paramref name="mapped"/> gets the page. The fault does not store:
    /// the user's store follows through the mapping (model/Threads/FileUser.cs).
    /// </summary>
    internal static IEnumerable<Step> Fault(Kernel k, KernelThread self, AObj vn, int index, bool write, UserPmap? pmap = null, int slot = 0, Out<Page>? mapped = null)
    {
        foreach (var s in Locks.Take(vn.Lock, self, "uvm_fault: simple_lock(vmobjlock)")) yield return s;
        var result = new Out<Page>();
        if (vn.PageAt(index) is { Busy: false } resident)
        {
            PageQueues.Busy(resident, "uvn_get (PGO_LOCKED)");
            result.Value = resident;
        }
        else
        {
            foreach (var s in Get(k, self, vn, index, result)) yield return s;
        }
        var p = result.Value!;
        if (mapped is not null) mapped.Value = p;
        bool late = k.Config.Has(Switches.FileFaultDirtiesAfterUnlock);
        if (!late) Enter(vn, p, write, pmap, slot);
        k.Vm.PageQueueLock.Acquire(self);
        PageQueues.Activate(k, p);
        k.Vm.PageQueueLock.Release(self);
        PageQueues.UnbusyOwned(k, p, "uvm_fault");
        vn.Lock.Release(k, self);
        if (late)
        {
            // file-fault-dirties-after-unlock: pmap_enter() after the page is un-busied and the
            // object unlocked, where another CPU may free the page first.
            yield return Step.Ran("uvm_fault: simple_unlock before pmap_enter");
            Enter(vn, p, write, pmap, slot);
        }
        yield return Step.Ran(write ? "uvm_fault: vnode page, write" : "uvm_fault: vnode page, read");
    }

    /// <summary>
    /// pmap_enter(pmap, va, pa, enter_prot, access_type | PMAP_CANFAIL) of uvm_fault() case 2
    /// (uvm_fault.c 1.113): the mapping, and the reference and modified bits seeded from the access
    /// type (pmap(9): the flags "may be used to seed modified/referenced information"; the x86
    /// pmap_enter(): "if (flags &amp; VM_PROT_ALL) { npte |= PG_U; if (flags &amp; VM_PROT_WRITE)
    /// npte |= PG_M; }"). Case 2 neither clears PG_CLEAN nor stores: a write's dirtiness lives in
    /// the pmap modified bit, which genfs_putpages() and uvn_findpage() fold in with pmap_clear_modify().
    /// </summary>
    private static void Enter(AObj vn, Page p, bool write, UserPmap? pmap, int slot)
    {
        pmap?.Enter(slot, vn, p.Index, p, writable: true);
        p.Referenced = true;
        if (write) p.PmapModified = true;
    }

    /// <summary>The object's page list (memq, uvm_pagelookup) changes at <paramref name="index"/>: vmobjlock must be held.</summary>
    internal static void MemqChanged(Kernel k, AObj vn, int index) =>
        k.Discipline.WriteRef(vn.Lock, vn, "memq", vn.PageAt(index));

    /// <summary>
    /// genfs_getpages() of one page, the unlocked case, entered with vmobjlock held (uvn_findpages
    /// with UFP_ALL): sleeps on a busy page with PG_WANTED, in uvm_wait("uvn_fp1") when no page
    /// can be allocated, and over the synchronous read of a new page (VOP_STRATEGY, biowait) with
    /// the object unlocked. Ends with vmobjlock held and <paramref name="result"/> busy: the kernel
    /// unlocks on return and uvm_fault() relocks at once, and nothing can touch a busy page in
    /// between, so the two are one step here.
    /// </summary>
    internal static IEnumerable<Step> Get(Kernel k, KernelThread self, AObj vn, int index, Out<Page> result)
    {
        while (true)
        {
            var p = vn.PageAt(index);
            if (p is { Busy: true })
            {
                if (!k.Config.Has(Switches.GetpagesSleepsWithoutWanted)) PageQueues.Want(p);
                vn.Lock.Release(k, self);
                yield return Step.Sleep("uvn_findpage: page busy (uvn_fp2)", p.Channel);
            }
            else if (p is not null)
            {
                PageQueues.Busy(p, "genfs_getpages");
                result.Value = p;
                yield break;
            }
            else if (PageQueues.Alloc(k) is not { } fresh)
            {
                vn.Lock.Release(k, self);
                yield return Pageout.Wait(k, "uvn_fp1");
            }
            else
            {
                MemqChanged(k, vn, index);
                vn.Insert(fresh, index); // busy, PG_FAKE, clean: the read fills it from the file
                fresh.Data = vn.Block(index);
                fresh.BusyOwner = "genfs_getpages";
                vn.Lock.Release(k, self);
                // biowait() sleeps until the read is done: mi_switch() releases the big lock.
                self.MaySleep();
                yield return Step.Ran("genfs_getpages: VOP_STRATEGY, biowait");
                foreach (var s in Locks.Take(vn.Lock, self, "genfs_getpages: relock after read")) yield return s;
                fresh.Flags &= ~PageFlags.Fake;
                result.Value = fresh;
                yield break;
            }
            foreach (var s in Locks.Take(vn.Lock, self, "genfs_getpages: relock")) yield return s;
        }
    }

    /// <summary>
    /// pgo_put(uobj, off, off + PAGE_SIZE, PGO_CLEANIT|PGO_FREE) from the pagedaemon: genfs_putpages()
    /// entered with vmobjlock held and the page queues unlocked, returning with vmobjlock unlocked.
    /// The page is not busy (the scan checked it under the same lock). A clean one is freed; a dirty one
    /// is busied, gathers its cluster of contiguous dirty neighbours (busied and marked PG_CLEAN by
    /// uvn_findpage()), is marked PG_PAGEOUT (uvmexp.paging++, uvm_pagedequeue()), and the cluster is
    /// written by one asynchronous GOP_WRITE with the object unlocked; the object is relocked after
    /// it and unlocked on return. The neighbours lie outside [off, off + PAGE_SIZE), so genfs_vnops.c
    /// 1.101's FREE loop skips them: they keep their queue and their mappings, and aiodoned
    /// un-busies them where it frees the page.
    /// </summary>
    internal static IEnumerable<Step> Put(Kernel k, KernelThread self, Page pg)
    {
        var vn = pg.Object!;
        var vm = k.Vm;
        if (!k.Config.Has(Switches.PutpagesSkipsPmapPageProtect)) Pmap.PageProtectNone(k, pg); // PGO_FREE: pmap_page_protect(pg, VM_PROT_NONE) before the page is cleaned or freed
        // PGO_CLEANIT: "needs_clean = pmap_clear_modify(pg) || (pg->flags & PG_CLEAN) == 0;
        // pg->flags |= PG_CLEAN;" (genfs_putpages(); uvn_flush() before it): a store through a
        // mapping shows only in the pmap modified bit.
        bool needsClean = (pg.Flags & PageFlags.Clean) == 0;
        if (!k.Config.Has(Switches.PutpagesIgnoresPmapModified)) // putpages-ignores-pmap-modified
        {
            needsClean |= pg.PmapModified;
            pg.PmapModified = false;
        }
        if (!needsClean || k.Config.Has(Switches.PutpagesFreesDirtyPage))
        {
            MemqChanged(k, vn, pg.Index);
            vm.PageQueueLock.Acquire(self);
            PageQueues.Free(k, pg); // uvm_pagefree()
            vm.PageQueueLock.Release(self);
            k.Uvmexp.PdFreed++;
            vn.Lock.Release(k, self);
            yield return Step.Ran("genfs_putpages: uvm_pagefree");
            yield break;
        }
        k.Discipline.Write(vn.Lock, pg, "pg->flags", (long)pg.Flags);
        pg.Flags |= PageFlags.Clean; // "pg->flags |= PG_CLEAN" after pmap_clear_modify()
        if (!k.Config.Has(Switches.PutpagesWritesUnbusiedPage)) PageQueues.Busy(pg, "genfs_putpages");
        // The cluster's neighbours are busied and cleaned, and written with pg; the FREE loop
        // skips them ("if (tpg->offset < startoff || tpg->offset >= endoff) continue;": the range
        // is pg's page alone), so only pg gets freeflag, uvmexp.paging++ and uvm_pagedequeue().
        var cluster = GenfsPutpages.Cluster(k, vn, pg, out _);
        pg.Flags |= PageFlags.Pageout; // freeflag = PG_PAGEOUT for the pagedaemon
        k.Uvmexp.Paging++;
        vm.PageQueueLock.Acquire(self);
        PageQueues.Dequeue(k, pg);
        vm.PageQueueLock.Release(self);
        vn.Lock.Release(k, self);
        // GOP_WRITE → genfs_do_io() may sleep with the object unlocked (uvm_pagermapin(..,
        // UVMPAGER_MAPIN_WAITOK), pool_get(&bufpool, PR_WAITOK)): mi_switch() would release the
        // big lock there, so another CPU may run meanwhile.
        self.MaySleep();
        yield return Step.Ran("genfs_putpages: simple_unlock before GOP_WRITE");
        // genfs_gop_write(): v_numoutput += 2, pool_get() (may sleep), then the asynchronous
        // VOP_STRATEGY (B_CALL|B_ASYNC, b_iodone = uvm_aio_biodone) queues the buf for aiodoned.
        foreach (var s in GenfsPutpages.GopWrite(k, self, vn, cluster, sync: false)) yield return s;
        foreach (var s in Locks.Take(vn.Lock, self, "genfs_putpages: relock after GOP_WRITE")) yield return s;
        vn.Lock.Release(k, self);
        yield return Step.Ran("genfs_putpages: GOP_WRITE");
    }
}
