namespace Uvm.Model.Vm;

/// <summary>An access of page <paramref name="Page"/> of file <paramref name="File"/> (0-based) through a MAP_SHARED mapping.</summary>
public sealed record FileTouch(int File, int Page, bool Write)
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Write ? "write" : "read")}(f{File}:{Page})";
}
