using Uvm.Model.Exit;

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

    /// <summary>p_lwps: the process's LWPs. An exiting LWP leaves it when it is detached or collected.</summary>
    public IReadOnlyList<Lwp> Lwps => LwpList;

    /// <summary>p_lwps, for the kernel paths that link and unlink LWPs.</summary>
    internal List<Lwp> LwpList { get; } = [];

    /// <summary>p_stat.</summary>
    public ProcStat Stat { get; internal set; } = ProcStat.Active;

    /// <summary>p_pptr: the parent, which collects it with wait4(); null for a process nobody waits for.</summary>
    public Proc? Parent { get; internal set; }

    /// <summary>p_children: its children not yet collected.</summary>
    public IReadOnlyList<Proc> Children => ChildList;

    /// <summary>p_children, for fork, wait and the reparenting of orphans.</summary>
    internal List<Proc> ChildList { get; } = [];

    /// <summary>p_vmspace: its address space (proc0's, once the 2004 exit1() has borrowed it).</summary>
    public ProcVmspace Vmspace { get; internal set; } = new($"pid {pid}");

    /// <summary>proc_free() has run: the parent collected it and the structure is freed.</summary>
    public bool Reaped { get; internal set; }

    /// <summary>The proc_pool item holding this struct proc (fork1's pool_get), or null if made at boot.</summary>
    public int? PoolItem { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"pid {Pid}";
}
