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
[JsonDerivedType(typeof(Vfork), "vfork")]
[JsonDerivedType(typeof(Wait), "wait")]
[JsonDerivedType(typeof(ProcArgs), "procargs")]
[JsonDerivedType(typeof(ProcRegs), "procregs")]
[JsonDerivedType(typeof(Exec), "exec")]
[JsonDerivedType(typeof(SysExit), "exit")]
[JsonDerivedType(typeof(Kill), "kill")]
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

/// <summary>
/// sys_exit(): exit1() of the whole process from this LWP, whatever its siblings are doing
/// (kern_exit.c: "Don't call exit1() multiple times in the same process": lwp_exit() if P_WEXIT is
/// set already). Its siblings leave through exit_lwps(): woken from an interruptible sleep, they
/// take the p_userret hook (lwp_exit_hook → lwp_exit()) on their way back to user mode.
/// </summary>
public sealed record SysExit : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => "exit";
}
