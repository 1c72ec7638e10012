using System.Text.Json.Serialization;

namespace Uvm.Model.Vm;

/// <summary>
/// An access of page <paramref name="Page"/> of file <paramref name="File"/> (0-based) through a
/// MAP_SHARED mapping; or, with <see cref="Sync"/> set, a system call that cleans the whole file
/// through VOP_PUTPAGES (<paramref name="Page"/> and <paramref name="Write"/> unused).
/// </summary>
public sealed record FileTouch(int File, int Page, bool Write)
{
    /// <summary>Which putpages caller this is; <see cref="FileSync.None"/> for a page access.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public FileSync Sync { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Sync switch
    {
        FileSync.Fsync => $"fsync(f{File})",
        FileSync.Syncer => $"syncer(f{File})",
        FileSync.MsyncInvalidate => $"msync(f{File}, MS_INVALIDATE)",
        FileSync.Unlink => $"unlink(f{File})",
        _ => $"{(Write ? "write" : "read")}(f{File}:{Page})",
    };
}
