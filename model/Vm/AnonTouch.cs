namespace Uvm.Model.Vm;

/// <summary>An access of page <paramref name="Page"/> of a process's private anonymous memory.</summary>
public sealed record AnonTouch(int Page, bool Write)
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Write ? "write" : "read")}({Page})";
}
