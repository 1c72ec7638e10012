namespace Uvm.Model.Vm;

/// <summary>
/// The disk of a file no vnode holds (session 37): what ufs_reclaim() leaves behind when the
/// inode goes, for the next vnode ffs_vget() gives the file (model/Pager/VnodeLifecycle.cs).
/// </summary>
/// <param name="File">The file's number in the workload.</param>
/// <param name="Blocks">The data of each block on disk.</param>
/// <param name="Written">The data a process last wrote to each page (what the blocks must hold once written back).</param>
public sealed record FileDisk(int File, Content?[] Blocks, Content?[] Written);
