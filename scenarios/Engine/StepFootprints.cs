using Uvm.Model;
using Uvm.Model.Core;
using Uvm.Model.Sched;
using Uvm.Model.Threads;

namespace Uvm.Scenarios.Engine;

/// <summary>
/// The declared footprint of each labelled step, for the partial-order reduction of
/// <c>uvmcheck verify</c> (docs/verify.md). A step's code is everything its thread runs from its
/// previous <c>yield return</c> to this one, so a label's footprint covers every path that can end
/// at that label. Any step not listed here reads and writes everything, which is always sound; the
/// listed ones were read off the model's code and are checked by CommutationTests, which runs both
/// orders of co-enabled steps declared independent and compares the states and what follows.
/// </summary>
public sealed class StepFootprints
{
    /// <summary>What waking or sleeping on a lock's channel may touch: Tsleep.Wakeup() walks alllwp and setrunnable()s.</summary>
    private const Region LockRelease = Region.Sched | Region.SleepWhichQs | Region.SleepProc0;

    /// <summary>proc0's u-area faults (uvm_glue.c uvm_swapin → uvm_fault.c uvm_fault_wire): kernel_map, pages, u-area.</summary>
    private static readonly Footprint Wire = Footprint.ReadWrite(LockRelease | Region.Vm | Region.Uarea | Region.KernelMap
        | Region.SleepKernelMap | Region.SleepPagedaemon | Region.SleepFreeMemory);

    /// <summary>Labels of proc0 (uvm_scheduler(), uvm_glue.c rev 1.93) and their footprints.</summary>
    private static readonly Dictionary<string, Footprint> Proc0 = new(StringComparer.Ordinal)
    {
        // The pick walks alllwp reading l_stat, L_INMEM, l_swtime, l_slptime; it writes nothing.
        ["uvm_scheduler: proclist_unlock_read"] = new(Region.Sched, Region.None),
        // tsleep(&proc0): nothing but the sleep queue.
        ["uvm_scheduler"] = Footprint.ReadWrite(Region.SleepProc0),
        // uvm_wait(): uvmexp.free, the pagedaemon's wakeup (which may ask for a u-area drain), sleep on &uvmexp.free.
        ["uvm_wait: schedpwait"] = Footprint.ReadWrite(Region.Vm | Region.Uarea | Region.SleepPagedaemon | Region.SleepFreeMemory),
        ["uvm_fault_wire"] = Wire,
        ["uvm_fault_wire: vm_map_lock_read(kernel_map)"] = Wire,
        ["uvm_wait: flt_noram5"] = Wire,
        // The wire count, then cpu_swapin() and SCHED_LOCK { setrunqueue; L_INMEM }; uvmexp.swapins.
        ["uvm_swapin"] = Footprint.ReadWrite(Region.Sched | Region.Uarea | Region.Vm | Region.SleepWhichQs),
    };

    /// <summary>
    /// Labels of a CPU running LWPs whose programs only compute and sleep (CpuThread): the step
    /// then runs no tail of a fork or wait4 path, only the quantum and the trap.
    /// </summary>
    private static readonly Dictionary<string, Footprint> SimpleCpu = new(StringComparer.Ordinal)
    {
        // preempt(): l_stat, setrunqueue (wakes sched_whichqs), cpu_switch() reads l_addr and p_vmspace.
        ["preempt"] = Footprint.ReadWrite(Region.Sched | Region.SleepWhichQs).AlsoReads(Region.Uarea | Region.Proc),
        // ltsleep(): l_stat, l_slptime, wakes the model clock, cpu_switch().
        ["ltsleep"] = Footprint.ReadWrite(Region.Sched | Region.SleepClock).AlsoReads(Region.Uarea | Region.Proc),
    };

    /// <summary>True when no LWP can enter fork1() or wait4(), whose paths' tails run inside the next CPU step.</summary>
    private readonly bool _simplePrograms;

    /// <summary>The footprints for one booted kernel (the workload decides which table applies).</summary>
    public StepFootprints(Kernel kernel) =>
        _simplePrograms = kernel.Lwps.TrueForAll(l => l.Program.All(op => op is Compute or SleepFor));

    /// <summary>The footprint of <paramref name="thread"/>'s step that just ran and ended as <paramref name="step"/>.</summary>
    public Footprint Of(KernelThread thread, Step step) => thread switch
    {
        _ when thread.IsTimer => Footprint.All,
        // spinlockmgr(&kernel_lock) finding the lock held (KernelThread.Advance): the spin touches
        // only recorded state (the holder, its own sleep on the spinners' queue, what decided it
        // needed the lock, the store log), so it declares nothing.
        _ when step.Kind == StepKind.Sleep && step.Channel == KernelLock.Channel && step.Function == KernelThread.Spin => Footprint.None,
        // A kernel thread runs on a CPU (model/Sched/Kthread.cs): its sleep or exit hands the CPU to
        // the next LWP on the run queue, and a thread it wakes goes onto the run queue.
        SchedulerThread => Proc0.GetValueOrDefault(step.Function, Footprint.All).Union(Footprint.ReadWrite(Region.Sched)),
        CpuThread when _simplePrograms => SimpleCpu.GetValueOrDefault(step.Function, Footprint.All),
        _ => Footprint.All,
    };
}
