namespace Uvm.Model.Vm;

/// <summary>
/// A caller of genfs_putpages() that is not the pagedaemon (model/Pager/GenfsPutpages.cs), with
/// the flags its kernel text passes.
/// </summary>
public enum FileSync
{
    /// <summary>No call: a page access.</summary>
    None,

    /// <summary>
    /// fsync(2): VOP_FSYNC(FSYNC_WAIT) → genfs_fsync() → vflushbuf(vp, 1) (vfs_subr.c 1.171):
    /// PGO_CLEANIT|PGO_ALLPAGES|PGO_SYNCIO, then the "vflushbuf" wait for v_numoutput.
    /// </summary>
    Fsync,

    /// <summary>The syncer's lazy VOP_FSYNC: vflushbuf(vp, 0), PGO_CLEANIT|PGO_ALLPAGES; the writes are asynchronous and aiodoned completes them.</summary>
    Syncer,

    /// <summary>
    /// msync(2) with MS_INVALIDATE (uvm_mmap.c sys___msync13: PGO_CLEANIT|PGO_FREE, and PGO_SYNCIO
    /// "XXXCDC: force sync for now!") → uvm_map_clean() → pgo_put of the file's whole range.
    /// </summary>
    MsyncInvalidate,

    /// <summary>
    /// unlink(2) of the file (ufs_remove(): i_nlink to 0): the vnode keeps its users, and the
    /// VOP_INACTIVE of its last vrele() vrecycle()s it (model/Pager/VnodeLifecycle.cs).
    /// </summary>
    Unlink,
}
