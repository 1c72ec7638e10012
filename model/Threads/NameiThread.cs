using Uvm.Model.Core;
using Uvm.Model.Vm;

namespace Uvm.Model.Threads;

/// <summary>
/// A process that opens and closes files by name, one after another (the "namei" process of the
/// vnode-recycle scenario): each open(2) looks the file's inode up (ufs_lookup() → VFS_VGET →
/// ffs_vget() → ufs_ihashget(), which vget()s a vnode that still holds the inode and looks again
/// when vget() fails with ENOENT on a vnode being cleaned) and, when no vnode holds it, takes one
/// from getnewvnode(), which may recycle a free vnode whose pages are cached, in the pagedaemon's
/// pageout or in an fsync; close(2) vrele()s it (model/Pager/VnodeLifecycle.cs). A file number past
/// the workload's files is a one-page file no vnode held before. An open that gets ENFILE is skipped.
/// </summary>
public sealed class NameiThread(Kernel kernel, string name, IReadOnlyList<int> opens) : KernelThread(kernel, name)
{
    /// <inheritdoc/>
    protected override IEnumerable<Step> Body()
    {
        foreach (var f in opens)
        {
            var vp = new Out<AObj>();
            foreach (var s in Syscall(Open(f, vp))) yield return s;
            if (vp.Value is { } held)
                foreach (var s in Syscall(VnodeLifecycle.Vrele(Kernel, this, held))) yield return s;
        }
        yield return Step.Exit("exit1");
    }

    /// <summary>sys_open() of file <paramref name="f"/>: ufs_ihashget()'s lookup and vget(), or ffs_vget()'s getnewvnode().</summary>
    private IEnumerable<Step> Open(int f, Out<AObj> result)
    {
        if (Kernel.Vm.RemovedFiles.Contains(f))
        {
            yield return Step.Ran("namei: ENOENT"); // ufs_lookup(): no directory entry
            yield break;
        }
        while (true)
        {
            // ufs_ihashget(): under ufs_ihash_slock, "simple_lock(&vp->v_interlock); simple_unlock(&ufs_ihash_slock); if (vget(vp, flags | LK_INTERLOCK)) goto loop;"
            if (Holder(f) is { } vp)
            {
                foreach (var s in Locks.Take(vp.Lock, this, "ufs_ihashget: simple_lock(v_interlock)")) yield return s;
                var ok = new Out<bool>();
                foreach (var s in VnodeLifecycle.Vget(Kernel, this, vp, ok)) yield return s;
                if (!ok.Value) continue;
                result.Value = vp;
                yield break;
            }
            foreach (var s in VnodeLifecycle.Getnewvnode(Kernel, this, f, result)) yield return s;
            yield break;
        }
    }

    /// <summary>The vnode whose inode is file <paramref name="f"/>'s (ufs_ihash: from ffs_vget()'s ufs_ihashins() to ufs_reclaim()'s ufs_ihashrem()).</summary>
    private AObj? Holder(int f)
    {
        var vnodes = Kernel.Vm.Vnodes;
        for (int i = 0; i < vnodes.Count; i++)
            if (vnodes[i].FileId == f) return vnodes[i];
        return null;
    }
}
