namespace Uvm.Model.Sched;

/// <summary>struct cpu_info: which LWP is curlwp on this CPU.</summary>
public sealed class Cpu(int number)
{
    /// <summary>cpu_number().</summary>
    public int Number { get; } = number;

    /// <summary>ci_curlwp: the LWP this CPU runs, or null while idle.</summary>
    public Lwp? Current { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"cpu{Number}";
}
