namespace Uvm.Model.Sched;

/// <summary>struct proc, the parts the modelled paths read: its flags and its LWPs.</summary>
public sealed class Proc(int pid, bool system)
{
    /// <summary>p_pid.</summary>
    public int Pid { get; } = pid;

    /// <summary>P_SYSTEM: a kernel process; never swapped out.</summary>
    public bool System { get; } = system;

    /// <summary>P_WEXIT: exit1() has started; never swapped out.</summary>
    public bool Exiting { get; internal set; }

    /// <summary>The process's LWPs.</summary>
    public List<Lwp> Lwps { get; } = [];

    /// <inheritdoc/>
    public override string ToString() => $"pid {Pid}";
}
