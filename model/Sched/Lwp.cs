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
    /// swapout that cleared L_INMEM has unwired it; the pages stay wired throughout.
    /// </summary>
    public int UareaWireCount { get; internal set; } = 1;

    /// <summary>The u-area pages are wired.</summary>
    public bool UareaWired => UareaWireCount > 0;

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

    /// <inheritdoc/>
    public override string ToString() => $"lwp {Lid}";
}
