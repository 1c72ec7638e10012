namespace Uvm.Model.Sched;

/// <summary>l_stat of an LWP (sys/lwp.h, 2003).</summary>
public enum LwpStat
{
    /// <summary>LSIDL: being created.</summary>
    Idle,

    /// <summary>LSRUN: runnable; on a run queue when L_INMEM is set.</summary>
    Run,

    /// <summary>LSONPROC: running on <c>l_cpu</c>.</summary>
    OnProc,

    /// <summary>LSSLEEP: asleep in tsleep/ltsleep.</summary>
    Sleep,

    /// <summary>LSSTOP: stopped by a signal or debugger.</summary>
    Stop,

    /// <summary>LSZOMB: exited, waiting to be collected.</summary>
    Zomb,

    /// <summary>LSDEAD: exited and switched away for good (before lwp_exit2 finishes).</summary>
    Dead,
}
