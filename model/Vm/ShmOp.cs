using System.Text.Json.Serialization;

namespace Uvm.Model.Vm;

/// <summary>One SysV shared memory system call or access of a <see cref="Threads.ShmUser"/>, in order.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(ShmGet), "shmget")]
[JsonDerivedType(typeof(ShmAt), "shmat")]
[JsonDerivedType(typeof(ShmTouch), "touch")]
[JsonDerivedType(typeof(ShmDt), "shmdt")]
[JsonDerivedType(typeof(ShmRmid), "rmid")]
public abstract record ShmOp;

/// <summary>shmget(key, pages, IPC_CREAT): find the segment, or create it with uao_create().</summary>
public sealed record ShmGet(int Key, int Pages) : ShmOp
{
    /// <inheritdoc/>
    public override string ToString() => $"shmget({Key},{Pages})";
}

/// <summary>shmat(): map the segment shared (uao_reference).</summary>
public sealed record ShmAt(int Key) : ShmOp
{
    /// <inheritdoc/>
    public override string ToString() => $"shmat({Key})";
}

/// <summary>Read or write page <paramref name="Page"/> of an attached segment (a fault if needed).</summary>
public sealed record ShmTouch(int Key, int Page, bool Write) : ShmOp
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Write ? "write" : "read")}({Key}:{Page})";
}

/// <summary>shmdt(): unmap the segment (uao_detach); the last detach of a removed segment frees it.</summary>
public sealed record ShmDt(int Key) : ShmOp
{
    /// <inheritdoc/>
    public override string ToString() => $"shmdt({Key})";
}

/// <summary>shmctl(IPC_RMID): mark the segment removed; freed now if nobody has it attached.</summary>
public sealed record ShmRmid(int Key) : ShmOp
{
    /// <inheritdoc/>
    public override string ToString() => $"rmid({Key})";
}
