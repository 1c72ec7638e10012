namespace Uvm.Model.Maps;

/// <summary>
/// struct vmspace (uvm_extern.h, 2003): the process's map plus the layout fields exec sets and
/// sys_mmap() reads: vm_daddr (data segment start), vm_maxsaddr (the lowest address the stack may
/// grow to) and vm_minsaddr (USRSTACK, the map's top here), with the rlimits exec derived them
/// from. Shared by every LWP of the process, so their mmap()/munmap() calls meet on one map lock.
/// Also records the execs that failed, with the layout they saw, for the exec invariant.
/// </summary>
public sealed class Vmspace(int pid, VmMap map)
{
    /// <summary>The failed execs, oldest first.</summary>
    private readonly List<ExecFailure> _execFailures = [];

    /// <summary>Backs <see cref="MmapFailures"/>.</summary>
    private readonly List<ExecFailure> _mmapFailures = [];

    /// <summary>The owning process.</summary>
    public int Pid { get; } = pid;

    /// <summary>vm_map: the address map.</summary>
    public VmMap Map { get; } = map;

    /// <summary>vm_daddr: where the data segment (data, bss, then the heap) starts.</summary>
    public int Daddr { get; internal set { Map.V(); field = value; } }

    /// <summary>RLIMIT_DATA, in pages: data, bss and heap together stay below Daddr + DataLimit.</summary>
    public int DataLimit { get; internal set { Map.V(); field = value; } }

    /// <summary>RLIMIT_STACK, in pages; null is RLIM_INFINITY (<c>ulimit -s unlimited</c>).</summary>
    public int? StackLimit { get; internal set { Map.V(); field = value; } }

    /// <summary>vm_maxsaddr: the lowest page the stack may grow down to.</summary>
    public int MaxSaddr { get; internal set { Map.V(); field = value; } }

    /// <summary>Execs that ran to the end.</summary>
    public int ExecsDone { get; internal set { Map.V(); field = value; } }

    /// <summary>Execs that failed with ENOMEM, and the layout each saw.</summary>
    public IReadOnlyList<ExecFailure> ExecFailures => _execFailures;

    /// <summary>mmap()s whose uvm_map() failed with ENOMEM, and the layout each saw (the same record as an exec's vmcmd).</summary>
    public IReadOnlyList<ExecFailure> MmapFailures => _mmapFailures;

    /// <summary>vm_minsaddr: USRSTACK, the top of the stack and of the map.</summary>
    public int MinSaddr => Map.Max;

    /// <summary>
    /// VM_DEFAULT_ADDRESS(vm_daddr, size): the hint of a non-fixed mmap() and of exec's ELF
    /// interpreter. Top-down: just below the stack reservation, <c>vm_maxsaddr - size</c>.
    /// Bottom-up: above the largest heap, <c>vm_daddr + data limit</c>. The account of the bug in
    /// docs/kernel-sources.md (map free-space search) puts the top-down hint below USRSTACK minus the stack <em>limit</em>; the kernel macro of the
    /// time subtracts the compile-time MAXSSIZ instead. The model follows that account, so an
    /// unlimited stack moves the hint down beside text/data/heap (approx.).
    /// </summary>
    public int DefaultAddress(int size) => Map.TopDown ? MaxSaddr - size : Daddr + DataLimit;

    /// <summary>
    /// Exec's stack reservation from the rlimits: vm_maxsaddr = USRSTACK - stack limit, but never
    /// below the end of the data limit, which is where an unlimited (RLIM_INFINITY) stack stops
    /// (approx.: how the kernel of the time clamped an unlimited limit is reconstructed).
    /// </summary>
    internal void SetLimits(int daddr, int dataLimit, int? stackLimit)
    {
        Daddr = daddr;
        DataLimit = dataLimit;
        StackLimit = stackLimit;
        int heapEnd = daddr + dataLimit;
        MaxSaddr = stackLimit is { } s && MinSaddr - s >= heapEnd ? MinSaddr - s : heapEnd;
    }

    /// <summary>Records an exec that failed with ENOMEM.</summary>
    internal void RecordExecFailure(ExecFailure failure)
    {
        Map.V();
        _execFailures.Add(failure);
    }

    /// <summary>An mmap() whose uvm_map() found no space.</summary>
    internal void RecordMmapFailure(ExecFailure failure)
    {
        Map.V();
        _mmapFailures.Add(failure);
    }

    /// <inheritdoc/>
    public override string ToString() => $"vmspace of pid {Pid}";
}
