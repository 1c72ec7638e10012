using Uvm.Model.Core;
using Uvm.Model.Cow;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// A process that maps files MAP_SHARED, PROT_READ|PROT_WRITE, and reads and writes their pages.
/// An access of a page its pmap maps (<see cref="UserPmap"/>) is the MMU's: user mode, no trap, no
/// lock; it sets the reference bit, and a store the pmap modified bit and the data. Any other
/// access is a fault on the file's vnode object (<see cref="VnodePager.Fault"/>), which brings a
/// page in through pgo_get or finds it resident and maps it writable, whether the fault was a read
/// or a write; a store then runs again through the new mapping, a step of its own, and faults
/// again if the mapping is gone. The files outlive the process: exit removes its mappings (uvmspace_free()'s
/// pmap_remove()) and leaves their pages cached. A program may also fsync(2) or msync(2) a file, or
/// stand for the syncer flushing it (<see cref="FileSync"/>).
/// </summary>
public sealed class FileUser(Kernel kernel, string name, IReadOnlyList<AObj> files, IReadOnlyList<FileTouch> program) : KernelThread(kernel, name)
{
    private readonly UserPmap _pmap = Register(kernel, name, files);

    /// <summary>The first slot of each file in the pmap.</summary>
    private readonly int[] _firstSlot = [.. files.Select((f, i) => files.Take(i).Sum(g => g.Size))];

