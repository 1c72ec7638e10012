using System.Collections.Immutable;
using Uvm.Model.Core;
using Uvm.Model.Exit;

namespace Uvm.Model.Sched;

/// <summary>
/// struct cpu_info: which LWP is curlwp on this CPU. Its fields are recorded per CPU for verify's
/// partial-order reduction (<see cref="Kernel.Accesses"/>).
/// </summary>
public sealed class Cpu(int number, Kernel kernel)
{
    /// <summary>cpu_number().</summary>
    public int Number { get; } = number;

    /// <summary>
    /// Where the CPU's own thread waits while the CPU runs a kernel thread (<see cref="Kthread"/>):
    /// the CPU's steps are then the kthread's (a model device, not a kernel channel).
    /// </summary>
    internal WaitChannel Lent { get; } = new(number < LentNames.Length ? LentNames[number] : $"cpu{number}: running a kernel thread");

    /// <summary>
    /// The names and lent channels of CPUs 0-7 (a workload has at most 8), made once: every
    /// schedule boots its CPUs, and their threads are named after them.
    /// </summary>
    private static readonly ImmutableArray<string> Names = [.. Enumerable.Range(0, 8).Select(i => $"cpu{i}")],
        LentNames = [.. Enumerable.Range(0, 8).Select(i => $"cpu{i}: running a kernel thread")];

    /// <summary>The thread that stands for this CPU running user LWPs and idling; set when it is created.</summary>
    public KernelThread? Thread { get; internal set { kernel.Versions.Bump(StateDomain.Sched); field = value; } }

    /// <summary>ci_curlwp: the LWP this CPU runs, or null while idle.</summary>
    public Lwp? Current
    {
        get { kernel.Reads("cpu", Number, "ci"); return _current; }
        internal set { kernel.Writes("cpu", Number, "ci"); kernel.Versions.Bump(StateDomain.Sched); _current = value; }
    }

    private Lwp? _current;

    /// <summary>The u-area whose kernel stack the CPU executes on; null on the idle PCB.</summary>
    public Uarea? Stack
    {
        get { kernel.Reads("cpu", Number, "ci"); return _stack; }
        internal set { kernel.Writes("cpu", Number, "ci"); kernel.Versions.Bump(StateDomain.Sched); _stack = value; }
    }

    private Uarea? _stack;

    /// <summary>The vmspace whose pmap is active on the CPU; null for the kernel pmap.</summary>
    public ProcVmspace? Vmspace
    {
        get { kernel.Reads("cpu", Number, "ci"); return _vmspace; }
        internal set { kernel.Writes("cpu", Number, "ci"); kernel.Versions.Bump(StateDomain.Sched); _vmspace = value; }
    }

    private ProcVmspace? _vmspace;

    /// <summary>
    /// The LWP whose exit the CPU is completing after exit1()/lwp_exit() cleared curlwp: through
    /// cpu_exit() and the lwp_exit2()/exit2() that the MD code calls after switching away.
    /// </summary>
    public Lwp? Exiting
    {
        get { kernel.Reads("cpu", Number, "ci"); return _exiting; }
        internal set { kernel.Writes("cpu", Number, "ci"); kernel.Versions.Bump(StateDomain.Sched); _exiting = value; }
    }

    private Lwp? _exiting;

    /// <inheritdoc/>
    public override string ToString() => Number < Names.Length ? Names[Number] : $"cpu{Number}";
}
