namespace Uvm.Model.Exit;

/// <summary>p_stat of a process (sys/proc.h, 2003-2004), the values the exit paths use.</summary>
public enum ProcStat
{
    /// <summary>SIDL: being created by fork1().</summary>
    Idl,

    /// <summary>SACTIVE: running normally.</summary>
    Active,

    /// <summary>SDYING: exit1() of the 2004 rework is tearing it down.</summary>
    Dying,

    /// <summary>SDEAD: the reaper-era exit1() is done; the reaper has not yet freed its resources.</summary>
    Dead,

    /// <summary>SZOMB: a zombie its parent may collect with wait4().</summary>
    Zomb,

    /// <summary>
    /// SSTOP: stopped by a stop signal (proc_stop(), kern_sig.c 1.153) or created stopped by fork1()
    /// with P_STOPFORK; SIGCONT (proc_unstop()) makes it SACTIVE again. Appended, so that the
    /// values before it keep their numbers.
    /// </summary>
    Stop,
}
