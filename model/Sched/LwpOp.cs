using System.Text.Json.Serialization;

namespace Uvm.Model.Sched;

/// <summary>
/// One thing the user program of an LWP does, in order. A CPU runs the LWP's current operation
/// one quantum at a time; each quantum ends in a trap to the kernel (preempt, tsleep or exit).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(Compute), "compute")]
[JsonDerivedType(typeof(SleepFor), "sleep")]
[JsonDerivedType(typeof(Fork), "fork")]
[JsonDerivedType(typeof(Wait), "wait")]
[JsonDerivedType(typeof(ProcArgs), "procargs")]
[JsonDerivedType(typeof(Exec), "exec")]
public abstract record LwpOp;

/// <summary>Runs in user mode for <paramref name="Quanta"/> scheduler quanta, preempted after each.</summary>
public sealed record Compute(int Quanta) : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => $"compute({Quanta})";
}

/// <summary>Sleeps in tsleep() with a timeout of <paramref name="Seconds"/> schedcpu() seconds.</summary>
public sealed record SleepFor(int Seconds) : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => $"sleep({Seconds}s)";
}
