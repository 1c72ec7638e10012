namespace Uvm.Model;

/// <summary>
/// Generic model mutations for <c>uvmcheck mutate</c>: each breaks one kernel rule at one named
/// site, the way a plausible kernel bug would, so the kill matrix shows which invariant or kernel
/// assertion would catch it. Not historical bugs; those are the switches of <see cref="KernelConfig"/>.
/// </summary>
[Flags]
public enum Mutation
{
    /// <summary>The model as written.</summary>
    None = 0,

    /// <summary>uvm_swapout(): L_INMEM is cleared but the LSRUN LWP is not taken off the run queue (a queue removal skipped).</summary>
    SwapoutSkipsRemrunqueue = 1 << 0,

    /// <summary>uvm_swapin(): the LSRUN LWP is made resident but never put back on the run queue (a queue insertion skipped).</summary>
    SwapinSkipsSetrunqueue = 1 << 1,

    /// <summary>uvm_swapout_threads(): swappable() is not checked, so P_SYSTEM, exiting and PHOLDed LWPs are candidates (a re-check skipped).</summary>
    ScanSkipsSwappable = 1 << 2,

    /// <summary>
    /// uvm_swapout(): sched_lock is not taken, so clearing L_INMEM and remrunqueue() are two
    /// critical sections instead of one (a lock not taken: another CPU may run in between).
    /// </summary>
    SwapoutWithoutSchedLock = 1 << 3,

    /// <summary>setrunnable(): a swapped-out LWP is made LSRUN but proc0 is not woken (a lost wakeup).</summary>
    SetrunnableSkipsProc0Wakeup = 1 << 4,

    /// <summary>cpu_switch(): the chosen LWP is run but left linked on the run queue (a queue removal skipped).</summary>
    CpuSwitchSkipsRemrunqueue = 1 << 5,

    /// <summary>uvm_scheduler(): proc0 never finds a candidate, so nothing is swapped back in (a path that never runs).</summary>
    Proc0NeverSwapsIn = 1 << 6,
}

/// <summary>The catalogue of mutations: a short id and the site each one breaks.</summary>
public static class Mutations
{
    /// <summary>Every mutation, with its id and site.</summary>
    public static IReadOnlyList<(Mutation Mutation, string Id, string Site)> All { get; } =
    [
        (Mutation.SwapoutSkipsRemrunqueue, "swapout-skips-remrunqueue", "uvm_swapout"),
        (Mutation.SwapinSkipsSetrunqueue, "swapin-skips-setrunqueue", "uvm_swapin"),
        (Mutation.ScanSkipsSwappable, "scan-skips-swappable", "uvm_swapout_threads"),
        (Mutation.SwapoutWithoutSchedLock, "swapout-without-sched-lock", "uvm_swapout"),
        (Mutation.SetrunnableSkipsProc0Wakeup, "setrunnable-skips-proc0-wakeup", "setrunnable"),
        (Mutation.CpuSwitchSkipsRemrunqueue, "cpu-switch-skips-remrunqueue", "cpu_switch"),
        (Mutation.Proc0NeverSwapsIn, "proc0-never-swaps-in", "uvm_scheduler"),
    ];
}