    private static UserPmap Register(Kernel k, string name, IReadOnlyList<AObj> files)
    {
        // open(2) and mmap(2) of each file before the program runs: uvm_mmap()'s uvn_attach()
        // takes a v_usecount reference (VREF) that the mapping keeps after close(2).
        foreach (var f in files) f.UseCount++;
        var pmap = new UserPmap(name, files.Sum(f => f.Size), k.Versions);
        k.Vm.UserPmapList.Add(pmap);
        return pmap;
    }

    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        foreach (var t in program)
        {
            if (t.File < 0 || t.File >= files.Count) continue;
            if (t.Sync == FileSync.Unlink)
            {
                foreach (var s in Syscall(Unlink(files[t.File]))) yield return s;
                continue;
            }
            if (t.Sync != FileSync.None)
            {
                foreach (var s in Syscall(SyncFile(files[t.File], t.Sync))) yield return s;
                continue;
            }
            if (t.Page < 0 || t.Page >= files[t.File].Size) continue;
            int slot = _firstSlot[t.File] + t.Page;
            // The access runs in user mode through the mapping; one that faults runs again after the
            // fault returns, and faults again if the mapping went meanwhile (uvm_fault.c 1.113,
            // case 2, only maps the page). A load after its fault is left in the fault: pmap_enter()
            // seeded the reference bit, and a load changes nothing else the model keeps.
            var entered = new Out<Page>();
            while (true)
            {
                if (_pmap.MmuPage(slot, t.Write) is { } mapped)
                {
                    yield return Pmap.MmuAccess(Kernel, this, mapped, t.Write);
                    break;
                }
                // A user page fault: trap() → uvm_fault() under KERNEL_PROC_LOCK (i386 trap.c).
                foreach (var s in Syscall(VnodePager.Fault(Kernel, this, files[t.File], t.Page, t.Write, _pmap, slot, entered))) yield return s;
                if (!t.Write) break;
                if (Kernel.Config.Has(Switches.FileStoreThroughStaleTlb))
                {
                    // file-store-through-stale-tlb: the TLB entry the fault loaded outlives a pmap_page_protect().
                    yield return Pmap.MmuAccess(Kernel, this, entered.Value!, store: true);
                    break;
                }
            }
        }
        if (!Kernel.Config.Has(Switches.ExitSkipsPmapRemove)) _pmap.RemoveAll(); // exit-skips-pmap-remove: uvm_unmap_remove()'s pmap_remove()
        _pmap.Destroy(); // pmap_destroy()
        // uvm_unmap_remove() → uvm_unmap_detach(): each entry's pgo_detach, uvn_detach() → vrele() (uvm_vnode.c).
        foreach (var s in Syscall(DetachFiles())) yield return s;
        yield return Step.Exit("exit1 → uvmspace_free");
    }

    /// <summary>uvn_detach() → vrele() of every file the process maps.</summary>
    private IEnumerable<Step> DetachFiles()
    {
        foreach (var f in files)
            foreach (var s in VnodeLifecycle.Vrele(Kernel, this, f)) yield return s;
    }

    /// <summary>unlink(2): namei, then ufs_remove() drops the file's last link (i_nlink = 0), the inode and vnode staying while referenced.</summary>
    private IEnumerable<Step> Unlink(AObj vn)
    {
        vn.Unlinked = true;
        if (!Kernel.Vm.RemovedFiles.Contains(vn.FileId)) Kernel.Vm.RemovedFilesTaken.Add(vn.FileId); // ufs_dirremove(): the name is gone
        yield return Step.Ran("sys_unlink: ufs_remove");
    }

    /// <summary>
    /// A system call that puts the whole file's pages through genfs_putpages() as a caller that is
    /// not the pagedaemon (model/Pager/GenfsPutpages.cs). fsync(2) and the syncer: vflushbuf(vp,
    /// sync) (vfs_subr.c 1.171) takes v_interlock (the object's vmobjlock) and calls
    /// VOP_PUTPAGES(vp, 0, 0, PGO_CLEANIT|PGO_ALLPAGES|(sync ? PGO_SYNCIO : 0)); the file has no
    /// buffer-cache bufs here, and with sync it then waits, at splbio, "while (vp->v_numoutput)
    /// { vp->v_flag |= VBWAIT; tsleep(&amp;vp->v_numoutput, ..., "vflushbuf", 0) }". msync(2) with
    /// MS_INVALIDATE: uvm_map_clean() locks the object and calls pgo_put with PGO_CLEANIT|PGO_FREE|PGO_SYNCIO.
    /// </summary>
    private IEnumerable<Step> SyncFile(AObj vn, FileSync op)
    {
        // What the file's pages held when the call began, for the return's contract (fsync and msync only).
        var before = op == FileSync.Syncer ? null : Enumerable.Range(0, vn.Size).Select(vn.Written).ToArray();
        if (op == FileSync.MsyncInvalidate)
        {
            foreach (var s in Locks.Take(vn.Lock, this, "uvm_map_clean: simple_lock(vmobjlock)")) yield return s;
            foreach (var s in GenfsPutpages.Putpages(Kernel, this, vn, cleanIt: true, free: true, syncIo: true)) yield return s;
            Synced(vn, before!, "msync(MS_INVALIDATE)");
            yield return Step.Ran("sys___msync13: uvm_map_clean");
            yield break;
        }
        foreach (var s in Locks.Take(vn.Lock, this, "vflushbuf: simple_lock(v_interlock)")) yield return s;
        bool sync = op == FileSync.Fsync;
        foreach (var s in GenfsPutpages.Putpages(Kernel, this, vn, cleanIt: true, free: false, syncIo: sync)) yield return s;
        if (!sync)
        {
            yield return Step.Ran("sched_sync: vflushbuf");
            yield break;
        }
        while (vn.NumOutput != 0)
        {
            vn.VbWait = true;
            yield return Step.Sleep("vflushbuf: v_numoutput (vflushbuf)", vn.NumOutputChannel);
        }
        Synced(vn, before!, "fsync(2)");
        yield return Step.Ran("sys_fsync: vflushbuf");
    }

    /// <summary>
    /// The contract of a synchronous flush as it returns (SyncWritesWhatWasWrittenBefore): a page
    /// whose last write is the one it had when the call began has that data in its file block.
    /// </summary>
    private void Synced(AObj vn, Content?[] before, string call)
    {
        for (int i = 0; i < before.Length; i++)
            if (vn.Written(i) == before[i] && vn.Block(i) != before[i])
                Kernel.Events.Break("SyncWritesWhatWasWrittenBefore",
                    $"{Name}'s {call} of {vn} returns with block {i} holding {Content.Describe(vn.Block(i))}, not {Content.Describe(before[i])}, written before the call and not since");
    }
}
