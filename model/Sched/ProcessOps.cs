namespace Uvm.Model.Sched;

/// <summary>
/// fork(): the LWP's process forks a child process whose one LWP runs <paramref name="Child"/>
/// (fork1(); see <see cref="Exit.ProcessFork"/>). The parent goes on with its next operation.
/// </summary>
public record Fork(IReadOnlyList<LwpOp> Child) : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => $"fork({string.Join(" ", Child)})";
}

/// <summary>
/// vfork(): fork1(FORK_PPWAIT | FORK_SHAREVM). The child's one LWP runs <paramref name="Child"/> in
/// its parent's vmspace (uvmspace_share(): <c>vm_refcnt++</c>), and the parent LWP sleeps in
/// fork1() ("ppwait") until the child clears P_PPWAIT by execve() or exit1() (see
/// <see cref="Exit.ProcessFork"/>). The parent then goes on with its next operation. A fork, for
/// everything that counts forks.
/// </summary>
public sealed record Vfork(IReadOnlyList<LwpOp> Child) : Fork(Child)
{
    /// <inheritdoc/>
    public override string ToString() => $"vfork({string.Join(" ", Child)})";
}

/// <summary>wait4(WAIT_ANY): collect one exited child, sleeping until one exits; returns at once without children.</summary>
public sealed record Wait : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => "wait";
}

/// <summary>
/// sysctl(CTL_KERN, KERN_PROC_ARGS, <paramref name="Pid"/>, KERN_PROC_ARGV), as ps(1) reads another
/// process's arguments: a reference to that process's vmspace from outside it
/// (model/Exit/SysctlProcArgs.cs). EINVAL if no such process is active.
/// </summary>
public sealed record ProcArgs(int Pid) : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => $"procargs({Pid})";
}

/// <summary>
/// read(2) of /proc/<paramref name="Pid"/>/regs, as a debugger reads another process's registers:
/// procfs_rw() finds the process and its representative LWP and process_doregs() holds that LWP in
/// memory with PHOLD() while it copies the trapframe out of its u-area (model/Exit/ProcfsRegs.cs).
/// EINVAL if no such process is active.
/// </summary>
public sealed record ProcRegs(int Pid) : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => $"procregs({Pid})";
}

/// <summary>
/// execve() of a new program: uvmspace_exec() recycles the process's vmspace if nothing else holds
/// a reference to it, else gives the process a new one and drops its reference to the old
/// (<see cref="Exit.ProcessExec"/>). The program the LWP runs goes on with its next operation.
/// </summary>
public sealed record Exec : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => "exec";
}


/// <summary>The signals a workload sends with <see cref="Kill"/>, each with its default action (kern_sig.c sigprop).</summary>
public enum Sig
{
    /// <summary>SIGSTOP (SA_STOP): stop the process.</summary>
    Stop,

    /// <summary>SIGCONT (SA_CONT | SA_IGNORE): continue a stopped process; otherwise ignored.</summary>
    Cont,
}

/// <summary>
/// kill(<paramref name="Pid"/>, <paramref name="Signal"/>), as a shell's job control or a debugger
/// stops and continues another process (<see cref="Signals.SysKill"/>); pid 0 names the child
/// this LWP's last fork() returned, which a debugger continues after a P_STOPFORK fork. ESRCH if
/// no such process is alive.
/// </summary>
public sealed record Kill(Sig Signal, int Pid = 0) : LwpOp
{
    /// <inheritdoc/>
    public override string ToString() => $"kill({(Pid == 0 ? "child" : Pid.ToString(System.Globalization.CultureInfo.InvariantCulture))}, SIG{Signal.ToString().ToUpperInvariant()})";
}
