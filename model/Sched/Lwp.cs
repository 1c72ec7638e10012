using Uvm.Model.Core;
using Uvm.Model.Exit;

namespace Uvm.Model.Sched;

/// <summary>
/// struct lwp: the scheduler state (l_stat, l_cpu, run-queue link), residency of its u-area
/// (L_INMEM), the swap-out clocks (l_swtime, l_slptime), l_holdcnt, and the user program it runs.
/// Written only by the kernel paths in this assembly; invariants read it.
/// </summary>
public sealed class Lwp(int lid, Proc proc, IReadOnlyList<LwpOp> program)
{
    /// <summary>A global LWP number, used in messages ("lwp 3").</summary>
    public int Lid { get; } = lid;

    /// <summary>l_proc.</summary>
    public Proc Proc { get; } = proc;

    /// <summary>l_stat.</summary>
    public LwpStat Stat { get; internal set; } = LwpStat.Run;

    /// <summary>l_cpu: the CPU it runs (or last ran) on.</summary>
    public Cpu? Cpu { get; internal set; }

    /// <summary>l_back != NULL: the LWP is linked on a run queue.</summary>
    public bool OnRunQueue { get; internal set; }

    /// <summary>L_INMEM: the u-area (PCB and kernel stack) is wired and resident.</summary>
    public bool InMemory { get; internal set; } = true;

    /// <summary>
    /// How many times the u-area pages are wired: uvm_fault_wire() adds one, uvm_fault_unwire()
    /// takes one, as the pages' wire_count does. A swap-in may wire the u-area again before the
    /// swapout that cleared L_INMEM has unwired it; the pages stay wired throughout. Kept on the
    /// <see cref="Uarea"/>, which may move to another LWP through the free list; 0 without one.
    /// </summary>
    public int UareaWireCount
    {
        get => Uarea?.WireCount ?? 0;
        internal set
        {
            if (Uarea is { } u) u.WireCount = value;
        }
    }

    /// <summary>The u-area pages are wired; false once the LWP has none.</summary>
    public bool UareaWired
    {
        get => UareaWireCount > 0;
        internal set
        {
            if (Uarea is { } u) u.Wired = value;
        }
    }

    /// <summary>l_addr: its u-area (PCB and kernel stack); null after uvm_lwp_exit().</summary>
    public Uarea? Uarea { get; internal set; }

    /// <summary>l_wchan: the channel it sleeps on in the kernel (wait4, lwp_wait1, uvm_wait, a lock); null otherwise.</summary>
    public WaitChannel? WChan { get; internal set; }

    /// <summary>L_DETACHED: nobody waits for it; lwp_exit2() (or the reaper) frees it.</summary>
    public bool Detached { get; internal set; }

    /// <summary>cpu_exit() has switched away from it for good: no CPU runs on its stack any more.</summary>
    public bool SwitchedAway { get; internal set; }

    /// <summary>pool_put(&amp;lwp_pool): the structure is freed.</summary>
    public bool Freed { get; internal set; }

    /// <summary>The kernel path it is in (a system call, or its exit), resumed wherever it next runs; null in user mode.</summary>
    internal IEnumerator<Step>? KernelPath { get; set; }

    /// <summary>l_swtime: seconds resident (or swapped out).</summary>
    public int SwTime { get; internal set; }

    /// <summary>l_slptime: seconds asleep.</summary>
    public int SlpTime { get; internal set; }

    /// <summary>l_holdcnt: PHOLD count; no swapout while positive.</summary>
    public int HoldCount { get; internal set; }

    /// <summary>Seconds left before the tsleep() timeout fires.</summary>
    public int SleepTimeout { get; internal set; }

    /// <summary>The user program.</summary>
    public IReadOnlyList<LwpOp> Program { get; } = program;

    /// <summary>Index of the current operation in <see cref="Program"/>.</summary>
    public int Pc { get; internal set; }

    /// <summary>Quanta already run of the current operation.</summary>
    public int QuantaDone { get; internal set; }

    /// <summary>True once the program has run to its end and the LWP exited.</summary>
    public bool Finished => Stat is LwpStat.Zomb or LwpStat.Dead;

    /// <summary>The lwp_pool item holding this struct lwp (newlwp's pool_get), or null if made at boot.</summary>
    public int? PoolItem { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"lwp {Lid}";
}
